/**
 * The live rules file. A valid edit applies to the next message; an invalid edit, a deletion or a file over
 * 1 MB keeps the last good rules and records the error (with its line) for the inbox banner. If the file is
 * unusable at start, the shipped default rules (embedded in the binary) are used and the error is reported.
 */
import { createHash } from 'node:crypto'
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import { formatProblem, loadRules, RulesError, type Rules } from '../escalation/index.ts'
import shippedRulesText from '../../rules/escalation.yaml' with { type: 'text' }

export const DEFAULT_RULES_TEXT: string = shippedRulesText as unknown as string
export const MAX_RULES_BYTES = 1024 * 1024

export interface RulesStatus {
  path: string
  /** Short sha256 of the text of the rules in force. */
  version: string
  loadedAt: Date
  /** Why the file on disk is not what is in force; undefined when it is. */
  error?: { message: string; line?: number; column?: number; rule?: string }
  /** True when the shipped default rules are in force because the file was unusable at start. */
  usingDefault: boolean
}

export interface RulesSourceOptions {
  /** Wait this long after a change event before reading (editors write in several steps). */
  debounceMs?: number
  /** Poll interval, for file systems where fs.watch misses changes. */
  pollMs?: number
  maxBytes?: number
  now?: () => Date
}

export type RulesListener = (rules: Rules, status: RulesStatus) => void

export const rulesVersion = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12)

let shipped: Rules | undefined
/** The default rules shipped with Pitwall (parsed once). */
export function defaultRules(): Rules {
  shipped ??= loadRules(DEFAULT_RULES_TEXT, 'built-in rules/escalation.yaml')
  return shipped
}

type Read = { ok: true; text: string; version: string; rules: Rules } | { ok: false; error: NonNullable<RulesStatus['error']> }

export class RulesSource {
  private rules: Rules
  private state: RulesStatus
  /** Identity of the last file content examined, so polling does not re-parse an unchanged file. */
  private seen = ''
  private listeners = new Set<RulesListener>()
  private watcher?: FSWatcher
  private poller?: ReturnType<typeof setInterval>
  private pending?: ReturnType<typeof setTimeout>
  private closed = false
  private readonly opts: Required<RulesSourceOptions>

  private constructor(readonly path: string, opts: RulesSourceOptions) {
    this.opts = { debounceMs: opts.debounceMs ?? 150, pollMs: opts.pollMs ?? 2000, maxBytes: opts.maxBytes ?? MAX_RULES_BYTES, now: opts.now ?? (() => new Date()) }
    const r = this.read()
    if (r.ok) {
      this.rules = r.rules
      this.state = { path, version: r.version, loadedAt: this.opts.now(), usingDefault: false }
    } else {
      this.rules = defaultRules()
      this.state = { path, version: rulesVersion(DEFAULT_RULES_TEXT), loadedAt: this.opts.now(), error: r.error, usingDefault: true }
    }
  }

  /** Reads the file now (synchronously); never throws. */
  static open(path: string, opts: RulesSourceOptions = {}): RulesSource {
    return new RulesSource(path, opts)
  }

  current(): Rules {
    return this.rules
  }

  status(): RulesStatus {
    return { ...this.state, error: this.state.error ? { ...this.state.error } : undefined }
  }

  onChange(listener: RulesListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Re-reads the file; true when new rules were applied. */
  reload(): boolean {
    if (this.closed) return false
    const r = this.read()
    const before = JSON.stringify(this.state.error ?? null)
    let applied = false
    if (r.ok) {
      if (r.version !== this.state.version || this.state.usingDefault) {
        this.rules = r.rules
        this.state = { path: this.path, version: r.version, loadedAt: this.opts.now(), usingDefault: false }
        applied = true
      } else this.state = { ...this.state, error: undefined }
    } else {
      this.state = { ...this.state, error: r.error }
    }
    if (applied || JSON.stringify(this.state.error ?? null) !== before) {
      for (const l of this.listeners) {
        try {
          l(this.rules, this.status())
        } catch {
          // A broken listener must not stop the others or the reload.
        }
      }
    }
    return applied
  }

  /** Starts watching: fs.watch on the folder (editors replace files by renaming) plus a poll as a safety net. */
  watch(): this {
    if (this.closed || this.poller) return this
    const name = basename(this.path)
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (!file || file.toString() === name) this.schedule()
      })
      this.watcher.on('error', () => {
        this.watcher?.close()
        this.watcher = undefined
      })
    } catch {
      this.watcher = undefined
    }
    this.poller = setInterval(() => this.poll(), this.opts.pollMs)
    this.poller.unref?.()
    return this
  }

  close(): void {
    this.closed = true
    this.watcher?.close()
    if (this.poller) clearInterval(this.poller)
    if (this.pending) clearTimeout(this.pending)
    this.watcher = undefined
    this.poller = undefined
    this.listeners.clear()
  }

  private schedule(): void {
    if (this.closed) return
    if (this.pending) clearTimeout(this.pending)
    this.pending = setTimeout(() => {
      this.pending = undefined
      this.reload()
    }, this.opts.debounceMs)
    this.pending.unref?.()
  }

  private poll(): void {
    let id: string
    try {
      const s = statSync(this.path)
      id = `${s.ino}:${s.size}:${s.mtimeMs}`
    } catch {
      id = 'missing'
    }
    if (id !== this.seen) this.schedule()
  }

  private read(): Read {
    let text: string
    try {
      const s = statSync(this.path)
      this.seen = `${s.ino}:${s.size}:${s.mtimeMs}`
      if (!s.isFile()) return { ok: false, error: { message: `${this.path} is not a file; keeping the last good rules` } }
      if (s.size > this.opts.maxBytes) {
        return { ok: false, error: { message: `the rules file is ${(s.size / 1024 / 1024).toFixed(1)} MB, over the ${Math.round(this.opts.maxBytes / 1024)} KB limit; keeping the last good rules` } }
      }
      text = readFileSync(this.path, 'utf8')
    } catch (err) {
      this.seen = 'missing'
      const code = (err as NodeJS.ErrnoException).code
      return { ok: false, error: { message: code === 'ENOENT' ? `${this.path} was not found (deleted?); keeping the last good rules` : `cannot read ${this.path}: ${(err as Error).message}` } }
    }
    if (text.length > this.opts.maxBytes) return { ok: false, error: { message: `the rules file is over the ${Math.round(this.opts.maxBytes / 1024)} KB limit` } }
    const version = rulesVersion(text)
    if (this.state && version === this.state.version && !this.state.usingDefault) return { ok: true, text, version, rules: this.rules }
    try {
      return { ok: true, text, version, rules: loadRules(text, this.path) }
    } catch (err) {
      if (err instanceof RulesError) {
        const p = err.problems[0]
        const more = err.problems.length > 1 ? ` (and ${err.problems.length - 1} more problem${err.problems.length > 2 ? 's' : ''})` : ''
        return { ok: false, error: { message: `${p.rule ? `rule '${p.rule}': ` : ''}${p.message}${more}`, line: p.line, column: p.column, rule: p.rule } }
      }
      return { ok: false, error: { message: (err as Error).message } }
    }
  }
}

export const openRulesSource = (path: string, opts?: RulesSourceOptions) => RulesSource.open(path, opts)

/** Reads and compiles a rules file for the CLI; every problem comes back as a `file:line:column: message` line. */
export function readRulesFile(path: string, label = path): { rules: Rules; text: string } | { errors: string[] } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    return { errors: [`${label}: cannot read the rules file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`] }
  }
  try {
    return { rules: loadRules(text, label), text }
  } catch (err) {
    if (err instanceof RulesError) return { errors: err.problems.map((p) => formatProblem(p, label)) }
    throw err
  }
}
