import { connectPostgres, openDatabase, type Database } from '../../src/db/client.ts'
import { runMigrations } from '../../src/db/migrate.ts'

/** Set by CI (and by developers who want the PostgreSQL half of the suite). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined

let template: Promise<Blob> | undefined

/** A migrated in-memory PGlite; clones a migrated template so each file pays ~0.3 s, not ~2 s. */
export async function freshPglite(): Promise<Database> {
  template ??= (async () => {
    const base = await openDatabase({})
    await runMigrations(base)
    const dump = await base.lite!.dumpDataDir('none')
    await base.close()
    return dump
  })()
  return openDatabase({ loadDataDir: await template })
}

/** A new, empty database on the PostgreSQL server of `adminUrl`; `drop()` removes it (tests and benches). */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = connectPostgres(adminUrl, { max: 1, onnotice: () => {} })
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const a = connectPostgres(adminUrl, { max: 1, onnotice: () => {} })
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
      await a.end()
    },
  }
}

/** A new, empty PostgreSQL database on the test server; `drop()` removes it. */
export async function scratchPostgres(prefix = 'pw_t'): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set')
  return createScratchDatabase(TEST_DATABASE_URL, prefix)
}

export interface Backend { name: string; open(): Promise<{ database: Database; cleanup(): Promise<void> }> }

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const backends: Backend[] = [
  {
    name: 'pglite',
    async open() {
      const database = await freshPglite()
      return { database, cleanup: () => database.close() }
    },
  },
  ...(TEST_DATABASE_URL ? [{
    name: 'postgres',
    async open() {
      const scratch = await scratchPostgres()
      const database = await openDatabase({ databaseUrl: scratch.url, max: 4 })
      await runMigrations(database)
      return { database, async cleanup() { await database.close(); await scratch.drop() } }
    },
  }] : []),
]
