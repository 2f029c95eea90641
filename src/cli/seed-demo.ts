import { loadConfig } from '../config.ts'
import { openDatabaseFor } from '../db/open.ts'
import { runMigrations } from '../db/migrate.ts'
import { seedDemoStore } from '../staff/demo.ts'
import { parseFlags, type Command } from './command.ts'

const command: Command = {
  name: 'seed-demo',
  summary: 'Load the demo dealership',
  usage: `Usage: pitwall seed-demo [--if-empty]

Creates the demo dealership "Ridgeline Powersports" (store id "demo"): departments sales, service,
parts and finance, five staff accounts, and its DMS content. Staff passwords are generated and printed
once; only their hashes are stored.
Options:
  --if-empty   do nothing (exit 0) when the demo store already exists`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { 'if-empty': { type: 'boolean' } }, false)
    const database = await openDatabaseFor(loadConfig())
    try {
      await runMigrations(database)
      const { created, staff } = await seedDemoStore(database.db)
      if (!created) {
        io.out(values['if-empty'] ? 'Demo dealership already loaded.' : 'Demo dealership already exists (store "demo"); nothing changed.')
        return 0
      }
      io.out('Loaded the demo dealership "Ridgeline Powersports".')
      io.out('Staff sign-in at /login (passwords are shown only now):')
      for (const s of staff) io.out(`  ${s.role.padEnd(5)}  ${s.email.padEnd(26)}  ${s.password}   (${s.name})`)
      return 0
    } finally {
      await database.close()
    }
  },
}
export default command
