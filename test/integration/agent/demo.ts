/**
 * The demo dealership (Ridgeline Powersports) loaded once per test process: PGlite, the real import, the
 * embedded search engine with USE-lite vectors from the fixture, and the agent's dependencies on top.
 */
import { readFileSync } from 'node:fs'
import { freshPglite } from '../../support/db.ts'
import { fixtureVectorCache } from '../../fixtures/agent/demo-vectors.ts'
import type { Database } from '../../../src/db/client.ts'
import { dbDocumentBodies } from '../../../src/agent/documents.ts'
import { hoursFromRules, storeFromRules } from '../../../src/agent/index.ts'
import type { LocalDeps } from '../../../src/agent/local.ts'
import type { StoreInfo } from '../../../src/agent/prompts.ts'
import { defaultRulesPath } from '../../../src/config.ts'
import { loadRules, type Rules } from '../../../src/escalation/index.ts'
import { loadDemoContent } from '../../../src/search/demo.ts'
import { createSearch, type SearchService } from '../../../src/search/service.ts'
import { ensureStore } from '../../../src/search/store.ts'

export const STORE = 'demo'
/** A Tuesday afternoon in the dealership's week (the demo export is dated 2026-11-20). */
export const NOW = new Date('2026-11-24T19:00:00Z')

export interface Demo {
  database: Database
  search: SearchService
  rules: Rules
  store: StoreInfo
  deps: LocalDeps
  importMs: number
}

let shared: Promise<Demo> | undefined

export function demo(): Promise<Demo> {
  shared ??= (async () => {
    const started = performance.now()
    const database = await freshPglite()
    await ensureStore(database, STORE, 'Ridgeline Powersports')
    const cache = fixtureVectorCache()
    await loadDemoContent(database, STORE, { cache, now: new Date('2026-11-20T12:00:00Z') })
    const search = await createSearch({}, database, { cache, syncIntervalMs: 0 })
    const rules = loadRules(readFileSync(defaultRulesPath(), 'utf8'), defaultRulesPath())
    const deps: LocalDeps = { source: search, bodies: dbDocumentBodies(database), hours: hoursFromRules(rules) }
    if (cache.missed) console.warn(`demo: ${cache.missed} documents were embedded live; regenerate test/fixtures/agent/demo-vectors.bin`)
    return { database, search, rules, store: storeFromRules(rules), deps, importMs: performance.now() - started }
  })()
  return shared
}
