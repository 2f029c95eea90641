/**
 * Turns a validated rules file into closures, once: keywords go into one phrase index, regexes are checked and
 * compiled, references are resolved. Problems are reported with the path of the offending value.
 */
import type { ExtraPatterns } from './detectors.ts'
import { buildDepartments, isTimeZone, type Department } from './hours.ts'
import { PhraseIndex } from './phrases.ts'
import { regexProblem } from './regex-safety.ts'
import { SIGNAL_BITS, type Scan, type MatchRec, type SignalPhrases } from './scan.ts'
import type { RawCondition, RawRulesFile, RawTag } from './schema.ts'
import { BOT_QUESTION, FRUSTRATION, HUMAN_REQUEST, levelRank, PURCHASE_INTENT, REPEAT_PHRASES, SAFETY_RISK } from './signals.ts'
import { compileTemplate, didYouMean, parseDuration, type Template } from './format.ts'
import type { EntityKind, FrustrationLevel, SignalName } from './types.ts'

export type Path = (string | number)[]
export type Report = (path: Path, message: string, opts?: { atKey?: boolean }) => void

/** A condition compiled to a test; it appends its evidence to `out` when true. */
export type CondFn = (s: Scan, out: MatchRec[]) => boolean

export interface PriorityDef {
  id: string
  label: string
  /** 0 = highest. */
  rank: number
  firstResponseMinutes: number
  hours: 'always' | 'department'
  description?: string
}

export interface TagDef { id: string; description: string }

export interface RuleDef {
  id: string
  description?: string
  enabled: boolean
  handoff?: string
  suggestHandoff?: string
  priority?: string
  tags: string[]
  reply?: string
  askLlm?: { question: string; fallback: boolean }
  stop: boolean
}

export interface CompiledRule {
  def: RuleDef
  when: CondFn
  /** " → service, stranded-rider": the fixed part of the generated reason. */
  outcome: string
  reply?: Template
  reason?: Template
  priorityRank?: number
}

export interface CompiledTag { id: string; detect?: CondFn }

export interface Settings { llmBudgetMs: number; regexScanChars: number; scanChars: number }

export interface Rules {
  store: { name: string; timezone: string; phone?: string }
  /** In file order. */
  departments: Record<string, Department>
  /** Highest first. */
  priorities: PriorityDef[]
  tags: TagDef[]
  rules: RuleDef[]
  settings: Settings
  /** Where the rules came from (a path), for messages. */
  source?: string
  /** @internal precompiled matchers used by evaluate(). */
  readonly compiled: {
    phrases: PhraseIndex
    signals: SignalPhrases
    extra: ExtraPatterns
    tags: CompiledTag[]
    rules: CompiledRule[]
    priorities: Map<string, PriorityDef>
  }
}

/** Regexes see the first 1,000 characters: an accepted pattern is at worst quadratic, a few ms there. */
export const DEFAULT_SETTINGS: Settings = { llmBudgetMs: 2500, regexScanChars: 1000, scanChars: 20_000 }

const asList = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x])

interface Ctx {
  report: Report
  phrases: PhraseIndex
  departments: Record<string, Department>
  tagIds: string[]
  regexFlags: string
}

function refCheck(ctx: Ctx, kind: 'department' | 'tag', id: string, path: Path): boolean {
  const known = kind === 'department' ? Object.keys(ctx.departments) : ctx.tagIds
  if (known.includes(id)) return true
  ctx.report(path, `unknown ${kind} '${id}'${didYouMean(id, known)}; ${kind === 'department' ? 'departments' : 'tags'} defined: ${known.join(', ') || 'none'}`)
  return false
}

function compileKeywords(ctx: Ctx, list: string[], path: Path): CondFn {
  const ids: number[] = []
  list.forEach((k, i) => {
    const r = ctx.phrases.add(k)
    if (typeof r === 'string') ctx.report(Array.isArray(list) && list.length > 1 ? [...path, i] : path, r)
    else ids.push(r)
  })
  // The phrase index resolves the whole list during its single scan; this test is a lookup.
  const g = ctx.phrases.group(ids)
  return (s, out) => {
    const id = s.phrases.groupHit(g)
    if (id < 0) return false
    const start = s.phrases.start(id)
    const end = s.phrases.end(id)
    out.push({ condition: 'keywords', text: s.text.slice(start, end), start, end })
    return true
  }
}

export function compileRegexes(ctx: { report: Report; regexFlags: string }, list: string[], path: Path): RegExp[] {
  const res: RegExp[] = []
  list.forEach((p, i) => {
    const problem = regexProblem(p)
    if (problem) ctx.report(list.length > 1 ? [...path, i] : path, `${problem} in /${p}/`)
    else res.push(new RegExp(p, ctx.regexFlags))
  })
  return res
}

function regexFn(res: RegExp[]): CondFn {
  return (s, out) => {
    for (const re of res) {
      const m = re.exec(s.regexText)
      if (m) {
        out.push({ condition: 'regex', text: m[0], start: m.index, end: m.index + m[0].length, detail: re.source })
        return true
      }
    }
    return false
  }
}

function entityFn(kinds: EntityKind[]): CondFn {
  return (s, out) => {
    for (const k of kinds) {
      const e = s.entities(k)[0]
      if (e) {
        out.push({ condition: `entity:${k}`, text: e.text, start: e.start, end: e.end, detail: e.value })
        return true
      }
    }
    return false
  }
}

function signalFn(names: SignalName[]): CondFn {
  return (s, out) => {
    for (const n of names) {
      const r = s.signal(n)
      if (r.on) {
        const sp = r.spans[0]
        out.push({ condition: `signal:${n}`, ...(sp ?? {}), detail: r.level ?? (r.score !== undefined ? String(r.score) : undefined) })
        return true
      }
    }
    return false
  }
}

function countFn(name: 'messages' | 'turn', spec: number | { min?: number; max?: number }): CondFn {
  const min = typeof spec === 'number' ? spec : (spec.min ?? 0)
  const max = typeof spec === 'number' ? Infinity : (spec.max ?? Infinity)
  return (s, out) => {
    const n = name === 'messages' ? s.customerMessages() : s.turn()
    if (n < min || n > max) return false
    out.push({ condition: name, detail: String(n) })
    return true
  }
}

/** Cheap tests first so an `all` fails fast; the order of keys in the file does not change the meaning. */
const COST_ORDER: (keyof RawCondition)[] = [
  'tag', 'keywords', 'messages', 'turn', 'low_confidence', 'signal', 'frustration', 'entity', 'outside_hours', 'regex', 'all', 'any', 'not',
]

export function compileCondition(ctx: Ctx, raw: RawCondition, path: Path): CondFn {
  const tests: CondFn[] = []
  for (const key of COST_ORDER) {
    const value = raw[key]
    if (value === undefined) continue
    const p = [...path, key]
    switch (key) {
      case 'keywords': tests.push(compileKeywords(ctx, asList(raw.keywords), p)); break
      case 'regex': tests.push(regexFn(compileRegexes(ctx, asList(raw.regex), p))); break
      case 'entity': tests.push(entityFn(asList(raw.entity) as EntityKind[])); break
      case 'signal': tests.push(signalFn(asList(raw.signal) as SignalName[])); break
      case 'tag': {
        const ids = asList(raw.tag)
        ids.forEach((id, i) => refCheck(ctx, 'tag', id, ids.length > 1 && Array.isArray(raw.tag) ? [...p, i] : p))
        tests.push((s, out) => {
          for (const id of ids) {
            if (s.tags.has(id)) {
              const ev = s.tags.get(id)
              out.push({ ...(ev ?? {}), condition: `tag:${id}` })
              return true
            }
          }
          return false
        })
        break
      }
      case 'frustration': {
        const want = levelRank(raw.frustration as FrustrationLevel)
        tests.push((s, out) => {
          const r = s.signal('frustration')
          if (!r.level || levelRank(r.level) < want) return false
          out.push({ condition: 'signal:frustration', ...(r.spans[0] ?? {}), detail: r.level })
          return true
        })
        break
      }
      case 'messages':
      case 'turn': tests.push(countFn(key, raw[key]!)); break
      case 'low_confidence': {
        const t = raw.low_confidence!
        tests.push((s, out) => {
          const c = s.ctx.answerConfidence
          if (c === undefined || c === null || !(c < t)) return false
          out.push({ condition: 'low_confidence', detail: String(c) })
          return true
        })
        break
      }
      case 'outside_hours': {
        const id = raw.outside_hours!
        if (!refCheck(ctx, 'department', id, p)) {
          tests.push(() => false)
          break
        }
        const dept = ctx.departments[id]
        tests.push((s, out) => {
          if (s.isOpen(dept)) return false
          out.push({ condition: `outside_hours:${id}`, detail: `${dept.label} closed` })
          return true
        })
        break
      }
      case 'all': {
        const subs = raw.all!.map((c, i) => compileCondition(ctx, c, [...p, i]))
        tests.push((s, out) => {
          for (const f of subs) if (!f(s, out)) return false
          return true
        })
        break
      }
      case 'any': {
        const subs = raw.any!.map((c, i) => compileCondition(ctx, c, [...p, i]))
        tests.push((s, out) => {
          for (const f of subs) {
            const mark = out.length
            if (f(s, out)) return true
            out.length = mark
          }
          return false
        })
        break
      }
      case 'not': {
        const sub = compileCondition(ctx, raw.not!, p)
        tests.push((s) => !sub(s, []))
        break
      }
    }
  }
  if (tests.length === 0) {
    ctx.report(path, 'a condition needs at least one test, such as keywords, entity, tag or signal')
    return () => false
  }
  if (tests.length === 1) return tests[0]
  return (s, out) => {
    const mark = out.length
    for (const f of tests) {
      if (!f(s, out)) {
        out.length = mark
        return false
      }
    }
    return true
  }
}

function compileTag(ctx: Ctx, tag: RawTag, path: Path): CondFn | undefined {
  const any: CondFn[] = []
  if (tag.keywords !== undefined) any.push(compileKeywords(ctx, asList(tag.keywords), [...path, 'keywords']))
  if (tag.regex !== undefined) any.push(regexFn(compileRegexes(ctx, asList(tag.regex), [...path, 'regex'])))
  if (tag.entity !== undefined) any.push(entityFn(asList(tag.entity) as EntityKind[]))
  if (tag.signal !== undefined) any.push(signalFn(asList(tag.signal) as SignalName[]))
  if (any.length === 0) return undefined
  const unless = tag.unless ? compileCondition(ctx, tag.unless, [...path, 'unless']) : undefined
  return (s, out) => {
    let hit = false
    for (const f of any) if (f(s, out)) { hit = true; break }
    return hit && !(unless && unless(s, []))
  }
}

function truthy(v: boolean | string): boolean {
  return v === true || v === 'yes' || v === 'true'
}

/** Compiles a schema-valid rules file; returns undefined after reporting if anything is wrong. */
export function compileRules(raw: RawRulesFile, report: Report, source?: string): Rules | undefined {
  let failed = false
  const rep: Report = (p, m, o) => {
    failed = true
    report(p, m, o)
  }
  const tz = raw.store.timezone
  if (!isTimeZone(tz)) rep(['store', 'timezone'], `unknown time zone '${tz}' (use an IANA name such as America/Chicago)`)
  const departments = buildDepartments(raw, isTimeZone(tz) ? tz : 'UTC', rep)
  if (Object.keys(departments).length === 0) rep(['departments'], 'define at least one department')

  const priorities: PriorityDef[] = []
  const priorityById = new Map<string, PriorityDef>()
  raw.priorities.forEach((p, i) => {
    const d = parseDuration(p.first_response)
    if (typeof d === 'string') rep(['priorities', i, 'first_response'], d)
    if (priorityById.has(p.id)) rep(['priorities', i, 'id'], `duplicate priority id '${p.id}'`)
    const def: PriorityDef = {
      id: p.id, label: p.label ?? p.id, rank: i, firstResponseMinutes: typeof d === 'number' ? d : 60,
      hours: p.hours ?? 'department', description: p.description,
    }
    priorities.push(def)
    priorityById.set(p.id, def)
  })

  const settings: Settings = {
    llmBudgetMs: raw.settings?.llm_budget_ms ?? DEFAULT_SETTINGS.llmBudgetMs,
    regexScanChars: raw.settings?.regex_scan_chars ?? DEFAULT_SETTINGS.regexScanChars,
    scanChars: raw.settings?.scan_chars ?? DEFAULT_SETTINGS.scanChars,
  }
  const phrases = new PhraseIndex()
  const tagIds = Object.keys(raw.tags ?? {})
  const ctx: Ctx = { report: rep, phrases, departments, tagIds, regexFlags: 'i' }

  // Built-in signal lexicons share the phrase index; each phrase carries a bit per signal it belongs to.
  const lexicon: [string, number, number][] = [
    ...HUMAN_REQUEST.map((k): [string, number, number] => [k, SIGNAL_BITS.human_request, 0]),
    ...PURCHASE_INTENT.map((k): [string, number, number] => [k, SIGNAL_BITS.purchase_intent, 0]),
    ...SAFETY_RISK.map((k): [string, number, number] => [k, SIGNAL_BITS.safety_risk, 0]),
    ...FRUSTRATION.map(([k, w]): [string, number, number] => [k, SIGNAL_BITS.frustration, w]),
    ...REPEAT_PHRASES.map((k): [string, number, number] => [k, SIGNAL_BITS.repeat, 0]),
    ...BOT_QUESTION.map((k): [string, number, number] => [k, SIGNAL_BITS.botQuestion, 0]),
  ]
  const lexiconIds = lexicon.map(([k]) => phrases.add(k) as number)

  const extra: ExtraPatterns = {}
  for (const [kind, pats] of Object.entries(raw.entity_patterns ?? {})) {
    const list = asList(pats as string | string[])
    extra[kind as EntityKind] = compileRegexes({ report: rep, regexFlags: 'gi' }, list, ['entity_patterns', kind])
  }

  const tags: TagDef[] = []
  const ctags: CompiledTag[] = []
  for (const [id, t] of Object.entries(raw.tags ?? {})) {
    tags.push({ id, description: t.description })
    ctags.push({ id, detect: compileTag(ctx, t, ['tags', id]) })
  }

  const rules: RuleDef[] = []
  const crules: CompiledRule[] = []
  const firstIndex = new Map<string, number>()
  raw.rules.forEach((r, i) => {
    if (!r) return // already reported by the schema check
    const p: Path = ['rules', i]
    if (!/^[A-Za-z0-9][\w.-]*$/.test(r.id)) rep([...p, 'id'], `rule id '${r.id}' may only use letters, digits, '.', '-' and '_'`)
    const prev = firstIndex.get(r.id)
    if (prev !== undefined) rep([...p, 'id'], `duplicate rule id '${r.id}' (also used by rule #${prev + 1})`)
    else firstIndex.set(r.id, i)
    const when = compileCondition(ctx, r.when, [...p, 'when'])
    const t = r.then
    const tp = [...p, 'then']
    if (t.handoff !== undefined && t.suggest_handoff !== undefined) rep(tp, 'use either handoff or suggest_handoff, not both')
    if (t.handoff !== undefined) refCheck(ctx, 'department', t.handoff, [...tp, 'handoff'])
    if (t.suggest_handoff !== undefined) refCheck(ctx, 'department', t.suggest_handoff, [...tp, 'suggest_handoff'])
    if (t.priority !== undefined && !priorityById.has(t.priority)) {
      const ids = [...priorityById.keys()]
      rep([...tp, 'priority'], `unknown priority '${t.priority}'${didYouMean(t.priority, ids)}; priorities defined: ${ids.join(', ')}`)
    }
    const addTags = asList(t.tag)
    addTags.forEach((id, j) => refCheck(ctx, 'tag', id, Array.isArray(t.tag) ? [...tp, 'tag', j] : [...tp, 'tag']))
    const acts = ['handoff', 'suggest_handoff', 'priority', 'tag', 'reply', 'ask_llm', 'stop'] as const
    if (!acts.some((a) => t[a] !== undefined && !(a === 'stop' && t.stop === false)) && t.ask_llm === undefined) {
      rep(tp, 'a rule needs at least one action: handoff, suggest_handoff, priority, tag, reply, ask_llm or stop')
    }
    const def: RuleDef = {
      id: r.id,
      description: r.description,
      enabled: r.enabled !== false,
      handoff: t.handoff,
      suggestHandoff: t.suggest_handoff,
      priority: t.priority,
      tags: addTags,
      reply: t.reply,
      askLlm: t.ask_llm ? { question: t.ask_llm.question, fallback: truthy(t.ask_llm.fallback) } : undefined,
      stop: t.stop === true,
    }
    rules.push(def)
    const target = def.handoff ?? def.suggestHandoff
    const outcome = [target && `${def.suggestHandoff ? 'offer ' : ''}${target}`, def.priority, def.tags.length && !target ? `tag ${def.tags.join(', ')}` : '']
      .filter(Boolean).join(', ')
    crules.push({
      def,
      when,
      outcome: outcome ? ` → ${outcome}` : '',
      reply: t.reply !== undefined ? compileTemplate(t.reply, [...tp, 'reply'], rep) : undefined,
      reason: r.reason !== undefined ? compileTemplate(r.reason, [...p, 'reason'], rep) : undefined,
      priorityRank: t.priority !== undefined ? priorityById.get(t.priority)?.rank : undefined,
    })
  })

  if (failed) return undefined
  const signals: SignalPhrases = { mask: new Uint8Array(phrases.size), weight: new Uint8Array(phrases.size) }
  lexicon.forEach(([, bit, w], i) => {
    signals.mask[lexiconIds[i]] |= bit
    if (w) signals.weight[lexiconIds[i]] = w
  })
  return {
    store: { name: raw.store.name, timezone: tz, phone: raw.store.phone },
    departments,
    priorities,
    tags,
    rules,
    settings,
    source,
    compiled: { phrases, signals, extra, tags: ctags, rules: crules, priorities: priorityById },
  }
}
