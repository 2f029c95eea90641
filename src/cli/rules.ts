import { readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { sql } from 'drizzle-orm'
import { loadConfig } from '../config.ts'
import { openDatabase, pgliteDirFor, rows, type Db } from '../db/client.ts'
import { CasesError, parseCases, runCases } from '../escalation/cases.ts'
import { evaluate, type Decision, type Rules, type TriageContext } from '../escalation/index.ts'
import { readRulesFile, rulesVersion } from '../conversations/rules-source.ts'
import { parseFlags, UsageError, type CliIO, type Command } from './command.ts'

/** A path as the user would like to read it (relative to the working directory when shorter). */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path
}

/** Loads a rules file or prints its problems (undefined: exit 1). */
export function rulesOrReport(path: string, io: CliIO): { rules: Rules; text: string } | undefined {
  const r = readRulesFile(path, shown(path))
  if ('errors' in r) {
    for (const line of r.errors) io.err(line)
    return undefined
  }
  return r
}

/** Fits text into a table column. */
export function cell(s: string, width: number): string {
  const one = s.replace(/\s+/g, ' ')
  return one.length > width ? one.slice(0, width - 1) + '…' : one.padEnd(width)
}

const usage = `Usage:
  pitwall rules check [file]                      Check a rules file (default: PITWALL_RULES or rules/escalation.yaml)
  pitwall rules test <cases.yaml> [--rules file]  Run example messages and compare with the expected outcomes
  pitwall rules replay [--since DATE] [--rules new.yaml] [--limit N] [--examples N] [--store ID]
                                                  Re-run stored rider messages and report what would change

check exits 1 and prints file:line:column for every problem.
test prints a pass/fail table and exits 1 when a case fails.
replay compares the current rules with --rules (or, without --rules, the decisions stored with the
messages with the current rules), and prints counts by action, department, priority and tag.`

const currentRulesPath = (flag?: string) => resolve(flag ?? loadConfig(process.env, { ensureSecret: false }).rulesPath)

async function check(args: string[], io: CliIO): Promise<number> {
  if (args.length > 1) throw new UsageError('rules check takes at most one file')
  const path = currentRulesPath(args[0])
  const r = rulesOrReport(path, io)
  if (!r) return 1
  const { rules } = r
  const disabled = rules.rules.filter((x) => !x.enabled).length
  io.out(`ok ${shown(path)}: ${Object.keys(rules.departments).length} departments, ${rules.priorities.length} priorities, ` +
    `${rules.tags.length} tags, ${rules.rules.length} rules${disabled ? ` (${disabled} disabled)` : ''}, version ${rulesVersion(r.text)}`)
  return 0
}

async function test(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(args, { rules: { type: 'string' } })
  if (positionals.length !== 1) throw new UsageError('rules test needs one cases file')
  const loaded = rulesOrReport(currentRulesPath(values.rules), io)
  if (!loaded) return 1
  let text: string
  try {
    text = readFileSync(positionals[0], 'utf8')
  } catch (err) {
    io.err(`${positionals[0]}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    return 1
  }
  let cases
  try {
    cases = parseCases(text)
  } catch (err) {
    if (err instanceof CasesError) {
      io.err(`${positionals[0]}:${err.line}: ${err.message.replace(/^line \d+: /, '')}`)
      return 1
    }
    throw err
  }
  const results = runCases(loaded.rules, cases)
  io.out(`${'result'.padEnd(6)}  ${'line'.padStart(4)}  ${cell('message', 48)}  ${cell('got', 40)}  problems`)
  for (const r of results) {
    const d = r.decision
    const got = `${d.action}${d.department ? ' ' + d.department : ''}${d.priority && d.action !== 'answer' ? ' ' + d.priority : ''}`
    io.out(`${(r.pass ? 'PASS' : 'FAIL').padEnd(6)}  ${String(r.case.line).padStart(4)}  ${cell(r.case.name ?? r.case.message, 48)}  ${cell(got, 40)}  ${r.problems.join('; ')}`)
  }
  const failed = results.filter((r) => !r.pass).length
  io.out(`${results.length - failed} passed, ${failed} failed (${results.length} cases, rules ${shown(currentRulesPath(values.rules))})`)
  return failed ? 1 : 0
}

// ---------- replay ----------

interface Outcome { action: string; department?: string; priority?: string; tags: string[] }
type History = TriageContext['history']
/** One side of the comparison: an outcome for a stored message (undefined = nothing known). */
export type Evaluate = (text: string, now: Date, history: History, stored: unknown) => Outcome | undefined

export interface ReplayOptions { storeId: string; since?: Date; limit?: number; examples?: number }
export interface ReplayReport {
  messages: number
  changed: number
  /** key like `action:handoff`, `department:service`, `tag:financing` → [before, after] */
  counts: Map<string, [number, number]>
  examples: { text: string; before: string; after: string; at: Date }[]
}

const outcomeOf = (d: Decision): Outcome => ({ action: d.action, department: d.department, priority: d.action === 'answer' ? undefined : d.priority, tags: d.tags })

/** The Decision stored with a message (what happened at the time), if any. */
export function storedOutcome(stored: unknown): Outcome | undefined {
  if (!stored || typeof stored !== 'object') return undefined
  const d = stored as Partial<Decision>
  if (typeof d.action !== 'string') return undefined
  return { action: d.action, department: d.department, priority: d.action === 'answer' ? undefined : d.priority, tags: Array.isArray(d.tags) ? d.tags : [] }
}

export const evaluatorFor = (rules: Rules): Evaluate => (text, now, history) => outcomeOf(evaluate(rules, { text, now, history }))

const describe = (o: Outcome | undefined) =>
  !o ? 'no decision stored' : `${o.action}${o.department ? ' ' + o.department : ''}${o.priority ? ` (${o.priority})` : ''}${o.tags.length ? ` [${o.tags.join(', ')}]` : ''}`

interface Row { conversation_id: string; author: string; body: string; decision: unknown; created_at: Date | string; internal: boolean }

export async function replayMessages(db: Db, opts: ReplayOptions, before: Evaluate, after: Evaluate): Promise<ReplayReport> {
  const since = opts.since ?? new Date(0)
  const list = await rows<Row>(db, sql`
    select m.conversation_id, m.author, m.body, m.decision, m.created_at, m.internal
    from messages m join conversations c on c.id = m.conversation_id
    where c.store_id = ${opts.storeId}
      and m.conversation_id in (
        select distinct m2.conversation_id from messages m2
        where m2.author = 'customer' and m2.created_at >= ${since.toISOString()}::timestamptz)
    order by m.conversation_id, m.created_at, m.id`)
  const report: ReplayReport = { messages: 0, changed: 0, counts: new Map(), examples: [] }
  const bump = (key: string, i: 0 | 1) => {
    const c = report.counts.get(key) ?? [0, 0]
    c[i]++
    report.counts.set(key, c)
  }
  const count = (o: Outcome | undefined, i: 0 | 1) => {
    if (!o) return bump('action:(none stored)', i)
    bump(`action:${o.action}`, i)
    if (o.department) bump(`department:${o.department}`, i)
    if (o.priority) bump(`priority:${o.priority}`, i)
    for (const t of o.tags) bump(`tag:${t}`, i)
  }
  const limit = opts.limit ?? Infinity
  let conv = ''
  let history: History = []
  for (const r of list) {
    if (r.conversation_id !== conv) {
      conv = r.conversation_id
      history = []
    }
    if (r.internal) continue
    const at = r.created_at instanceof Date ? r.created_at : new Date(r.created_at)
    if (r.author === 'customer' && at >= since && report.messages < limit) {
      const b = before(r.body, at, history, r.decision)
      const a = after(r.body, at, history, r.decision)
      report.messages++
      count(b, 0)
      count(a, 1)
      const db = describe(b)
      const da = describe(a)
      if (db !== da) {
        report.changed++
        if (report.examples.length < (opts.examples ?? 5)) report.examples.push({ text: r.body, before: db, after: da, at })
      }
    }
    history.push({ author: r.author as History[number]['author'], text: r.body })
  }
  return report
}

export function formatReplay(rep: ReplayReport, labels: { before: string; after: string; since?: Date; storeId: string }): string[] {
  const out: string[] = []
  out.push(`Replayed ${rep.messages} rider message${rep.messages === 1 ? '' : 's'}${labels.since ? ` since ${labels.since.toISOString().slice(0, 10)}` : ''} (store ${labels.storeId})`)
  out.push(`before: ${labels.before}`)
  out.push(`after:  ${labels.after}`)
  if (rep.messages === 0) return out
  out.push('')
  out.push(`${cell('', 34)}  ${'before'.padStart(7)}  ${'after'.padStart(7)}  ${'change'.padStart(7)}`)
  const order = ['action', 'department', 'priority', 'tag']
  const keys = [...rep.counts.keys()].sort((a, b) => order.indexOf(a.split(':')[0]) - order.indexOf(b.split(':')[0]) || a.localeCompare(b))
  for (const k of keys) {
    const [b, a] = rep.counts.get(k)!
    const d = a - b
    out.push(`${cell(k.replace(':', ' '), 34)}  ${String(b).padStart(7)}  ${String(a).padStart(7)}  ${(d > 0 ? '+' + d : d === 0 ? '0' : String(d)).padStart(7)}`)
  }
  out.push('')
  out.push(`${rep.changed} of ${rep.messages} decisions would change${rep.examples.length ? '; for example:' : '.'}`)
  for (const e of rep.examples) {
    out.push(`  "${cell(e.text, 70).trimEnd()}" (${e.at.toISOString().slice(0, 16).replace('T', ' ')})`)
    out.push(`      ${e.before}  →  ${e.after}`)
  }
  return out
}

async function replay(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    since: { type: 'string' }, rules: { type: 'string' }, limit: { type: 'string' }, examples: { type: 'string' }, store: { type: 'string' },
  })
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const since = values.since ? new Date(values.since) : undefined
  if (since && Number.isNaN(since.getTime())) throw new UsageError(`--since '${values.since}' is not a date (use 2026-11-01)`)
  const num = (name: string, v?: string) => {
    if (v === undefined) return undefined
    if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`)
    return Number(v)
  }
  const limit = num('limit', values.limit)
  const examples = num('examples', values.examples)
  const config = loadConfig(process.env, { ensureSecret: false })
  const current = rulesOrReport(config.rulesPath, io)
  if (!current) return 1
  let before: Evaluate
  let after: Evaluate
  let labels: { before: string; after: string }
  if (values.rules) {
    const proposed = rulesOrReport(resolve(values.rules), io)
    if (!proposed) return 1
    before = evaluatorFor(current.rules)
    after = evaluatorFor(proposed.rules)
    labels = { before: `${shown(config.rulesPath)} (version ${rulesVersion(current.text)})`, after: `${shown(resolve(values.rules))} (version ${rulesVersion(proposed.text)})` }
  } else {
    before = (_t, _n, _h, stored) => storedOutcome(stored)
    after = evaluatorFor(current.rules)
    labels = { before: 'decisions stored with the messages', after: `${shown(config.rulesPath)} (version ${rulesVersion(current.text)})` }
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : pgliteDirFor(config.dataDir), max: 2 })
  try {
    const storeId = values.store ?? config.storeId
    let rep: ReplayReport
    try {
      rep = await replayMessages(database.db, { storeId, since, limit, examples }, before, after)
    } catch (err) {
      io.err(`pitwall rules replay: cannot read messages (${(err as Error).message.split('\n')[0]}); has \`pitwall migrate\` been run?`)
      return 1
    }
    for (const line of formatReplay(rep, { ...labels, since, storeId })) io.out(line)
    return 0
  } finally {
    await database.close()
  }
}

const command: Command = {
  name: 'rules',
  summary: 'Check, test and replay the escalation rules file',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub === 'check') {
      const { positionals } = parseFlags(rest, {})
      return check(positionals, io)
    }
    if (sub === 'test') return test(rest, io)
    if (sub === 'replay') return replay(rest, io)
    throw new UsageError(sub ? `unknown subcommand '${sub}' (use check, test or replay)` : 'missing subcommand (check, test or replay)')
  },
}

export default command
