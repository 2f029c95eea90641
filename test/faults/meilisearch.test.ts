/**
 * Fault: Meilisearch unreachable, failing its tasks, or answering 5xx (the request-checking fake). Search falls
 * back to the embedded engine, staff see why above the inbox, documents imported meanwhile are searchable at
 * once and re-sent when Meilisearch recovers: every document in Postgres ends up in Meilisearch, none lost.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Database } from '../../src/db/client.ts'
import { documents } from '../../src/db/schema.ts'
import { hashingTestEmbedder } from '../../src/search/embedder.ts'
import { contentHash } from '../../src/search/record.ts'
import { createSearch } from '../../src/search/service.ts'
import { upsertDocuments } from '../../src/search/store.ts'
import type { DmsDocument } from '../../src/search/types.ts'
import { demoApp, Client } from '../support/app.ts'
import { freshPglite } from '../support/db.ts'
import { FakeMeili } from '../support/fake-meili.ts'
import { CORPUS, doc } from '../support/search-contract.ts'

const embedder = hashingTestEmbedder()
const now = new Date('2026-11-24T12:00:00Z')
const withHash = (d: DmsDocument) => ({ ...d, storeId: 'demo', contentHash: contentHash(d) })
let database: Database
let app: Awaited<ReturnType<typeof demoApp>>
beforeAll(async () => {
  database = await freshPglite()
  app = await demoApp(database)
  await upsertDocuments(database, CORPUS.map(withHash), new Date('2026-11-01T00:00:00Z'))
}, 60_000)
afterAll(() => database.close())

const ids = (r: { hits: Array<{ id: string }> }) => r.hits.map((h) => h.id)

const faults: Array<[string, (f: FakeMeili) => Promise<void>, (f: FakeMeili) => Promise<void>, RegExp]> = [
  ['unreachable (connection refused)', (f) => f.down(), (f) => f.up(), /Meilisearch unreachable since/],
  ['failing every task (e.g. out of disk)', async (f) => f.failTasks({ code: 'no_space_left_on_device', message: 'No space left on device' }), async (f) => f.failTasks(null), /Meilisearch failing its tasks since .*no_space_left_on_device/],
  ['answering 503 to everything', async (f) => f.serverErrors(503), async (f) => f.serverErrors(null), /Meilisearch unreachable since .*503/],
]

describe('Meilisearch faults: embedded fallback, nothing lost', () => {
  let n = 0
  test.each(faults)('%s', async (_name, breakIt, heal, warning) => {
    const fake = await FakeMeili.start()
    const indexUid = `faults_${++n}`
    const logs: string[] = []
    const service = await createSearch({ meili: { url: fake.url } }, database, {
      embedder, syncIntervalMs: 0, warmStandby: false, retryAfterMs: 300, log: (l) => logs.push(l),
      meili: { taskIntervalMs: 2, indexUid, requestTimeoutMs: 1000 },
    })
    const search = (q: string) => service.search({ q, storeId: 'demo', now })
    try {
      expect(service.index.engine).toBe('meilisearch')
      expect((await search('maverick')).engine).toBe('meilisearch')

      await breakIt(fake)
      // An import while Meilisearch is broken: Postgres has it, the embedded engine serves it at once.
      const added = doc(`faq-trailers-${n}`, 'faq', 'Do you rent trailers?', 'Yes, utility trailers by the day.', { topic: 'sales' })
      await upsertDocuments(database, [withHash(added)], new Date())
      expect(await service.sync()).toBe(1)
      const during = await search('trailers')
      expect(during.engine).toBe('orama')
      expect(ids(during)).toContain(added.id)
      expect(ids(await search('maverick'))).toContain('unit-U250002') // and everything from before
      const health = await service.health()
      expect(health).toMatchObject({ ok: true, engine: 'orama' })
      expect(health.warning).toMatch(warning)
      expect(health.warning).toContain('re-sent when it returns')
      expect(logs.join('\n')).toContain('using the embedded engine')

      // Staff see why above the inbox.
      app.services.search = Promise.resolve(service)
      const staff = new Client(app.app)
      await staff.login()
      const inbox = await (await staff.request('/inbox')).text()
      expect(inbox).toMatch(/<p class="warn" role="alert">Meilisearch (unreachable|failing its tasks) since/)

      // Recovery: the next search after the retry interval re-sends what changed and switches back.
      const sentBefore = fake.calls('POST', new RegExp(`/indexes/${indexUid}/documents$`)).length
      await heal(fake)
      await Bun.sleep(350)
      const after = await search('trailers')
      expect(after.engine).toBe('meilisearch')
      expect(ids(after)).toContain(added.id)
      expect((await service.health()).warning).toBeUndefined()
      const resent = fake.calls('POST', new RegExp(`/indexes/${indexUid}/documents$`)).slice(sentBefore).flatMap((r) => (r.body as Array<{ id: string }> | undefined) ?? [])
      expect(resent.map((d) => d.id)).toContain(added.id)
      // Nothing lost: every document in Postgres is in Meilisearch.
      const inPostgres = (await database.db.select({ id: documents.id }).from(documents)).map((r) => r.id).sort()
      expect([...fake.indexes.get(indexUid)!.docs.keys()].sort()).toEqual(inPostgres)
      expect(fake.problems).toEqual([])
      expect(logs.join('\n')).toContain('Meilisearch is back')
    } finally {
      app.services.search = undefined
      await service.close()
      await fake.stop()
    }
  }, 60_000)

  test('a start-up while Meilisearch fails its tasks serves from the embedded engine instead of having no search', async () => {
    const fake = await FakeMeili.start()
    fake.failTasks({ code: 'internal', message: 'scripted' })
    try {
      const service = await createSearch({ meili: { url: fake.url } }, database, {
        embedder, syncIntervalMs: 0, warmStandby: false, retryAfterMs: 60_000, log: () => {}, meili: { taskIntervalMs: 2, indexUid: 'faults_start' },
      })
      const r = await service.search({ q: 'maverick', storeId: 'demo', now })
      expect(r.engine).toBe('orama')
      expect(ids(r)).toContain('unit-U250002')
      expect((await service.health()).warning).toMatch(/failing its tasks/)
      await service.close()
    } finally {
      await fake.stop()
    }
  }, 60_000)
})
