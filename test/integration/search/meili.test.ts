import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { IndexedDocument } from '../../../src/search/contract.ts'
import { FallbackSearchIndex } from '../../../src/search/fallback.ts'
import { MeiliSearchIndex, MeiliTaskError, isUnreachable, meiliFilter } from '../../../src/search/meili.ts'
import { OramaSearchIndex } from '../../../src/search/orama.ts'
import { FakeMeili } from '../../support/fake-meili.ts'
import { CORPUS, withVectors } from '../../support/search-contract.ts'

let fake: FakeMeili
let n = 0
beforeAll(async () => { fake = await FakeMeili.start() })
afterAll(async () => { await fake.stop() })
const fresh = (extra: Partial<ConstructorParameters<typeof MeiliSearchIndex>[0]> = {}) =>
  new MeiliSearchIndex({ host: fake.url, indexUid: `meili_${++n}`, dims: 512, taskIntervalMs: 2, ...extra })

describe('Meilisearch adapter: what it sends', () => {
  test('creates the index, then settings: filterable/sortable attributes, synonyms, typo-free identifiers, userProvided embedder', async () => {
    const index = fresh()
    await index.ensureReady()
    const [create] = fake.calls('POST', /^\/indexes$/).slice(-1)
    expect(create.body).toEqual({ uid: index.indexUid, primaryKey: 'id' })
    const [settings] = fake.calls('PATCH', new RegExp(`/indexes/${index.indexUid}/settings$`))
    const s = settings.body as Record<string, any>
    expect(s.embedders).toEqual({ local: { source: 'userProvided', dimensions: 512 } })
    expect(s.filterableAttributes).toEqual(expect.arrayContaining(['storeId', 'type', 'make', 'year', 'price', 'status', 'ident', 'fitment', 'expiresAt', 'effectiveAt']))
    expect(s.sortableAttributes).toEqual(expect.arrayContaining(['price', 'year']))
    expect(s.typoTolerance).toMatchObject({ enabled: true, disableOnAttributes: ['identText'], disableOnNumbers: true })
    expect(s.synonyms.quad).toEqual(expect.arrayContaining(['atv']))
    expect(s.synonyms['side by side']).toEqual(expect.arrayContaining(['utv', 'sxs']))
    expect(s.synonyms.sled).toContain('snowmobile')
    expect(s.synonyms['jet ski']).toEqual(expect.arrayContaining(['pwc', 'sea-doo', 'waverunner']))
    expect(s.synonyms.bike).toContain('motorcycle')
    // every task is polled until it is final
    const polls = fake.calls('GET', /^\/tasks\/\d+$/)
    expect(polls.length).toBeGreaterThanOrEqual(4)
    // a second adapter on the same index tolerates index_already_exists
    await fresh({ indexUid: index.indexUid }).ensureReady()
    expect(fake.problems).toEqual([])
  })

  test('sends documents with _vectors.local (512 numbers) and searches with hybrid + vector', async () => {
    const index = fresh()
    await index.index(await withVectors(CORPUS.slice(0, 2)))
    const [add] = fake.calls('POST', new RegExp(`/indexes/${index.indexUid}/documents$`)).slice(-1)
    const docs = add.body as Array<Record<string, any>>
    expect(docs).toHaveLength(2)
    expect(docs[0]._vectors.local).toHaveLength(512)
    expect(docs[0]).toMatchObject({ id: 'unit-N260001', type: 'unit', storeId: 'ridgeline', make: 'polaris', ident: expect.arrayContaining(['N260001']) })
    await index.index([{ ...CORPUS[5], vector: null }])
    const [noVec] = fake.calls('POST', new RegExp(`/indexes/${index.indexUid}/documents$`)).slice(-1)
    expect((noVec.body as any)[0]._vectors).toEqual({ local: null })

    const vector = Array.from({ length: 512 }, (_, i) => (i === 3 ? 1 : 0))
    await index.search({ q: 'sportsman', vector, semanticRatio: 0.4, limit: 5, type: 'unit', filters: { storeId: 'ridgeline' }, excludeStatus: ['sold'] })
    const [hybrid] = fake.calls('POST', new RegExp(`/indexes/${index.indexUid}/search$`)).slice(-1)
    expect(hybrid.body).toMatchObject({
      q: 'sportsman', limit: 5, hybrid: { embedder: 'local', semanticRatio: 0.4 }, showRankingScore: true,
      filter: ['type IN ["unit"]', 'storeId = "ridgeline"', 'status NOT IN ["sold"]'],
    })
    expect((hybrid.body as any).vector).toHaveLength(512)
    await index.search({ q: 'sportsman', vector, semanticRatio: 0 })
    const [keyword] = fake.calls('POST', new RegExp(`/indexes/${index.indexUid}/search$`)).slice(-1)
    expect(keyword.body).not.toHaveProperty('hybrid')
    expect(keyword.body).not.toHaveProperty('vector')
    expect(fake.problems).toEqual([])
  })

  test('a failed task throws (waitTask resolves it; the adapter checks the status)', async () => {
    const index = fresh()
    await index.ensureReady()
    fake.failNextTask('documentAdditionOrUpdate', 'invalid_document_fields', 'field too large')
    const err = await index.index(await withVectors([CORPUS[0]])).catch((e) => e)
    expect(err).toBeInstanceOf(MeiliTaskError)
    expect(String(err.message)).toContain('invalid_document_fields')
    expect(isUnreachable(err)).toBe(false)
    fake.failNextTask('settingsUpdate', 'invalid_settings_embedders', 'bad embedder')
    await expect(fresh().ensureReady()).rejects.toBeInstanceOf(MeiliTaskError)
  })

  test('rebuild re-sends only changed documents and deletes the ones that are gone', async () => {
    const index = fresh()
    await index.rebuild([await withVectors(CORPUS)])
    const path = new RegExp(`/indexes/${index.indexUid}/documents$`)
    const before = fake.calls('POST', path).length
    await index.rebuild([await withVectors([{ ...CORPUS[0], title: 'Changed' }, ...CORPUS.slice(1, 4)])])
    const sent = fake.calls('POST', path).slice(before).flatMap((r) => r.body as Array<{ id: string }>)
    expect(sent.map((d) => d.id)).toEqual(['unit-N260001'])
    const [del] = fake.calls('POST', new RegExp(`/indexes/${index.indexUid}/documents/delete-batch$`)).slice(-1)
    expect((del.body as string[]).sort()).toEqual(CORPUS.slice(4).map((d) => d.id).sort())
    expect((await index.health()).documents).toBe(4)
  })

  test('filters become Meilisearch expressions', () => {
    expect(meiliFilter({ type: ['unit', 'part'], filters: { make: 'Can-Am', year: { gte: 2020, lte: 2024 }, fitment: ['polaris|rzr xp 1000'], ident: 'N260001' } }))
      .toEqual(['type IN ["unit", "part"]', 'make = "can-am"', 'year >= 2020', 'year <= 2024', 'fitment IN ["polaris|rzr xp 1000"]', 'ident = "N260001"'])
    expect(() => meiliFilter({ filters: { colour: 'red' } as never })).toThrow('unknown filter colour')
  })
})

describe('Meilisearch down: embedded fallback, nothing lost', () => {
  test('falls back, warns in health(), keeps accepting documents and re-sends them when Meilisearch returns', async () => {
    const store: IndexedDocument[] = await withVectors(CORPUS.slice(0, 3))
    const primary = fresh({ requestTimeoutMs: 1000 })
    const logs: string[] = []
    let clock = 0
    const index = new FallbackSearchIndex({
      primary, fallback: new OramaSearchIndex({ dims: 512 }), load: async function* () { yield store }, warmStandby: false,
      retryAfterMs: 1000, now: () => clock, log: (l) => logs.push(l),
    })
    await index.rebuild([store])
    expect(index.engine).toBe('meilisearch')
    expect((await index.search({ q: 'maverick', semanticRatio: 0 })).hits[0].id).toBe('unit-U250002')

    await fake.down()
    const r = await index.search({ q: 'maverick', semanticRatio: 0 })
    expect(r.hits[0].id).toBe('unit-U250002')
    expect(index.engine).toBe('orama')
    const h = await index.health()
    expect(h).toMatchObject({ ok: true, engine: 'orama' })
    expect(h.warning).toContain('Meilisearch unreachable')
    expect(logs.join('\n')).toContain('using the embedded engine')

    // an import while it is down: Postgres (here `store`) gets the document, the embedded engine serves it
    const added = (await withVectors([CORPUS[4]]))[0]
    store.push(added)
    await index.index([added])
    expect((await index.search({ q: 'radiator', semanticRatio: 0 })).hits[0].id).toBe('guide-overheat')

    await fake.up()
    clock += 999
    await index.search({ q: 'radiator', semanticRatio: 0 })
    expect(index.engine).toBe('orama') // not retried before retryAfterMs
    clock += 2
    const back = await index.search({ q: 'radiator', semanticRatio: 0 })
    expect(index.engine).toBe('meilisearch')
    expect(back.hits[0].id).toBe('guide-overheat') // re-sent to Meilisearch
    expect(fake.indexes.get(primary.indexUid)!.docs.has('guide-overheat')).toBe(true)
    expect((await index.health()).warning).toBeUndefined()
    expect(fake.problems).toEqual([])
  })

  test('a bad request is an error, not an outage', async () => {
    const index = new FallbackSearchIndex({ primary: fresh(), fallback: new OramaSearchIndex({ dims: 512 }), load: async function* () {}, warmStandby: false })
    await index.rebuild([])
    await expect(index.search({ q: 'x', filters: { colour: 'red' } as never })).rejects.toThrow('unknown filter')
    expect(index.engine).toBe('meilisearch')
  })
})
