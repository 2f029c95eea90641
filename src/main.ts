#!/usr/bin/env bun
import { processIO, UsageError, type Command, type CliIO } from './cli/command.ts'
import { ConfigError } from './config.ts'
import { DataDirError } from './db/data-dir.ts'

/** Commands load lazily so `pitwall --help` stays instant and a command's heavy deps load only when used. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  serve: { summary: 'Start the web server (default)', load: () => import('./cli/serve.ts') },
  migrate: { summary: 'Apply database migrations', load: () => import('./cli/migrate.ts') },
  'seed-demo': { summary: 'Load the demo dealership', load: () => import('./cli/seed-demo.ts') },
  import: { summary: 'Import DMS files (inventory CSV, parts CSV, Markdown, JSONL)', load: () => import('./cli/import.ts') },
  search: { summary: 'Search the DMS content', load: () => import('./cli/search.ts') },
  ask: { summary: 'Ask the assistant a question (nothing is stored)', load: () => import('./cli/ask.ts') },
  triage: { summary: 'Run the escalation rules on a message or a JSONL file', load: () => import('./cli/triage.ts') },
  rules: { summary: 'Check, test and replay the escalation rules file', load: () => import('./cli/rules.ts') },
}

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  return [
    'Usage: pitwall <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    '',
    'Run `pitwall <command> --help` for the options of a command.',
  ].join('\n')
}

export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  const [first, ...rest] = argv
  if (first === '--help' || first === '-h' || first === 'help') return io.out(mainHelp()), 0
  const name = !first || first.startsWith('-') ? 'serve' : first
  const args = !first || first.startsWith('-') ? argv : rest
  const entry = COMMANDS[name]
  if (!entry) {
    io.err(`pitwall: unknown command '${name}'\n\n${mainHelp()}`)
    return 2
  }
  const command = (await entry.load()).default
  if (args.includes('--help') || args.includes('-h')) return io.out(command.usage), 0
  try {
    return await command.run(args, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`pitwall ${name}: ${err.message}\n\n${command.usage}`)
      return 2
    }
    if (err instanceof ConfigError) {
      io.err(`pitwall: configuration error: ${err.message}`)
      return 2
    }
    if (err instanceof DataDirError) {
      io.err(`pitwall: ${err.message}`)
      return 1
    }
    throw err
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2))
  // serve resolves only after shutdown; other commands have closed their resources.
  process.exit(code)
}
