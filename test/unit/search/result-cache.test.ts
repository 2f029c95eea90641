import { describe, expect, test } from 'bun:test'
import { invalidating, ResultCache } from '../../../src/search/result-cache.ts'
import type { SearchIndex } from '../../../src/search/contract.ts'

type P = { q: string; storeId: string; now?: Date; limit?: number }
type R = { hits: Array<{ id: string; score: number }> }

/** A cache over a counting "search" whose answer names the call that computed it. */
function setup(max = 10, ttlMs = 30_000) {
  let clock = 1_000_000
  const cache = new ResultCache<P, R>(max, ttlMs, () => clock)
  let calls = 0
  const search = (p: P) => cache.get(p, async () => ({ hits: [{ id: `${p.q}#${++calls}`, score: 1 }] }))
  return { cache, search, calls: () => calls, tick: (ms: number) => { clock += ms } }
}

describe('search result cache', () => {
  test('the same request is computed once; another store, query or limit is its own entry', async () => {
    const { cache, search, calls } = setup()
    const a = await search({ q: 'hours', storeId: 'demo' })
    expect(await search({ q: 'hours', storeId: 'demo' })).toEqual(a)
    expect(calls()).toBe(1)
    await search({ q: 'hours', storeId: 'other' })
    await search({ q: 'hours', storeId: 'demo', limit: 2 })
    await search({ q: 'Hours', storeId: 'demo' })
    expect(calls()).toBe(4)
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 4 })
  })

  test('any write to the index, even one that fails, empties it, and a search running across a write is not kept', async () => {
    const { cache, search, calls } = setup()
    let fail = false
    const raw = { engine: 'orama', index: async () => { if (fail) throw new Error('disk full') }, delete: async () => {}, rebuild: async () => {} } as unknown as SearchIndex
    const index = invalidating(raw, () => cache.invalidate())
    await search({ q: 'atv', storeId: 'demo' })
    await index.index([])
    await search({ q: 'atv', storeId: 'demo' })
    expect(calls()).toBe(2)
    fail = true
    await expect(index.index([])).rejects.toThrow('disk full')
    await index.delete(['x'])
    await index.rebuild([])
    await search({ q: 'atv', storeId: 'demo' })
    expect(calls()).toBe(3)
    expect(index.engine).toBe('orama')

    // Computed across a write: its result answers the callers waiting on it, but is not served afterwards.
    let release!: () => void
    const slow = cache.get({ q: 'slow', storeId: 'demo' }, () => new Promise<R>((r) => { release = () => r({ hits: [{ id: 'old', score: 1 }] }) }))
    cache.invalidate()
    release()
    expect((await slow).hits[0].id).toBe('old')
    expect((await search({ q: 'slow', storeId: 'demo' })).hits[0].id).toBe('slow#4')
  })

  test('entries age by the request time when it has one (a clock moved on sees new expiry), else by the clock', async () => {
    const { search, calls, tick } = setup(10, 30_000)
    const t = new Date('2026-11-24T12:00:00Z')
    await search({ q: 'price sheet', storeId: 'demo', now: t })
    await search({ q: 'price sheet', storeId: 'demo', now: new Date(t.getTime() + 29_000) })
    expect(calls()).toBe(1)
    await search({ q: 'price sheet', storeId: 'demo', now: new Date(t.getTime() + 31_000) })
    expect(calls()).toBe(2)
    await search({ q: 'price sheet', storeId: 'demo', now: new Date(t.getTime() - 60_000) })
    expect(calls()).toBe(3)
    await search({ q: 'no time', storeId: 'demo' })
    tick(29_000)
    await search({ q: 'no time', storeId: 'demo' })
    expect(calls()).toBe(4)
    tick(2_000)
    await search({ q: 'no time', storeId: 'demo' })
    expect(calls()).toBe(5)
  })

  test('concurrent identical searches share one computation; a failure is not kept', async () => {
    const { cache } = setup()
    let n = 0
    const compute = async () => { n++; await Bun.sleep(5); return { hits: [{ id: 'x', score: 1 }] } }
    await Promise.all([1, 2, 3].map(() => cache.get({ q: 'same', storeId: 'demo' }, compute)))
    expect(n).toBe(1)
    await expect(cache.get({ q: 'bad', storeId: 'demo' }, async () => { throw new Error('engine down') })).rejects.toThrow('engine down')
    expect((await cache.get({ q: 'bad', storeId: 'demo' }, async () => ({ hits: [] }))).hits).toEqual([])
  })

  test('each caller gets its own hits: changing one does not change what the next is served', async () => {
    const { search } = setup()
    const first = await search({ q: 'belt', storeId: 'demo' })
    first.hits[0].score = 0
    first.hits.push({ id: 'added', score: 1 })
    const second = await search({ q: 'belt', storeId: 'demo' })
    expect(second.hits).toEqual([{ id: 'belt#1', score: 1 }])
  })

  test('keeps at most `max` entries (the oldest go first); size 0 keeps none', async () => {
    const { search, calls } = setup(2)
    for (const q of ['a', 'b', 'c']) await search({ q, storeId: 'demo' })
    await search({ q: 'c', storeId: 'demo' })
    await search({ q: 'b', storeId: 'demo' })
    expect(calls()).toBe(3)
    await search({ q: 'a', storeId: 'demo' })
    expect(calls()).toBe(4)
    const off = setup(0)
    await off.search({ q: 'a', storeId: 'demo' })
    await off.search({ q: 'a', storeId: 'demo' })
    expect(off.calls()).toBe(2)
  })
})
