import { afterEach, describe, expect, test } from 'bun:test'
import type { IndexedDocument, SearchIndex } from '../../src/search/contract.ts'
import { hashingTestEmbedder } from '../../src/search/embedder.ts'
import { embeddingText, fitmentKey } from '../../src/search/record.ts'
import { normalizeIdentifier } from '../../src/search/query.ts'
import type { DmsDocument } from '../../src/search/types.ts'

/**
 * The SearchIndex contract, run against every engine (Orama, Meilisearch via the fake server, and a real
 * Meilisearch when MEILI_URL is set). Vectors come from the hashing test embedder, so "semantic" here means
 * shared words with no keyword query, which is enough to check that vectors are sent, stored and used.
 */
export interface ContractTarget {
  index: SearchIndex
  /** Called after each test (e.g. asserts the fake server saw only valid requests). */
  check?: () => void
  cleanup?: () => Promise<void>
}

const embedder = hashingTestEmbedder()
const at = (s: string) => new Date(`${s}T00:00:00Z`)

export function doc(id: string, type: DmsDocument['type'], title: string, body: string, fields: Record<string, unknown>, extra: Partial<DmsDocument> = {}): DmsDocument {
  return { id, storeId: 'ridgeline', type, title, body, fields, source: 'contract', effectiveAt: at('2026-01-01'), expiresAt: null, ...extra }
}

export const CORPUS: DmsDocument[] = [
  doc('unit-N260001', 'unit', '2026 Polaris Sportsman 570 EPS', 'New Polaris Sportsman 570 ATV in sage green. Four wheel drive.',
    { stockNumber: 'N26-0001', vin: '4XASEE570TH100001', year: 2026, make: 'Polaris', model: 'Sportsman 570', category: 'atv', condition: 'new', status: 'in_stock', price: 8799, dataAsOf: '2026-11-20' }),
  doc('unit-U250002', 'unit', '2021 Can-Am Maverick X3 DS Turbo', 'Pre-owned side-by-side UTV, turbo, 2,100 miles.',
    { stockNumber: 'U25-0002', year: 2021, make: 'Can-Am', model: 'Maverick X3', category: 'side_by_side', condition: 'used', status: 'in_stock', price: 15999, dataAsOf: '2026-11-20' }),
  doc('unit-U250003', 'unit', '2019 Honda Rebel 500', 'Pre-owned street motorcycle, sold last week.',
    { stockNumber: 'U25-0003', year: 2019, make: 'Honda', model: 'Rebel 500', category: 'street', condition: 'used', status: 'sold', price: 4999, dataAsOf: '2026-11-20' }),
  doc('part-polaris-2540086', 'part', 'Oil Filter (Polaris 2540086)', 'Polaris part 2540086: Oil Filter. Fits 2019-2026 Polaris Sportsman 570.',
    { partNumber: '2540086', brand: 'Polaris', description: 'Oil Filter', price: 14.99, onHand: 6, fitment: [{ make: 'Polaris', model: 'Sportsman 570', yearFrom: 2019, yearTo: 2026 }] }),
  doc('guide-overheat', 'guide', 'Engine running hot: radiator, coolant and fan', 'Rinse mud from the radiator fins, check coolant level and the fan fuse. Code P0217 means over temperature.',
    { kind: 'troubleshooting', faultCodes: ['P0217'] }),
  doc('policy-hours', 'policy', 'Store hours', 'Sales open Monday to Saturday. Service closes at six on weekdays.', { topic: 'hours' }),
  doc('price-2025', 'price_sheet', 'Service price sheet 2025', 'Labor rate 139 per hour.', { department: 'service' }, { effectiveAt: at('2025-01-01'), expiresAt: at('2025-12-31') }),
  doc('price-2026', 'price_sheet', 'Service price sheet 2026', 'Labor rate 149 per hour.', { department: 'service' }, { effectiveAt: at('2026-01-01') }),
]

export async function withVectors(docs: DmsDocument[]): Promise<IndexedDocument[]> {
  const vectors = await embedder.embed(docs.map(embeddingText))
  return docs.map((d, i) => ({ ...d, vector: vectors[i] }))
}
const qv = async (q: string) => (await embedder.embed([q]))[0]
const ids = (r: { hits: Array<{ id: string }> }) => r.hits.map((h) => h.id)

export function searchContract(name: string, make: () => Promise<ContractTarget>, opts: { skip?: boolean; timeout?: number } = {}) {
  const t = opts.skip ? test.skip : test
  describe(`SearchIndex contract: ${name}`, () => {
    let target: ContractTarget | undefined
    const setup = async (docs = CORPUS) => {
      target = await make()
      await target.index.rebuild([await withVectors(docs)])
      return target.index
    }
    afterEach(async () => {
      try { target?.check?.() } finally { await target?.cleanup?.(); target = undefined }
    })

    t('finds a document by a word of its title and returns the hit shape', async () => {
      const index = await setup()
      const r = await index.search({ q: 'maverick', semanticRatio: 0, limit: 5 })
      expect(r.hits[0]).toMatchObject({ id: 'unit-U250002', type: 'unit', title: '2021 Can-Am Maverick X3 DS Turbo', fields: { stockNumber: 'U25-0002' } })
      expect(typeof r.hits[0].score).toBe('number')
      expect(r.tookMs).toBeGreaterThanOrEqual(0)
    }, opts.timeout)

    t('index() replaces a document with the same id; delete() removes it', async () => {
      const index = await setup()
      await index.index(await withVectors([{ ...CORPUS[0], title: '2026 Polaris Scrambler 850', body: 'Renamed.' }]))
      expect(ids(await index.search({ q: 'scrambler', semanticRatio: 0 }))).toEqual(['unit-N260001'])
      expect(ids(await index.search({ q: 'sage', semanticRatio: 0 }))).not.toContain('unit-N260001')
      await index.delete(['unit-N260001'])
      expect(ids(await index.search({ q: 'scrambler', semanticRatio: 0 }))).toEqual([])
      expect((await index.health()).documents).toBe(CORPUS.length - 1)
    }, opts.timeout)

    t('filters by type, value, list, range, store, status and fitment', async () => {
      const index = await setup([...CORPUS, { ...CORPUS[1], id: 'unit-other-store', storeId: 'elsewhere' }])
      const all = { q: '', semanticRatio: 0, limit: 50 }
      expect(ids(await index.search({ ...all, type: 'part' }))).toEqual(['part-polaris-2540086'])
      expect(new Set(ids(await index.search({ ...all, type: ['policy', 'guide'] })))).toEqual(new Set(['policy-hours', 'guide-overheat']))
      expect(ids(await index.search({ ...all, filters: { make: 'CAN-AM', storeId: 'ridgeline' } }))).toEqual(['unit-U250002'])
      expect(new Set(ids(await index.search({ ...all, filters: { year: { gte: 2020, lte: 2026 }, storeId: 'ridgeline' }, type: 'unit' })))).toEqual(new Set(['unit-N260001', 'unit-U250002']))
      expect(ids(await index.search({ ...all, filters: { price: { lt: 5000 } }, type: 'unit' }))).toEqual(['unit-U250003'])
      expect(new Set(ids(await index.search({ ...all, filters: { category: ['atv', 'street'] } })))).toEqual(new Set(['unit-N260001', 'unit-U250003']))
      expect(ids(await index.search({ ...all, filters: { storeId: 'elsewhere' } }))).toEqual(['unit-other-store'])
      expect(ids(await index.search({ ...all, type: 'unit', excludeStatus: ['sold', 'withdrawn'], filters: { storeId: 'ridgeline' } })).sort()).toEqual(['unit-N260001', 'unit-U250002'])
      expect(ids(await index.search({ ...all, filters: { fitment: fitmentKey('Polaris', 'Sportsman 570', 2021) } }))).toEqual(['part-polaris-2540086'])
      expect(ids(await index.search({ ...all, filters: { fitment: fitmentKey('Polaris', 'Sportsman 570', 2018) } }))).toEqual([])
    }, opts.timeout)

    t('looks documents up by exact identifier, and never by a near miss', async () => {
      const index = await setup()
      const by = (v: string) => index.search({ q: '', semanticRatio: 0, filters: { ident: [normalizeIdentifier(v)] } })
      expect(ids(await by('N26-0001'))).toEqual(['unit-N260001'])
      expect(ids(await by('4xasee570th100001'))).toEqual(['unit-N260001'])
      expect(ids(await by('100001'))).toEqual(['unit-N260001']) // last six of the VIN
      expect(ids(await by('2540086'))).toEqual(['part-polaris-2540086'])
      expect(ids(await by('p0217'))).toEqual(['guide-overheat'])
      expect(ids(await by('N26-0002'))).toEqual([])
      expect(ids(await index.search({ q: 'N260002', semanticRatio: 0 }))).not.toContain('unit-N260001')
    }, opts.timeout)

    t('leaves out expired and not-yet-effective documents when asked', async () => {
      const index = await setup()
      const now = at('2026-11-24').getTime()
      const r = await index.search({ q: 'labor rate', semanticRatio: 0, filters: { expiresAt: { gt: now }, effectiveAt: { lte: now } } })
      expect(ids(r)).toContain('price-2026')
      expect(ids(r)).not.toContain('price-2025')
      expect(ids(await index.search({ q: 'labor rate', semanticRatio: 0 }))).toContain('price-2025')
    }, opts.timeout)

    t('counts facets over the matches', async () => {
      const index = await setup()
      const r = await index.search({ q: '', semanticRatio: 0, facets: ['type', 'condition'], limit: 1, filters: { storeId: 'ridgeline' } })
      expect(r.facets?.type).toMatchObject({ unit: 3, part: 1, guide: 1, policy: 1, price_sheet: 2 })
      expect(r.facets?.condition).toEqual({ new: 1, used: 2 })
    }, opts.timeout)

    t('applies powersports synonyms (quad = ATV, UTV = side-by-side)', async () => {
      const index = await setup()
      expect(ids(await index.search({ q: 'quad', semanticRatio: 0 }))[0]).toBe('unit-N260001')
      expect(ids(await index.search({ q: 'sxs', semanticRatio: 0 }))[0]).toBe('unit-U250002')
    }, opts.timeout)

    t('tolerates a typo in a word of five letters or more', async () => {
      const index = await setup()
      expect(ids(await index.search({ q: 'maverik', semanticRatio: 0 }))[0]).toBe('unit-U250002')
      expect(ids(await index.search({ q: 'radiatr', semanticRatio: 0 }))[0]).toBe('guide-overheat')
    }, opts.timeout)

    t('uses the vector: semantic only finds by meaning, keyword only ignores it', async () => {
      const index = await setup()
      const q = 'coolant radiator'
      const sem = await index.search({ q, vector: await qv(q), semanticRatio: 1, limit: 3 })
      expect(sem.hits[0].id).toBe('guide-overheat')
      const onlyVector = await index.search({ q: '', vector: await qv('sportsman oil filter'), semanticRatio: 1, limit: 2, type: 'part' })
      expect(ids(onlyVector)).toEqual(['part-polaris-2540086'])
      const kw = await index.search({ q: 'rebel', vector: await qv(q), semanticRatio: 0, limit: 3 })
      expect(ids(kw)).toEqual(['unit-U250003'])
      const hybrid = await index.search({ q: 'radiator fan', vector: await qv('radiator fan'), semanticRatio: 0.5, limit: 3 })
      expect(hybrid.hits[0].id).toBe('guide-overheat')
    }, opts.timeout)

    t('respects the limit and orders hits by score', async () => {
      const index = await setup()
      const r = await index.search({ q: 'polaris sportsman 570 oil filter', vector: await qv('polaris sportsman oil filter'), semanticRatio: 0.5, limit: 2 })
      expect(r.hits).toHaveLength(2)
      expect(r.hits[0].score).toBeGreaterThanOrEqual(r.hits[1].score)
    }, opts.timeout)

    t('rebuild() makes the index hold exactly the given documents', async () => {
      const index = await setup()
      await index.rebuild([await withVectors(CORPUS.slice(0, 2)), await withVectors([CORPUS[4]])])
      const r = await index.search({ q: '', semanticRatio: 0, limit: 50 })
      expect(ids(r).sort()).toEqual(['guide-overheat', 'unit-N260001', 'unit-U250002'])
      expect(await index.health()).toMatchObject({ ok: true, documents: 3 })
    }, opts.timeout)
  })
}
