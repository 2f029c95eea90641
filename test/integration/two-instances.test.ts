import { describe, expect, test } from 'bun:test'
import { TEST_DATABASE_URL, scratchPostgres } from '../support/db.ts'
import { seedDemo } from '../../bench/lib.ts'
import { clusterScenario } from '../../bench/cluster-scenario.ts'

// Two server processes need a real PostgreSQL (LISTEN/NOTIFY); PGlite is one process by design.
describe.skipIf(!TEST_DATABASE_URL)('two instances on one PostgreSQL (needs TEST_DATABASE_URL; skipped without it)', () => {
  test('events from either reach streams on both; after SIGKILL of one, streams resume on the other with nothing missing', async () => {
    const db = await scratchPostgres('pw_pair')
    try {
      const password = await seedDemo(db.url, false)
      const r = await clusterScenario(db.url, password, { riders: 6, messages: 6, killAt: 0.5 })
      expect(r.streams).toBe(12)
      expect(r.crossInstance.n).toBeGreaterThan(0) // posts on one instance were seen live on the other
      expect(r.reconnects).toBe(6) // every stream of the killed instance came back, on the survivor
      expect({ missing: r.missing, duplicates: r.duplicates, unknown: r.unknown }).toEqual({ missing: 0, duplicates: 0, unknown: 0 })
      expect(r.stored).toBe(r.posts) // retries with the same client id stored nothing twice
    } finally {
      await db.drop()
    }
  }, 60_000)
})
