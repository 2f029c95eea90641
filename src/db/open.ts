import type { Config } from '../config.ts'
import { openDatabase, pgliteDirFor, type Database } from './client.ts'

/** The database a command or the server uses: PostgreSQL when DATABASE_URL is set, else PGlite in the data dir. */
export function openDatabaseFor(config: Config): Promise<Database> {
  return openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pgliteDir: pgliteDirFor(config.dataDir) })
}
