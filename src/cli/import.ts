import { loadConfig } from '../config.ts'
import { openDatabaseFor } from '../db/open.ts'
import { runMigrations } from '../db/migrate.ts'
import { useLiteEmbedder } from '../search/embedder.ts'
import { importPaths } from '../search/import.ts'
import { MeiliSearchIndex } from '../search/meili.ts'
import { progressReporter } from '../search/progress.ts'
import { DOC_TYPES, isDocType } from '../search/types.ts'
import { parseFlags, UsageError, type Command } from './command.ts'

const command: Command = {
  name: 'import',
  summary: 'Import DMS content (inventory/parts CSV, Markdown, JSONL)',
  usage: `Usage: pitwall import <path...> [--type T] [--store S] [--partial] [--as-of YYYY-MM-DD]

Imports files or directories (recursively) into the documents table, embeds them (vectors are cached by
content), and sends changes to Meilisearch when MEILI_URL is set. Re-importing is idempotent.
  *.csv                 inventory feed or parts/fitment list (told apart by the header; see docs/import.md)
  *.md, *.markdown, *.txt   one document each, YAML front matter for id/type/title/dates/fields
  *.jsonl, *.ndjson     {"id","type","title","body","fields"} per line
Options:
  --type T      ${DOC_TYPES.join(', ')}: forces the CSV kind (unit|part) or the default type of Markdown/JSONL
  --store S     store id (default PITWALL_STORE, "demo")
  --partial     an inventory feed lists only some units: do not mark missing units withdrawn
  --as-of D     data-as-of date for inventory rows without one (default: the file's modification date)
Exit code 1 when any row failed (each failure is printed with file, line and field).`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      type: { type: 'string' }, store: { type: 'string' }, partial: { type: 'boolean' }, 'as-of': { type: 'string' },
    })
    if (!positionals.length) throw new UsageError('give at least one file or directory to import')
    if (values.type !== undefined && !isDocType(values.type)) throw new UsageError(`--type must be one of ${DOC_TYPES.join(', ')}`)
    if (values.store !== undefined && !/^[a-z0-9-]{1,40}$/.test(values.store)) throw new UsageError('--store must be lowercase letters, digits and dashes')
    if (values['as-of'] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values['as-of'])) throw new UsageError('--as-of must be a date such as 2026-11-24')
    const config = loadConfig()
    const database = await openDatabaseFor(config)
    try {
      await runMigrations(database)
      const report = await importPaths(database, positionals, {
        storeId: values.store ?? config.storeId,
        type: values.type as Parameters<typeof importPaths>[2]['type'],
        embedder: useLiteEmbedder({ workers: 2 }),
        index: config.meili ? new MeiliSearchIndex({ host: config.meili.url, apiKey: config.meili.key, dims: 512 }) : undefined,
        partialFeed: values.partial,
        asOf: values['as-of'] ? new Date(`${values['as-of']}T00:00:00Z`) : undefined,
        progress: progressReporter({ write: io.err, isTTY: io.isTTY }),
      })
      for (const e of report.errors) io.err(`${e.file}:${e.line}: ${e.field ? `${e.field}: ` : ''}${e.message}`)
      for (const w of report.warnings) io.err(`warning: ${w}`)
      io.out(`Imported ${report.files.length} file(s): ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged, ` +
        `${report.withdrawn} withdrawn, ${report.failed} failed; ${report.embedded} embedded (${(report.ms / 1000).toFixed(1)} s).`)
      if (!config.meili) io.out('A running server picks up the changes within 15 seconds.')
      return report.failed ? 1 : 0
    } finally {
      await database.close()
    }
  },
}
export default command
