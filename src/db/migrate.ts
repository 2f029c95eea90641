import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator'
import { migrate as migrateLite } from 'drizzle-orm/pglite/migrator'
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import type { Database } from './client.ts'

/** Any number for the lock key; every Pitwall instance must use the same one. */
const MIGRATION_LOCK = 727_272

export function migrationsFolder(): string {
  const candidates = [
    join(import.meta.dir, '../../migrations'),
    join(import.meta.dir, 'migrations'),
  ].filter((p): p is string => !!p)
  const found = candidates.find((p) => existsSync(join(p, 'meta/_journal.json')))
  if (!found) throw new Error(`migrations not found (looked in ${candidates.join(', ')})`)
  return found
}

/** Applies pending migrations; on PostgreSQL under an advisory lock so concurrent instances all succeed. */
export async function runMigrations(database: Database): Promise<void> {
  const migrationsFolderPath = migrationsFolder()
  if (database.kind === 'pglite') {
    await migrateLite(database.db as unknown as PgliteDatabase, { migrationsFolder: migrationsFolderPath })
    return
  }
  const lock = await database.pg!.reserve()
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`
    await migratePg(database.db as unknown as PostgresJsDatabase, { migrationsFolder: migrationsFolderPath })
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {})
    lock.release()
  }
}
