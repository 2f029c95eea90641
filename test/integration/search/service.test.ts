import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Database } from '../../../src/db/client.ts'
import { loadDemoContent } from '../../../src/search/demo.ts'
import { hashingTestEmbedder } from '../../../src/search/embedder.ts'
import { createSearch, type SearchService } from '../../../src/search/service.ts'
import { upsertDocuments } from '../../../src/search/store.ts'
import { contentHash } from '../../../src/search/record.ts'
import { vinFor } from '../../../demo/generate.ts'
import { CATALOGUE } from '../../../demo/catalogue.ts'
import { FakeMeili } from '../../support/fake-meili.ts'
import { freshPglite } from '../../support/db.ts'

// The demo dealership with the fast hashing embedder: query understanding and service behaviour, not relevance.
const embedder = hashingTestEmbedder()
const now = new Date('2026-11-24T12:00:00Z')
let db: Database
let service: SearchService
beforeAll(async () => {
  db = await freshPglite()
  const r = await loadDemoContent(db, 'demo', { embedder, now })
  expect(r.failed).toBe(0)
  service = await createSearch({}, db, { embedder, syncIntervalMs: 0 })
}, 60_000)
afterAll(async () => { await service.close(); await db.close() })
const search = (q: string, extra: Partial<Parameters<SearchService['search']>[0]> = {}) => service.search({ q, storeId: 'demo', now, ...extra })

describe('search service over the demo dealership', () => {
  test('the demo export is complete: units, parts, knowledge', async () => {
    const r = await search('', { facets: ['type'], limit: 1, includeExpired: true, includeUnavailable: true })
    const f = r.facets!.type!
    expect(f.unit).toBeGreaterThanOrEqual(300)
    expect(f.part).toBeGreaterThanOrEqual(2000)
    expect(f.bulletin + f.recall + f.guide).toBeGreaterThanOrEqual(30)
    expect(f.policy).toBeGreaterThanOrEqual(5)
    expect(f.price_sheet).toBe(2)
  })

  test('an identifier in the question ranks its document first, with a low semantic ratio', async () => {
    for (const [q, id] of [['N26-0101', 'unit-N260101'], ['JH2PC6805TK177060', 'unit-N260101'], ['do you have HF502', 'part-hiflofiltro-HF502'], ['P0335', 'guide-cranks-no-start'], ['sb 24-011', 'sb-24-011']]) {
      const r = await search(q)
      expect(r.hits[0]).toMatchObject({ id, exact: true })
      expect(r.semanticRatio).toBeLessThanOrEqual(0.1)
    }
  })

  test('a VIN inside a recall range finds the recall', async () => {
    const rzr = CATALOGUE.find((m) => m.model === 'RZR XP 1000')!
    const r = await search(`is ${vinFor(rzr, 2024, 120500)} affected`)
    expect(r.hits[0]).toMatchObject({ id: 'recall-r24-07', exact: true })
    const outside = await search(`is ${vinFor(rzr, 2024, 150500)} affected`)
    expect(outside.hits.find((h) => h.exact)).toBeUndefined()
  })

  test('the expired price sheet is never returned unless asked; sold units only for staff lookups', async () => {
    const r = await search('service price sheet labor rate 2025', { limit: 50 })
    expect(r.hits.map((h) => h.id)).toContain('price-service-2026')
    expect(r.hits.map((h) => h.id)).not.toContain('price-service-2025')
    expect((await search('price sheet 2025', { includeExpired: true, limit: 50 })).hits.map((h) => h.id)).toContain('price-service-2025')
    const sold = await search('', { type: 'unit', filters: { status: 'sold' }, includeUnavailable: true, limit: 100 })
    expect(sold.hits.length).toBeGreaterThan(0)
    const soldId = sold.hits[0].id
    const stock = String(sold.hits[0].fields.stockNumber)
    expect((await search(stock)).hits.map((h) => h.id)).not.toContain(soldId)
    expect((await search(stock, { includeUnavailable: true })).hits[0].id).toBe(soldId)
  })

  test('type filters and the snippet', async () => {
    const r = await search('radiator coolant', { type: 'guide' })
    expect(r.hits.every((h) => h.type === 'guide')).toBe(true)
    expect(r.hits[0].snippet).toBeTruthy()
  })

  test('sync() picks up documents written by another process (pitwall import)', async () => {
    const doc = { id: 'faq-new', storeId: 'demo', type: 'faq' as const, title: 'Do you rent trailers?', body: 'Yes, utility trailers by the day.', fields: { topic: 'sales' }, source: 'test', effectiveAt: new Date('2026-01-01'), expiresAt: null }
    await upsertDocuments(db, [{ ...doc, contentHash: contentHash(doc) }], new Date())
    expect((await search('trailers')).hits.map((h) => h.id)).not.toContain('faq-new')
    expect(await service.sync()).toBe(1)
    expect((await search('trailers')).hits[0].id).toBe('faq-new')
    expect(await service.sync()).toBe(0)
  })

  test('a repeated search is served from the result cache until the index changes (the documents API deletes through it)', async () => {
    const first = await search('do you rent trailers')
    expect(first.hits[0].id).toBe('faq-new')
    const again = await search('do you rent trailers')
    expect(again.hits).toEqual(first.hits)
    await service.index.delete(['faq-new'])
    expect((await search('do you rent trailers')).hits.map((h) => h.id)).not.toContain('faq-new')
  })
})

describe('createSearch with MEILI_URL', () => {
  test('uses Meilisearch, falls back to the embedded engine when it is down, and says so', async () => {
    const fake = await FakeMeili.start()
    try {
      const meili = await createSearch({ meili: { url: fake.url } }, db, { embedder, syncIntervalMs: 0, meili: { taskIntervalMs: 2, indexUid: 'svc' }, log: () => {} })
      expect(meili.index.engine).toBe('meilisearch')
      expect(fake.indexes.get('svc')!.docs.size).toBeGreaterThan(2000)
      const up = await meili.search({ q: 'N26-0101', storeId: 'demo', now })
      expect(up.engine).toBe('meilisearch')
      expect(up.hits[0]).toMatchObject({ id: 'unit-N260101', exact: true })
      await fake.down()
      // The same search again is answered from the result cache; a new one finds Meilisearch down and falls back.
      expect((await meili.search({ q: 'N26-0101', storeId: 'demo', now })).engine).toBe('meilisearch')
      const down = await meili.search({ q: 'N26-0101', storeId: 'demo', now, limit: 5 })
      expect(down.engine).toBe('orama')
      expect(down.hits[0]).toMatchObject({ id: 'unit-N260101', exact: true })
      expect((await meili.health()).warning).toContain('Meilisearch unreachable')
      expect(fake.problems).toEqual([])
      await meili.close()
    } finally {
      await fake.stop()
    }
  }, 60_000)
})
