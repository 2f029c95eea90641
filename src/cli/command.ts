import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Output streams for commands, so tests can capture what a command prints. */
export interface CliIO {
  out(line: string): void
  err(line: string): void
  /** True when stdout is a terminal (progress bars, colours). */
  isTTY: boolean
}

export interface Command {
  name: string
  summary: string
  /** Full help text printed by `pitwall <name> --help`. */
  usage: string
  /** Returns the exit code: 0 ok, 1 the work failed, 2 bad usage. */
  run(argv: string[], io: CliIO): Promise<number>
}

export class UsageError extends Error {}

/** node:util parseArgs with errors turned into UsageError (exit code 2). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[], options: T, allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true })
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify.*$/s, ''))
  }
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTTY: !!process.stdout.isTTY,
}
