import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { backends } from '../support/db.ts'
import { rows, type Database } from '../../src/db/client.ts'
import { eventsSince, latestEventId, newestIdSql, streamPosition } from '../../src/realtime/events.ts'

/**
 * Several dealerships share one database. Every page and stream reads its store's newest event id, and a quiet store's
 * newest event can lie behind a busy store's many newer ones: the read must go straight to it (index on store and id),
 * not walk back through the other store's events nor through all of its own.
 */
const QUIET = 'position-quiet'
const BUSY = 'position-busy'
const QUIET_EVENTS = 5_000
const BUSY_EVENTS = 20_000

for (const backend of backends) {
  describe(`a store's stream position with another store's newer events (${backend.name})`, () => {
    let database: Database
    let cleanup: () => Promise<void>
    let quietId = 0
    beforeAll(async () => {
      ({ database, cleanup } = await backend.open())
      const quiet = await rows<{ id: string }>(database.db,
        sql`insert into events (store_id, kind) select ${QUIET}, 'message' from generate_series(1, ${QUIET_EVENTS}) returning id`)
      quietId = Math.max(...quiet.map((r) => Number(r.id)))
      await database.db.execute(sql`insert into events (store_id, kind) select ${BUSY}, 'message' from generate_series(1, ${BUSY_EVENTS})`)
      await database.db.execute(sql`analyze events`)
    })
    afterAll(() => cleanup())

    test('the newest id and the position are the quiet store\'s own', async () => {
      expect(await latestEventId(database.db, QUIET)).toBe(quietId)
      expect((await streamPosition(database.db, QUIET)).after).toBe(quietId)
      expect(await latestEventId(database.db, BUSY)).toBe(quietId + BUSY_EVENTS)
      expect(await eventsSince(database.db, { storeId: QUIET, afterId: quietId })).toEqual([])
      // What an inbox replays after a position: the newest event since, however many there are (20,000 here).
      expect((await eventsSince(database.db, { storeId: BUSY, afterId: quietId, newest: true })).map((e) => e.id)).toEqual([quietId + BUSY_EVENTS])
    })

    test('reading it touches one index entry', async () => {
      // The statement both reads run (the newest id is the page position's first column).
      const plan = (await rows<Record<string, string>>(database.db, sql`explain (analyze, costs off, timing off) ${newestIdSql(QUIET)}`))
        .map((r) => Object.values(r)[0]).join('\n')
      expect(plan).toContain('events_store_id_idx')
      // Without it: the store's 5,000 events through another index, or the busy store's 20,000 by the primary key.
      expect(plan).not.toMatch(/Rows Removed by Filter: [1-9]/)
      for (const [, n] of plan.matchAll(/actual rows=(\d+)/g)) expect(Number(n)).toBeLessThanOrEqual(1)
    })
  })
}
