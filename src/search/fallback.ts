import type { IndexedDocument, SearchHealth, SearchIndex, SearchRequest, SearchResponse } from './contract.ts'
import { isUnreachable, MeiliTaskError } from './meili.ts'

/**
 * Meilisearch cannot be trusted with content right now: unreachable (network, timeout, 5xx) or failing its tasks
 * (out of disk, internal error, a batch it rejects). Either way the embedded engine has everything Postgres has.
 */
const isOutage = (err: unknown) => isUnreachable(err) || err instanceof MeiliTaskError

/**
 * Meilisearch when reachable, the embedded engine when not. Nothing is lost while it is down: documents live
 * in Postgres, the embedded engine is rebuilt from there, and Meilisearch is re-synced (changes only) when it returns.
 */
export interface FallbackOptions {
  primary: SearchIndex
  fallback: SearchIndex
  /** Every stored document with its vector, read fresh from Postgres each call. */
  load: () => AsyncIterable<IndexedDocument[]>
  /** Build the embedded engine at start-up so a failure switches over instantly (costs memory). */
  warmStandby?: boolean
  /** How long to wait between attempts to reach Meilisearch again. */
  retryAfterMs?: number
  log?: (line: string) => void
  now?: () => number
}

export class FallbackSearchIndex implements SearchIndex {
  private downSince?: number
  private lastError = ''
  private problem: 'unreachable' | 'failing its tasks' = 'unreachable'
  private lastProbe = 0
  private standby?: Promise<void>
  private recovering?: Promise<void>

  constructor(private opts: FallbackOptions) {}

  get engine() { return this.downSince === undefined ? this.opts.primary.engine : this.opts.fallback.engine }
  private now() { return (this.opts.now ?? Date.now)() }
  get isDown() { return this.downSince !== undefined }

  /** Builds the embedded engine from Postgres once (shared by concurrent callers). */
  private ensureStandby(): Promise<void> {
    this.standby ??= this.opts.fallback.rebuild(this.opts.load()).catch((err) => { this.standby = undefined; throw err })
    return this.standby
  }

  private markDown(err: unknown) {
    this.problem = err instanceof MeiliTaskError ? 'failing its tasks' : 'unreachable'
    if (this.downSince === undefined) {
      this.downSince = this.now()
      this.lastProbe = this.now()
      this.opts.log?.(`search: Meilisearch ${this.problem} (${(err as Error).message}); using the embedded engine`)
    }
    this.lastError = (err as Error).message
  }

  /** Tries Meilisearch again at most every `retryAfterMs`; when back, re-sends what changed and switches over. */
  private maybeRecover(): Promise<void> | undefined {
    if (this.downSince === undefined || this.recovering) return this.recovering
    if (this.now() - this.lastProbe < (this.opts.retryAfterMs ?? 15_000)) return undefined
    this.lastProbe = this.now()
    this.recovering = (async () => {
      try {
        const h = await this.opts.primary.health()
        if (!h.ok) return
        await this.opts.primary.rebuild(this.opts.load())
        this.downSince = undefined
        this.opts.log?.('search: Meilisearch is back; changes re-sent')
      } catch (err) {
        this.lastError = (err as Error).message // still failing: stay on the embedded engine
      } finally {
        this.recovering = undefined
      }
    })()
    return this.recovering
  }

  /** Runs on Meilisearch, switching to the embedded engine on an unreachable error. */
  private async route<T>(onPrimary: () => Promise<T>, onFallback: () => Promise<T>): Promise<T> {
    if (this.downSince === undefined) {
      try {
        return await onPrimary()
      } catch (err) {
        if (!isOutage(err)) throw err
        this.markDown(err)
      }
    } else {
      await this.maybeRecover()
      if (this.downSince === undefined) return this.route(onPrimary, onFallback)
    }
    await this.ensureStandby()
    return onFallback()
  }

  async index(docs: IndexedDocument[]): Promise<void> {
    // The standby, once built, is kept current so switching over never serves stale content.
    if (this.standby) await this.standby.then(() => this.opts.fallback.index(docs))
    if (this.downSince !== undefined) return // Postgres has them; re-sent on recovery
    try {
      await this.opts.primary.index(docs)
    } catch (err) {
      if (!isOutage(err)) throw err
      this.markDown(err)
      await this.ensureStandby()
    }
  }

  async delete(ids: string[]): Promise<void> {
    if (this.standby) await this.standby.then(() => this.opts.fallback.delete(ids))
    if (this.downSince !== undefined) return
    try {
      await this.opts.primary.delete(ids)
    } catch (err) {
      if (!isOutage(err)) throw err
      this.markDown(err)
      await this.ensureStandby()
    }
  }

  search(req: SearchRequest): Promise<SearchResponse> {
    return this.route(() => this.opts.primary.search(req), () => this.opts.fallback.search(req))
  }

  async rebuild(batches: AsyncIterable<IndexedDocument[]> | Iterable<IndexedDocument[]>): Promise<void> {
    try {
      await this.opts.primary.rebuild(batches)
      this.downSince = undefined
    } catch (err) {
      if (!isOutage(err)) throw err
      this.markDown(err)
    }
    if (this.opts.warmStandby !== false || this.downSince !== undefined) {
      this.standby = undefined
      await this.ensureStandby()
    }
  }

  async health(): Promise<SearchHealth> {
    if (this.downSince === undefined) {
      const h = await this.opts.primary.health()
      if (h.ok) return h
      this.markDown(new Error(h.warning ?? 'health check failed'))
    } else {
      await this.maybeRecover()
      if (this.downSince === undefined) return this.opts.primary.health()
    }
    const since = new Date(this.downSince!).toISOString()
    const fb = this.standby ? await this.opts.fallback.health() : { ok: true, engine: 'orama' as const }
    return {
      ...fb, ok: true, engine: 'orama',
      warning: `Meilisearch ${this.problem} since ${since} (${this.lastError}); searching the embedded engine. Documents are kept and re-sent when it returns.`,
    }
  }

  async close(): Promise<void> {
    await this.recovering
    await this.standby?.catch(() => {})
  }
}
