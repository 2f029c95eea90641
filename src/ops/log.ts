/**
 * Structured logs: one JSON object a line ({"time","level","msg",...fields}), for Fly's log shipping.
 * Until `configureLog` is called (`pitwall serve` does, with LOG_LEVEL, to stdout) only warnings and errors
 * go out, to stderr, so tests that build apps stay quiet but still show failures.
 * Fields must never carry message bodies or customer details: ids, paths, counts, timings.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
export type LogFields = Record<string, string | number | boolean | null | undefined>

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

let threshold = RANK.warn
let write: (line: string) => void = (line) => process.stderr.write(line + '\n')
/** Fields on every line of this process (a worker's number). */
let base: LogFields = {}

export function configureLog(opts: { level: LogLevel; write?: (line: string) => void; fields?: LogFields }): void {
  threshold = RANK[opts.level]
  write = opts.write ?? ((line) => process.stdout.write(line + '\n'))
  base = opts.fields ?? {}
}

function emit(level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void {
  if (RANK[level] < threshold) return
  write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }))
}

export const log = {
  debug: (msg: string, fields?: LogFields) => emit('debug', msg, fields),
  info: (msg: string, fields?: LogFields) => emit('info', msg, fields),
  warn: (msg: string, fields?: LogFields) => emit('warn', msg, fields),
  error: (msg: string, fields?: LogFields) => emit('error', msg, fields),
}

/** An error as log fields (the stack is one JSON string, so the entry stays one line). */
export const errorFields = (err: unknown, stack = false): LogFields =>
  err instanceof Error ? { error: err.message, errorType: err.name, ...(stack ? { stack: err.stack } : {}) } : { error: String(err) }
