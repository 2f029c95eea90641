import { keep } from '../ops/bounded.ts'
import type { SearchIndex } from './contract.ts'

/**
 * Search results by request, for the questions riders ask again and again ("are you open Saturday", "do you
 * have a used Sportsman"). An entry serves only while the index is unchanged since it was computed (every write
 * through `invalidating` moves the version on, including what `sync` picks up from other processes) and for
 * at most `ttlMs`, which bounds how late a document's effective or expiry time is noticed. Concurrent identical
 * searches share one computation; a failed one is not kept.
 */
export class ResultCache<P extends { now?: Date }, R extends { hits: object[] }> {
  private entries = new Map<string, { version: number; at: number; result: Promise<R> }>()
  private version = 0
  hits = 0
  misses = 0

  constructor(private readonly max = 1000, private readonly ttlMs = 30_000, private readonly clock: () => number = Date.now) {}

  /** The index changed: no entry computed before now is served again. */
  invalidate() {
    this.version++
    this.entries.clear()
  }

  /** A cached result for `params` (`now` only ages entries), or `compute`'s, kept for the next identical request. */
  async get(params: P, compute: () => Promise<R>): Promise<R> {
    if (this.max <= 0) return compute()
    const { now, ...rest } = params
    const key = JSON.stringify(rest)
    // The request's own time when it has one (the time its date filters use), so a clock moved on expires entries.
    const at = now?.getTime() ?? this.clock()
    const hit = this.entries.get(key)
    let result: Promise<R>
    if (hit && hit.version === this.version && Math.abs(at - hit.at) < this.ttlMs) {
      this.hits++
      result = hit.result
    } else {
      this.misses++
      const version = this.version
      result = compute()
      this.entries.delete(key)
      keep(this.entries, key, { version, at, result }, this.max)
      result.catch(() => { if (this.entries.get(key)?.result === result) this.entries.delete(key) })
    }
    const r = await result
    // Each caller gets its own hit objects, so one cannot change what the next is served.
    return { ...r, hits: r.hits.map((h) => ({ ...h })) }
  }
}

/** The index, with `onWrite` called after every write (index, delete, rebuild), successful or not. */
export function invalidating(index: SearchIndex, onWrite: () => void): SearchIndex {
  const after = async <T>(p: Promise<T>): Promise<T> => { try { return await p } finally { onWrite() } }
  return {
    get engine() { return index.engine },
    index: (docs) => after(index.index(docs)),
    delete: (ids) => after(index.delete(ids)),
    rebuild: (batches) => after(index.rebuild(batches)),
    search: (req) => index.search(req),
    health: () => index.health(),
    close: index.close ? () => index.close!() : undefined,
  }
}
