/**
 * Dealer-written example messages with expected outcomes (`pitwall rules test cases.yaml`, and the fixture set).
 *
 *   now: 2026-11-24T10:30:00-06:00        # optional: when the messages are "sent" (default: a weekday morning)
 *   cases:
 *     - message: my quad wont start, stuck on the trail
 *       expect: { action: handoff, department: service, priority: stranded-rider, tags: [stranded-rider] }
 *     - message: what time do you open saturday
 *       expect: { escalate: false }
 */
import * as v from 'valibot'
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import type { Rules } from './compile.ts'
import { evaluate } from './engine.ts'
import type { Decision, TriageContext } from './types.ts'

const Author = v.picklist(['customer', 'bot', 'staff', 'system'])
const HistoryItem = v.union([v.string(), v.strictObject({ author: Author, text: v.string() })])
const list = v.union([v.string(), v.array(v.string())])
const isoDate = v.pipe(
  v.union([v.string(), v.date()]),
  v.transform((x) => (x instanceof Date ? x : new Date(x))),
  v.check((d) => !Number.isNaN(d.getTime()), 'must be a date and time such as 2026-11-24T10:30:00-06:00'),
)

const ExpectSchema = v.strictObject({
  action: v.optional(v.picklist(['answer', 'suggest_handoff', 'handoff'])),
  escalate: v.optional(v.boolean()),
  department: v.optional(v.nullable(v.string())),
  priority: v.optional(v.nullable(v.string())),
  tags: v.optional(list),
  not_tags: v.optional(list),
  rules: v.optional(list),
  reply_contains: v.optional(v.string()),
})

const CaseSchema = v.strictObject({
  name: v.optional(v.string()),
  message: v.pipe(v.string(), v.minLength(1)),
  history: v.optional(v.array(HistoryItem)),
  now: v.optional(isoDate),
  confidence: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  turn: v.optional(v.number()),
  expect: ExpectSchema,
})

const FileSchema = v.union([
  v.strictObject({ now: v.optional(isoDate), cases: v.array(CaseSchema) }),
  v.array(CaseSchema),
])

export type Expect = v.InferOutput<typeof ExpectSchema>
export interface RuleCase {
  name?: string
  message: string
  line: number
  ctx: TriageContext
  expect: Expect
}

/** A Tuesday mid-morning in Texas, when every default department is open. */
export const DEFAULT_CASE_TIME = new Date('2026-11-24T10:30:00-06:00')

export class CasesError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`)
  }
}

const asList = (x: string | string[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x])

export function parseCases(text: string): RuleCase[] {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false })
  if (doc.errors.length) {
    const e = doc.errors[0]
    throw new CasesError(e.message.split('\n')[0], lc.linePos(e.pos[0]).line)
  }
  const data = doc.toJS()
  const r = v.safeParse(FileSchema, data)
  const items = isMap(doc.contents) ? (doc.get('cases', true) as unknown) : doc.contents
  const lineOf = (i: number) => {
    const node = isSeq(items) ? (items.items[i] as YamlNode | undefined) : undefined
    return node?.range ? lc.linePos(node.range[0]).line : 1
  }
  if (!r.success) {
    // Valibot reports union failures at the top; re-check each case to name the one that is wrong.
    const raw = Array.isArray(data) ? data : (data as { cases?: unknown })?.cases
    if (!Array.isArray(raw)) throw new CasesError('expected a list of cases, or a mapping with `cases:`', 1)
    for (let i = 0; i < raw.length; i++) {
      const c = v.safeParse(CaseSchema, raw[i])
      if (!c.success) {
        const issue = c.issues[0]
        const path = v.getDotPath(issue) ?? ''
        throw new CasesError(`case ${i + 1}${path ? ` (${path})` : ''}: ${issue.message}`, lineOf(i))
      }
    }
    throw new CasesError(r.issues[0].message, 1)
  }
  const out = r.output
  const cases = Array.isArray(out) ? out : out.cases
  const defaultNow = (!Array.isArray(out) && out.now) || DEFAULT_CASE_TIME
  return cases.map((c, i) => ({
    name: c.name,
    message: c.message,
    line: lineOf(i),
    expect: c.expect,
    ctx: {
      text: c.message,
      now: c.now ?? defaultNow,
      history: (c.history ?? []).map((h) => (typeof h === 'string' ? { author: 'customer' as const, text: h } : h)),
      answerConfidence: c.confidence,
      turn: c.turn,
    },
  }))
}

/** What did not match; empty when the case passes. */
export function checkCase(d: Decision, e: Expect): string[] {
  const bad: string[] = []
  if (e.action !== undefined && d.action !== e.action) bad.push(`action ${d.action}, expected ${e.action}`)
  if (e.escalate !== undefined && (d.action !== 'answer') !== e.escalate) {
    bad.push(e.escalate ? `not escalated (${d.action})` : `escalated (${d.action} to ${d.department})`)
  }
  if (e.department !== undefined && (d.department ?? null) !== e.department) bad.push(`department ${d.department ?? 'none'}, expected ${e.department ?? 'none'}`)
  if (e.priority !== undefined && (d.priority ?? null) !== e.priority) bad.push(`priority ${d.priority ?? 'none'}, expected ${e.priority ?? 'none'}`)
  for (const t of asList(e.tags)) if (!d.tags.includes(t)) bad.push(`missing tag ${t}`)
  for (const t of asList(e.not_tags)) if (d.tags.includes(t)) bad.push(`unexpected tag ${t}`)
  for (const r of asList(e.rules)) if (!d.rules.includes(r)) bad.push(`rule ${r} did not fire`)
  if (e.reply_contains !== undefined && !(d.reply ?? '').includes(e.reply_contains)) bad.push(`reply does not contain "${e.reply_contains}"`)
  return bad
}

export interface CaseResult { case: RuleCase; decision: Decision; problems: string[]; pass: boolean }

export function runCases(rules: Rules, cases: RuleCase[]): CaseResult[] {
  return cases.map((c) => {
    const decision = evaluate(rules, c.ctx)
    const problems = checkCase(decision, c.expect)
    return { case: c, decision, problems, pass: problems.length === 0 }
  })
}

