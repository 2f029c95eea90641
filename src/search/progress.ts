/** Import progress: a redrawn bar (rows, rate, ETA) on a terminal, plain lines otherwise. */
export interface ProgressSink {
  start(total: number): void
  advance(rows: number, label?: string): void
  finish(): void
}

export interface ProgressIO { write(line: string): void; isTTY: boolean }

export const silentProgress: ProgressSink = { start() {}, advance() {}, finish() {} }

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.max(0, Math.round(seconds))
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

export function progressReporter(io: ProgressIO, opts: { now?: () => number; ttyEveryMs?: number; plainEveryMs?: number } = {}): ProgressSink {
  const now = opts.now ?? (() => performance.now())
  let total = 0, done = 0, started = 0, last = -Infinity, drawn = false, label = ''
  const line = () => {
    const secs = (now() - started) / 1000
    const rate = secs > 0 ? done / secs : 0
    const eta = rate > 0 ? (total - done) / rate : Infinity
    const pct = total ? Math.min(100, (100 * done) / total) : 100
    const stats = `${fmt(done)}/${fmt(total)} rows  ${fmt(rate)} rows/s  ETA ${formatDuration(eta)}`
    if (!io.isTTY) return `import: ${stats} (${Math.floor(pct)}%)${label ? ` ${label}` : ''}`
    const width = 24, full = Math.round((pct / 100) * width)
    return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${stats}${label ? `  ${label}` : ''}`
  }
  const draw = (force = false) => {
    const t = now()
    if (!force && t - last < (io.isTTY ? opts.ttyEveryMs ?? 100 : opts.plainEveryMs ?? 5000)) return
    last = t
    // On a terminal the previous bar is erased (cursor up, clear line) so the bar updates in place.
    io.write((io.isTTY && drawn ? '\x1b[1A\x1b[2K' : '') + line())
    drawn = true
  }
  return {
    start(n) { total = n; done = 0; started = now(); last = started },
    advance(n, l) { done += n; if (l !== undefined) label = l; draw() },
    finish() { draw(true) },
  }
}
