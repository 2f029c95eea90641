import { loadConfig } from '../config.ts'
import { openDatabaseFor } from '../db/open.ts'
import { runMigrations } from '../db/migrate.ts'
import { parseFlags, type Command } from './command.ts'

const command: Command = {
  name: 'migrate',
  summary: 'Apply database migrations',
  usage: `Usage: pitwall migrate

Applies pending migrations to DIRECT_DATABASE_URL, else DATABASE_URL (PostgreSQL, under an advisory
lock so concurrent instances are safe), or to the embedded PGlite store under PITWALL_DATA_DIR.`,
  async run(argv, io) {
    parseFlags(argv, {}, false)
    const config = loadConfig()
    // The advisory lock needs one real session: the direct URL, not a transaction-mode pooler (Fly release command).
    const database = await openDatabaseFor({ ...config, databaseUrl: config.directDatabaseUrl ?? config.databaseUrl })
    try {
      await runMigrations(database)
      io.out(`migrations applied (${database.kind})`)
      return 0
    } finally {
      await database.close()
    }
  },
}
export default command
