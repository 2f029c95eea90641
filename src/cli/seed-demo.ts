import { loadConfig } from '../config.ts'
import { openDatabaseFor } from '../db/open.ts'
import { runMigrations } from '../db/migrate.ts'
import { DEMO_STORE, seedDemoStore, type SeededStaff } from '../staff/demo.ts'
import { join } from 'node:path'
import { demoDir, loadDemoContent } from '../search/demo.ts'
import { dbVectorCache, USE_LITE_MODEL } from '../search/embedder.ts'
import { packedVectorCache, readVectorPack } from '../search/vector-pack.ts'
import { progressReporter } from '../search/progress.ts'
import { parseFlags, type CliIO, type Command } from './command.ts'

const command: Command = {
  name: 'seed-demo',
  summary: 'Load the demo dealership',
  usage: `Usage: pitwall seed-demo [--if-empty]

Creates the demo dealership "Ridgeline Powersports" (store id "demo"): departments sales, service,
parts and finance, five staff accounts, and its DMS content. Staff passwords are generated and printed
once; only their hashes are stored.
Options:
  --if-empty     do nothing (exit 0) when the demo store already exists
  --no-content   store and staff only; import the DMS export later with \`pitwall import demo/\``,
  async run(argv, io) {
    const { values } = parseFlags(argv, { 'if-empty': { type: 'boolean' }, 'no-content': { type: 'boolean' } }, false)
    const database = await openDatabaseFor(loadConfig())
    try {
      await runMigrations(database)
      const { created, staff } = await seedDemoStore(database.db)
      if (!created && values['if-empty']) {
        io.out('Demo dealership already loaded.')
        return 0
      }
      if (values['no-content']) return printStaff(io, created, staff)
      // Content import is idempotent (unchanged documents are skipped by hash), so a re-run only fills gaps.
      io.out('Importing the demo DMS export (inventory, parts, bulletins, recalls, guides, policies)…')
      const cache = packedVectorCache(readVectorPack(join(demoDir(), 'vectors.bin')), USE_LITE_MODEL, dbVectorCache(database))
      const report = await loadDemoContent(database, DEMO_STORE.id, { cache, progress: progressReporter({ write: io.out, isTTY: io.isTTY }) })
      io.out(`Documents: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed} failed (${(report.ms / 1000).toFixed(1)} s).`)
      return printStaff(io, created, staff) || (report.failed ? 1 : 0)
    } finally {
      await database.close()
    }
  },
}
export default command

function printStaff(io: CliIO, created: boolean, staff: SeededStaff[]): number {
  if (!created) {
    io.out('Demo dealership already exists (store "demo"); staff accounts unchanged.')
    return 0
  }
  io.out('Loaded the demo dealership "Ridgeline Powersports".')
  io.out('Staff sign-in at /login (passwords are shown only now):')
  for (const s of staff) io.out(`  ${s.role.padEnd(5)}  ${s.email.padEnd(26)}  ${s.password}   (${s.name})`)
  return 0
}
