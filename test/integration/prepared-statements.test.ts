import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { loadConfig } from '../../src/config.ts'
import { openDatabase, rows } from '../../src/db/client.ts'
import { scratchPostgres, TEST_DATABASE_URL } from '../support/db.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { latestEventId } from '../../src/realtime/events.ts'

const base = { SESSION_SECRET: 'p'.repeat(40) }

describe('PITWALL_DB_PREPARE', () => {
  test('auto prepares on a direct URL and not behind a pooler; on and off win; anything else is a clear error', () => {
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://db/app' }).prepareStatements).toBe(true)
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://db/app', DIRECT_DATABASE_URL: 'postgres://db/app' }).prepareStatements).toBe(true)
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://pooler/app', DIRECT_DATABASE_URL: 'postgres://db/app' }).prepareStatements).toBe(false)
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://pooler/app', DIRECT_DATABASE_URL: 'postgres://db/app', PITWALL_DB_PREPARE: 'on' }).prepareStatements).toBe(true)
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://db/app', PITWALL_DB_PREPARE: 'off' }).prepareStatements).toBe(false)
    expect(() => loadConfig({ ...base, PITWALL_DB_PREPARE: 'yes' })).toThrow('PITWALL_DB_PREPARE must be auto, on or off')
  })
})

describe.skipIf(!TEST_DATABASE_URL)('prepared statements on PostgreSQL', () => {
  /** Statements this session has prepared (one connection, so the session is the pool's). */
  const prepared = async (prepare: boolean) => {
    const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL!, max: 1, prepare })
    try {
      for (let i = 0; i < 3; i++) expect(await rows<{ n: number }>(database.db, sql`select ${i}::int as n`)).toEqual([{ n: i }])
      const [{ n }] = await rows<{ n: string }>(database.db, sql`select count(*)::text as n from pg_prepared_statements where statement like ${'%::int as n%'}`)
      return Number(n)
    } finally {
      await database.close()
    }
  }

  test('a query is prepared once per connection and reused; with prepare off nothing is prepared', async () => {
    expect(await prepared(true)).toBe(1)
    expect(await prepared(false)).toBe(0)
  })

  test('the queries built once (src/db/prepared.ts) follow the same switch: off behind a pooler means off', async () => {
    const scratch = await scratchPostgres('pw_prep')
    try {
      const setup = await openDatabase({ databaseUrl: scratch.url })
      await runMigrations(setup)
      await setup.close()
      const named = async (prepare: boolean) => {
        const database = await openDatabase({ databaseUrl: scratch.url, max: 1, prepare })
        try {
          for (let i = 0; i < 3; i++) expect(await latestEventId(database.db, 'demo')).toBe(0)
          const [{ n }] = await rows<{ n: string }>(database.db, sql`select count(*)::text as n from pg_prepared_statements where statement like ${'%order by store_id desc, id desc limit 1%'}`)
          return Number(n)
        } finally {
          await database.close()
        }
      }
      expect(await named(true)).toBe(1)
      expect(await named(false)).toBe(0)
    } finally {
      await scratch.drop()
    }
  })
})
