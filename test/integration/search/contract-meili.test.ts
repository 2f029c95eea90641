import { afterAll, beforeAll, expect } from 'bun:test'
import { MeiliSearchIndex } from '../../../src/search/meili.ts'
import { FakeMeili } from '../../support/fake-meili.ts'
import { searchContract } from '../../support/search-contract.ts'

let fake: FakeMeili
let n = 0
beforeAll(async () => { fake = await FakeMeili.start() })
afterAll(async () => { await fake.stop() })

searchContract('Meilisearch client against the fake server', async () => {
  const index = new MeiliSearchIndex({ host: fake.url, indexUid: `contract_${++n}`, dims: 512, taskIntervalMs: 2 })
  return {
    index,
    check: () => expect(fake.problems).toEqual([]),
    cleanup: () => index.drop(),
  }
})

// A real server whenever one is configured (MEILI_URL, optional MEILI_KEY); skipped otherwise.
const realUrl = process.env.MEILI_URL
searchContract('real Meilisearch (MEILI_URL)', async () => {
  const index = new MeiliSearchIndex({ host: realUrl!, apiKey: process.env.MEILI_KEY, indexUid: `pitwall_contract_${Date.now().toString(36)}_${++n}`, dims: 512 })
  return { index, cleanup: () => index.drop() }
}, { skip: !realUrl, timeout: 60_000 })
