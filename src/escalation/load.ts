/** YAML text → Rules, or a RulesError whose problems carry line, column, rule id and what is wrong. */
import * as v from 'valibot'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml'
import { compileRules, type Path, type Rules } from './compile.ts'
import { didYouMean } from './format.ts'
import {
  ACTION_FIELDS, AskLlmSchema, CONDITION_FIELDS, ClosureSchema, DepartmentSchema, FIELD_HINTS, PrioritySchema, RuleSchema,
  RulesFileSchema, SettingsSchema, StoreSchema, TagSchema, type RawRule, type RawRulesFile,
} from './schema.ts'
import { RulesError, type RuleProblem } from './types.ts'

/** The file without its rules (each rule is validated on its own). */
const TopSchema = v.strictObject({ ...RulesFileSchema.entries, rules: v.array(v.unknown()) })

const MAX_PROBLEMS = 25

/** Parses and compiles a rules file; throws RulesError listing every problem found. */
export function loadRules(text: string, source?: string): Rules {
  const r = tryLoadRules(text, source)
  if (!r.ok) throw r.error
  return r.rules
}

export type LoadResult = { ok: true; rules: Rules } | { ok: false; error: RulesError }

export function tryLoadRules(text: string, source?: string): LoadResult {
  const problems: RuleProblem[] = []
  const fail = () => ({ ok: false as const, error: new RulesError(sortProblems(problems), source) })
  try {
    if (typeof text !== 'string') {
      problems.push({ message: 'the rules file must be text', line: 1, column: 1 })
      return fail()
    }
    const lc = new LineCounter()
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
    for (const e of doc.errors.slice(0, MAX_PROBLEMS)) {
      const pos = lc.linePos(e.pos[0])
      problems.push({ message: `YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line: pos.line, column: pos.col })
    }
    if (problems.length > 0) return fail()
    if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
      problems.push({ message: 'the rules file is empty', line: 1, column: 1 })
      return fail()
    }
    const data: unknown = doc.toJS({ maxAliasCount: 50 })
    const at = (path: Path, atKey = false) => locate(doc, lc, path, atKey)
    const ruleIdAt = (path: Path): string | undefined => {
      if (path[0] !== 'rules' || typeof path[1] !== 'number') return undefined
      const rules = (data as { rules?: unknown[] })?.rules
      const id = Array.isArray(rules) ? (rules[path[1]] as { id?: unknown } | undefined)?.id : undefined
      return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined
    }
    const add = (path: Path, message: string, atKey = false) => {
      if (problems.length >= MAX_PROBLEMS) return
      const pos = at(path, atKey)
      problems.push({ message, line: pos.line, column: pos.column, rule: ruleIdAt(path), path: pathString(path) })
    }

    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      add([], `the rules file must be a mapping with store, departments, priorities, tags and rules (got ${describe(data)})`)
      return fail()
    }
    // Rules are checked one by one, so a typo in one rule does not hide the mistakes in the others.
    const rawRules = (data as { rules?: unknown }).rules
    const top = v.safeParse(TopSchema, { ...data, rules: Array.isArray(rawRules) ? [] : rawRules }, { abortEarly: false })
    const report = (issue: v.BaseIssue<unknown>, prefix: Path) => {
      const { path, message, atKey } = describeIssue(issue, prefix)
      add(path, message, atKey)
    }
    if (!top.success) for (const issue of top.issues) report(issue, [])
    const rules: (RawRule | undefined)[] = []
    if (Array.isArray(rawRules)) {
      rawRules.forEach((r, i) => {
        const one = v.safeParse(RuleSchema, r, { abortEarly: false })
        if (one.success) rules.push(one.output)
        else {
          rules.push(undefined)
          for (const issue of one.issues) report(issue, ['rules', i])
        }
      })
    }
    if (!top.success) return dedupe(problems, fail)
    const compiled = compileRules({ ...(top.output as RawRulesFile), rules: rules as RawRule[] }, (p, m, o) => add(p, m, o?.atKey), source)
    if (!compiled || problems.length > 0) return dedupe(problems, fail)
    return { ok: true, rules: compiled }
  } catch (err) {
    // Pathological input (deep nesting, alias bombs) must still come back as a readable error.
    problems.push({ message: `could not read the rules file: ${(err as Error)?.message ?? String(err)}`, line: 1, column: 1 })
    return fail()
  }
}

function dedupe(problems: RuleProblem[], fail: () => LoadResult): LoadResult {
  const seen = new Set<string>()
  for (let i = problems.length - 1; i >= 0; i--) {
    const k = `${problems[i].line}:${problems[i].column}:${problems[i].message}`
    if (seen.has(k)) problems.splice(i, 1)
    else seen.add(k)
  }
  return fail()
}

function sortProblems(p: RuleProblem[]): RuleProblem[] {
  return [...p].sort((a, b) => a.line - b.line || a.column - b.column)
}

export function pathString(path: Path): string {
  let s = ''
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s ? `.${k}` : k
  return s
}

/** Line and column (1-based) of the value at `path`, or of its key; falls back to the nearest existing parent. */
function locate(doc: Document, lc: LineCounter, path: Path, atKey: boolean): { line: number; column: number } {
  let node: unknown = doc.contents
  let best: YamlNode | undefined = doc.contents as YamlNode | undefined
  for (let i = 0; i < path.length; i++) {
    const k = path[i]
    const last = i === path.length - 1
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(k))
      if (!pair) break
      if (last && atKey && pair.key) { best = pair.key as YamlNode; break }
      node = pair.value
      best = (pair.value as YamlNode | null) ?? (pair.key as YamlNode)
    } else if (isSeq(node) && typeof k === 'number') {
      const item = node.items[k]
      if (!item) break
      node = item
      best = item as YamlNode
    } else break
  }
  const offset = best?.range?.[0] ?? 0
  const pos = lc.linePos(offset)
  return { line: pos.line, column: pos.col }
}

type Context = 'top' | 'rule' | 'condition' | 'action' | 'ask_llm' | 'tag' | 'department' | 'closure' | 'priority' | 'store' | 'settings' | 'other'

const FIELDS: Partial<Record<Context, readonly string[]>> = {
  top: Object.keys(RulesFileSchema.entries),
  rule: Object.keys(RuleSchema.entries),
  condition: CONDITION_FIELDS,
  action: ACTION_FIELDS,
  ask_llm: Object.keys(AskLlmSchema.entries),
  tag: Object.keys(TagSchema.entries),
  department: Object.keys(DepartmentSchema.entries),
  closure: Object.keys(ClosureSchema.entries),
  priority: Object.keys(PrioritySchema.entries),
  store: Object.keys(StoreSchema.entries),
  settings: Object.keys(SettingsSchema.entries),
}

/** What kind of mapping the path points into, to name the allowed fields. */
function contextOf(path: Path): Context {
  let c: Context = 'top'
  for (let i = 0; i < path.length; i++) {
    const k = path[i]
    switch (c) {
      case 'top':
        if (k === 'rules') { c = 'rule'; i++ } // skip the index
        else if (k === 'tags') { c = 'tag'; i++ }
        else if (k === 'departments') { c = 'department'; i++ }
        else if (k === 'closures') { c = 'closure'; i++ }
        else if (k === 'priorities') { c = 'priority'; i++ }
        else if (k === 'store') c = 'store'
        else if (k === 'settings') c = 'settings'
        else c = 'other'
        break
      case 'rule':
        c = k === 'when' ? 'condition' : k === 'then' ? 'action' : 'other'
        break
      case 'condition':
        if (k === 'all' || k === 'any') i++
        else if (k !== 'not') c = 'other'
        break
      case 'action':
        c = k === 'ask_llm' ? 'ask_llm' : 'other'
        break
      case 'tag':
        c = k === 'unless' ? 'condition' : 'other'
        break
      default:
        c = 'other'
    }
  }
  return c
}

const LABELS: Partial<Record<Context, string>> = {
  condition: 'condition', action: 'action', top: 'section', rule: 'rule field', tag: 'tag field', department: 'department field',
  closure: 'closure field', priority: 'priority field', store: 'store field', settings: 'setting', ask_llm: 'ask_llm field',
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing'
  if (x === null) return 'an empty value'
  if (Array.isArray(x)) return 'a list'
  if (typeof x === 'object') return 'a mapping'
  const s = String(x)
  return `${typeof x === 'string' ? `'${s.length > 40 ? s.slice(0, 40) + '…' : s}'` : s}`
}

/** Value-level problems say more than "wrong type"; base type mismatches from a union's other branch say less. */
const TYPE_CHECKS = new Set(['string', 'number', 'boolean', 'array', 'object', 'strict_object', 'literal', 'date', 'union'])

/** For a union (one-or-many, number-or-range), the branch problem that best explains the mistake. */
function narrow(issue: v.BaseIssue<unknown>, path: Path): { issue: v.BaseIssue<unknown>; path: Path } {
  let cur = issue
  let p = path
  while (cur.type === 'union' && cur.issues?.length) {
    let best: v.BaseIssue<unknown> | undefined
    let bestScore = 0
    for (const sub of cur.issues) {
      const score = (sub.path?.length ?? 0) * 10 + (TYPE_CHECKS.has(sub.type) ? 0 : 1)
      if (score > bestScore) { best = sub; bestScore = score }
    }
    if (!best) break
    p = [...p, ...(best.path ?? []).map((x) => (typeof x.key === 'number' ? x.key : String(x.key)))]
    cur = best
  }
  return { issue: cur, path: p }
}

function describeIssue(original: v.BaseIssue<unknown>, prefix: Path): { path: Path; message: string; atKey: boolean } {
  const { issue, path } = narrow(original, [...prefix, ...(original.path ?? []).map((p) => (typeof p.key === 'number' ? p.key : String(p.key)))])
  const lastItem = issue === original ? issue.path?.[issue.path.length - 1] : undefined
  const key = path.length ? String(path[path.length - 1]) : ''
  const parent = path.slice(0, -1)
  if (lastItem?.origin === 'key' && (issue.type === 'strict_object' || issue.type === 'object')) {
    const ctx = contextOf(parent)
    const allowed = FIELDS[ctx] ?? []
    if (issue.expected === 'never') {
      const label = LABELS[ctx] ?? 'field'
      return {
        path, atKey: true,
        message: `unknown ${label} '${key}'${didYouMean(key, allowed)}; expected one of: ${allowed.join(', ')}`,
      }
    }
    return { path: parent, atKey: false, message: `missing '${key}'${FIELD_HINTS[key] ? ` (${FIELD_HINTS[key]})` : ''}` }
  }
  if (lastItem?.origin === 'key') {
    // A record key (department or tag id) that is not a valid id, or an unknown entity kind.
    if (parent[parent.length - 1] === 'entity_patterns') {
      return { path, atKey: true, message: `unknown entity '${key}'; expected one of: ${FIELD_HINTS.entity}` }
    }
    return { path, atKey: true, message: `'${key}' is not a valid id (use lowercase letters, digits, - and _)` }
  }
  // The value's own field name (skip list indexes: keywords[2] → keywords).
  const field = [...path].reverse().find((k) => typeof k === 'string') ?? ''
  const hint = FIELD_HINTS[field as string]
  const got = describe(issue.input)
  if (issue.type === 'picklist' && typeof issue.input === 'string') {
    const options = (issue.expected ?? '').split(' | ').map((o) => o.replace(/[()"]/g, '').trim())
    return { path, atKey: false, message: `'${issue.input}' is not valid for ${field}${didYouMean(issue.input, options)}; expected ${hint ?? issue.expected}` }
  }
  if (issue.type === 'min_length') {
    return { path, atKey: false, message: `'${field}' must not be empty${hint ? ` (expected ${hint})` : ''}` }
  }
  if (issue.type === 'regex' && field === 'id') return { path, atKey: false, message: `${got} is not a valid id (use lowercase letters, digits, - and _)` }
  return { path, atKey: false, message: `'${field}' must be ${hint ?? issue.expected ?? 'valid'} (got ${got})` }
}
