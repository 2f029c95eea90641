/**
 * evaluate(rules, ctx) → Decision. Pure and synchronous: the time comes from ctx.now, LLM answers from options.
 *
 * Semantics (also in docs/rules.md): topic tags are detected first. Rules then run top to bottom; every rule whose
 * `when` matches fires and adds its tags (visible to later rules). The first rule that hands off decides the
 * department; `suggest_handoff` counts only when no rule hands off. The highest-ranked priority named by any
 * fired rule wins (the lowest one is the default for a handoff). `stop` ends the run after its rule.
 */
import type { CompiledRule, Rules } from './compile.ts'
import { humanDuration, type Template } from './format.ts'
import { ENTITY_LABELS } from './detectors.ts'
import { describeWeek, formatOpening, nextOpening } from './hours.ts'
import { Scan, type MatchRec } from './scan.ts'
import type { Decision, EntityKind, EvaluateOptions, LlmAsk, TraceEntry, TriageContext } from './types.ts'

const SIGNAL_WORDS: Record<string, string> = {
  human_request: 'asked for a person',
  purchase_intent: 'ready to buy',
  safety_risk: 'safety risk',
  frustration: 'frustration',
  repeated_question: 'repeated question',
}

/** "fault code P0301", "\"won't start\"", "frustration (high)". */
export function describeMatch(m: MatchRec | undefined): string {
  if (!m) return 'matched'
  const quoted = m.text ? `"${m.text.length > 60 ? m.text.slice(0, 57) + '…' : m.text}"` : ''
  if (m.condition.startsWith('entity:')) return `${ENTITY_LABELS[m.condition.slice(7) as EntityKind]} ${m.detail ?? m.text}`
  if (m.condition.startsWith('signal:')) {
    const name = m.condition.slice(7)
    const lvl = name === 'frustration' && m.detail ? ` (${m.detail})` : ''
    return `${SIGNAL_WORDS[name] ?? name}${lvl}${quoted ? ' ' + quoted : ''}`
  }
  if (m.condition.startsWith('tag:')) return `${m.condition.slice(4)}${quoted ? ' ' + quoted : ''}`
  if (m.condition.startsWith('outside_hours:')) return m.detail ?? 'outside hours'
  if (m.condition === 'low_confidence') return `low answer confidence (${m.detail})`
  if (m.condition === 'messages') return `${m.detail} rider messages`
  if (m.condition === 'turn') return `turn ${m.detail}`
  return quoted || m.condition
}

function toTrace(rule: string, m: MatchRec, source: TraceEntry['source']): TraceEntry {
  const e: TraceEntry = { rule, step: 'match', condition: m.condition, source }
  if (m.text !== undefined) e.text = m.text
  if (m.start !== undefined) { e.start = m.start; e.end = m.end }
  if (m.detail !== undefined) e.detail = m.detail
  return e
}

/** The pieces of a Decision that placeholders can refer to. */
interface Fill {
  rules: Rules
  scan: Scan
  department?: string
  priority?: string
  match: string
}

function placeholder(name: string, f: Fill): string {
  const { rules, scan } = f
  const now = scan.ctx.now
  const dept = f.department ? rules.departments[f.department] : undefined
  const prio = f.priority ? rules.compiled.priorities.get(f.priority) : undefined
  const opening = () => {
    if (dept) return nextOpening(dept, now, scan.local(dept.timezone))
    let best: Date | undefined
    for (const d of Object.values(rules.departments)) {
      const at = nextOpening(d, now, scan.local(d.timezone))
      if (at && (!best || at < best)) best = at
    }
    return best
  }
  switch (name) {
    case 'department': return dept?.label ?? 'our team'
    case 'next_open': return formatOpening(opening(), now, rules.store.timezone)
    case 'response_time': return prio ? humanDuration(prio.firstResponseMinutes) : 'shortly'
    case 'eta': {
      const at = opening()
      const openNow = at !== undefined && at.getTime() <= now.getTime()
      if (prio && (openNow || prio.hours === 'always')) return `within ${humanDuration(prio.firstResponseMinutes)}`
      if (openNow) return 'shortly'
      return `after we open ${formatOpening(at, now, rules.store.timezone)}`
    }
    case 'priority': return prio?.label ?? ''
    case 'store': return rules.store.name
    case 'store_phone': return rules.store.phone ?? ''
    case 'hours': return dept ? describeWeek(dept) : ''
    case 'match': return f.match
    default: return scan.entities(name as EntityKind)[0]?.text ?? ''
  }
}

function fill(t: Template, f: Fill): string {
  let s = ''
  for (const part of t) s += typeof part === 'string' ? part : placeholder(part.name, f)
  return s
}

export function evaluate(rules: Rules, ctx: TriageContext, opts: EvaluateOptions = {}): Decision {
  if (!(ctx.now instanceof Date) || Number.isNaN(ctx.now.getTime())) throw new TypeError('evaluate: ctx.now must be a valid Date')
  const c = rules.compiled
  const scan = new Scan(ctx, c.phrases, c.signals, c.extra, rules.settings.scanChars, rules.settings.regexScanChars)
  const trace: TraceEntry[] = []
  if (scan.truncated) trace.push({ rule: '*', step: 'truncated', source: 'rules', detail: `only the first ${rules.settings.scanChars} characters were scanned` })

  const tags: string[] = []
  const addTag = (id: string, ev: MatchRec | undefined) => {
    if (!scan.tags.has(id)) {
      scan.tags.set(id, ev)
      tags.push(id)
    }
  }
  const recs: MatchRec[] = []
  for (const t of c.tags) {
    if (!t.detect) continue
    recs.length = 0
    if (t.detect(scan, recs)) {
      addTag(t.id, recs[0])
      for (const r of recs) trace.push(toTrace(`tag:${t.id}`, r, 'rules'))
    }
  }

  const fired: string[] = []
  const reasons: string[] = []
  let handoffRule: CompiledRule | undefined
  let suggestRule: CompiledRule | undefined
  let bestRank: number | undefined
  let firstReply: { rule: CompiledRule; match: string } | undefined
  const matchOf = new Map<CompiledRule, string>()
  const llm: LlmAsk[] = []

  for (const r of c.rules) {
    const def = r.def
    if (!def.enabled) continue
    recs.length = 0
    if (!r.when(scan, recs)) {
      if (opts.fullTrace) trace.push({ rule: def.id, step: 'no_match', source: 'rules' })
      continue
    }
    let source: TraceEntry['source'] = 'rules'
    if (def.askLlm) {
      const given = opts.llmAnswers?.[def.id]
      const answer = given ? given.answer : def.askLlm.fallback
      source = given ? 'llm' : 'fallback'
      const known = given?.tags?.filter((id) => c.tags.some((t) => t.id === id)) ?? []
      llm.push({ rule: def.id, question: def.askLlm.question, fallback: def.askLlm.fallback, answer, source, ...(known.length ? { tags: known } : {}) })
      for (const m of recs) trace.push(toTrace(def.id, m, 'rules'))
      trace.push({
        rule: def.id, step: 'llm', source, condition: 'ask_llm', detail: `${answer ? 'yes' : 'no'}${source === 'fallback' ? ' (fallback)' : ''}${given?.reason ? ': ' + given.reason : ''}`,
      })
      // Tags the LLM suggests stay in d.llm: rule conditions never see them, so rider text cannot steer routing.
      if (!answer) continue
    } else {
      for (const m of recs) trace.push(toTrace(def.id, m, 'rules'))
    }
    fired.push(def.id)
    const first = describeMatch(recs[0])
    const second = recs.length > 1 && recs[1].text !== recs[0].text ? describeMatch(recs[1]) : first
    const match = second !== first ? `${first} + ${second}` : first
    matchOf.set(r, match)
    for (const id of def.tags) addTag(id, { condition: `rule:${def.id}` })
    if (def.handoff && !handoffRule) handoffRule = r
    if (def.suggestHandoff && !suggestRule) suggestRule = r
    if (r.priorityRank !== undefined && (bestRank === undefined || r.priorityRank < bestRank)) bestRank = r.priorityRank
    if (r.reply && !firstReply) firstReply = { rule: r, match }
    const reason = r.reason
      ? fill(r.reason, { rules, scan, department: def.handoff ?? def.suggestHandoff, priority: def.priority, match })
      : match + r.outcome
    reasons.push(reason)
    trace.push({ rule: def.id, step: 'fired', source, detail: reason })
    if (def.stop) {
      trace.push({ rule: def.id, step: 'stop', source })
      break
    }
  }

  const decisive = handoffRule ?? suggestRule
  const action: Decision['action'] = handoffRule ? 'handoff' : suggestRule ? 'suggest_handoff' : 'answer'
  const department = decisive ? (decisive.def.handoff ?? decisive.def.suggestHandoff) : undefined
  let rank = bestRank
  if (rank === undefined && action !== 'answer') rank = rules.priorities.length - 1
  const priority = rank !== undefined ? rules.priorities[rank]?.id : undefined

  const decision: Decision = { action, tags, rules: fired, reasons, trace }
  if (department) decision.department = department
  if (priority !== undefined) {
    decision.priority = priority
    decision.priorityRank = rank
  }
  const replyFrom = decisive?.reply ? { rule: decisive, match: matchOf.get(decisive) ?? '' } : firstReply
  if (replyFrom?.rule.reply) decision.reply = fill(replyFrom.rule.reply, { rules, scan, department, priority, match: replyFrom.match })
  if (llm.length) decision.llm = llm
  return decision
}

/** True when the decision involves a person: a handoff now or an offered one. */
export const escalates = (d: Decision) => d.action !== 'answer'
