import { existsSync, readdirSync, rmSync } from 'node:fs'
import type { Config } from '../config.ts'
import { checkDataDir, explainDataDirError, MIN_FREE_BYTES, MIN_FREE_NEW_STORE_BYTES } from './data-dir.ts'
import { openDatabase, pgliteDirFor, type Database } from './client.ts'

/** The database a command or the server uses: PostgreSQL when DATABASE_URL is set, else PGlite in the data dir. */
export async function openDatabaseFor(config: Config): Promise<Database> {
  if (config.databaseUrl) return openDatabase({ databaseUrl: config.databaseUrl, prepare: config.prepareStatements })
  const dir = pgliteDirFor(config.dataDir)
  const isNew = !existsSync(dir) || readdirSync(dir).length === 0
  checkDataDir(config.dataDir, dir, isNew ? MIN_FREE_NEW_STORE_BYTES : MIN_FREE_BYTES)
  try {
    return await openDatabase({ pgliteDir: dir })
  } catch (err) {
    // A store that failed to come into being (disk filled up during initdb) must not be mistaken for one later.
    if (isNew) rmSync(dir, { recursive: true, force: true })
    throw explainDataDirError(config.dataDir, dir, err) ?? err
  }
}
