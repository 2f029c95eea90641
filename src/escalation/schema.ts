/** The shape of rules/escalation.yaml, as valibot schemas. Cross-references and regexes are checked in load.ts. */
import * as v from 'valibot'
import { ENTITY_KINDS, SIGNAL_NAMES } from './types.ts'

const text = v.pipe(v.string(), v.trim(), v.minLength(1))
const oneOrMany = <T extends v.GenericSchema<string>>(s: T) => v.union([s, v.pipe(v.array(s), v.minLength(1))])
const count = v.pipe(v.number(), v.integer(), v.minValue(0))

export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/
const id = v.pipe(v.string(), v.trim(), v.regex(ID_PATTERN))

/** How many (messages, turns): a number means "at least". */
const CountSchema = v.union([count, v.strictObject({ min: v.optional(count), max: v.optional(count) })])

export interface RawCondition {
  keywords?: string | string[]
  regex?: string | string[]
  entity?: string | string[]
  tag?: string | string[]
  signal?: string | string[]
  frustration?: 'low' | 'medium' | 'high'
  messages?: number | { min?: number; max?: number }
  turn?: number | { min?: number; max?: number }
  outside_hours?: string
  low_confidence?: number
  all?: RawCondition[]
  any?: RawCondition[]
  not?: RawCondition
}

export const CONDITION_FIELDS = [
  'keywords', 'regex', 'entity', 'tag', 'signal', 'frustration', 'messages', 'turn', 'outside_hours', 'low_confidence', 'all', 'any', 'not',
] as const

export const ConditionSchema: v.GenericSchema<RawCondition> = v.lazy(() =>
  v.strictObject({
    keywords: v.optional(oneOrMany(text)),
    regex: v.optional(oneOrMany(text)),
    entity: v.optional(oneOrMany(v.picklist(ENTITY_KINDS))),
    tag: v.optional(oneOrMany(text)),
    signal: v.optional(oneOrMany(v.picklist(SIGNAL_NAMES))),
    frustration: v.optional(v.picklist(['low', 'medium', 'high'])),
    messages: v.optional(CountSchema),
    turn: v.optional(CountSchema),
    outside_hours: v.optional(text),
    low_confidence: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    all: v.optional(v.pipe(v.array(ConditionSchema), v.minLength(1))),
    any: v.optional(v.pipe(v.array(ConditionSchema), v.minLength(1))),
    not: v.optional(ConditionSchema),
  }),
)

const yesNo = v.union([v.boolean(), v.picklist(['yes', 'no', 'true', 'false'])])

export const AskLlmSchema = v.strictObject({
  question: text,
  /** What to assume when Claude is not configured, slow, failing or unclear. */
  fallback: yesNo,
})

export const ActionSchema = v.strictObject({
  handoff: v.optional(text),
  suggest_handoff: v.optional(text),
  priority: v.optional(text),
  tag: v.optional(oneOrMany(text)),
  reply: v.optional(text),
  ask_llm: v.optional(AskLlmSchema),
  stop: v.optional(v.boolean()),
})
export const ACTION_FIELDS = Object.keys(ActionSchema.entries)

export const RuleSchema = v.strictObject({
  id: text,
  description: v.optional(v.string()),
  enabled: v.optional(v.boolean()),
  /** Overrides the generated reason; may use {match}, {department}, {priority}. */
  reason: v.optional(text),
  when: ConditionSchema,
  then: ActionSchema,
})

export const TagSchema = v.strictObject({
  description: text,
  keywords: v.optional(oneOrMany(text)),
  regex: v.optional(oneOrMany(text)),
  entity: v.optional(oneOrMany(v.picklist(ENTITY_KINDS))),
  signal: v.optional(oneOrMany(v.picklist(SIGNAL_NAMES))),
  unless: v.optional(ConditionSchema),
})

export const DepartmentSchema = v.strictObject({
  label: v.optional(text),
  phone: v.optional(text),
  description: v.optional(v.string()),
  hours: v.record(v.string(), oneOrMany(text)),
})

export const ClosureSchema = v.strictObject({
  date: v.pipe(v.string(), v.trim(), v.regex(/^(\d{4}-)?\d{2}-\d{2}$/)),
  name: text,
  departments: v.optional(oneOrMany(text)),
  hours: v.optional(oneOrMany(text)),
})

export const PrioritySchema = v.strictObject({
  id,
  label: v.optional(text),
  description: v.optional(v.string()),
  first_response: text,
  /** `always`: the target runs around the clock (someone is on call); `department` (default): only in opening hours. */
  hours: v.optional(v.picklist(['always', 'department'])),
})

export const StoreSchema = v.strictObject({
  name: text,
  timezone: text,
  phone: v.optional(text),
})

export const SettingsSchema = v.strictObject({
  llm_budget_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(50), v.maxValue(30_000))),
  regex_scan_chars: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(10_000))),
  scan_chars: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(200_000))),
})

export const RulesFileSchema = v.strictObject({
  version: v.optional(v.literal(1)),
  store: StoreSchema,
  settings: v.optional(SettingsSchema),
  departments: v.record(id, DepartmentSchema),
  closures: v.optional(v.array(ClosureSchema)),
  priorities: v.pipe(v.array(PrioritySchema), v.minLength(1)),
  tags: v.optional(v.record(id, TagSchema)),
  entity_patterns: v.optional(v.record(v.picklist(ENTITY_KINDS), oneOrMany(text))),
  rules: v.array(RuleSchema),
})

export type RawRulesFile = v.InferOutput<typeof RulesFileSchema>
export type RawRule = v.InferOutput<typeof RuleSchema>
export type RawTag = v.InferOutput<typeof TagSchema>
export type RawAction = v.InferOutput<typeof ActionSchema>

/** What each field expects, for error messages a service manager can act on. */
export const FIELD_HINTS: Record<string, string> = {
  keywords: 'a word or phrase, or a list of them',
  regex: 'a regular expression, or a list of them',
  entity: `one of ${ENTITY_KINDS.join(', ')} (or a list)`,
  tag: 'a tag id, or a list of tag ids',
  signal: `one of ${SIGNAL_NAMES.join(', ')} (or a list)`,
  frustration: 'low, medium or high',
  messages: 'a number (at least that many rider messages) or {min: n, max: n}',
  turn: 'a number (at least that turn) or {min: n, max: n}',
  outside_hours: 'a department id',
  low_confidence: 'a number from 0 to 1',
  all: 'a list of conditions',
  any: 'a list of conditions',
  not: 'a condition',
  when: 'a condition (a mapping such as {keywords: [...]})',
  then: 'a mapping of actions such as {handoff: service}',
  handoff: 'a department id',
  suggest_handoff: 'a department id',
  priority: 'a priority id',
  reply: 'the text to send the rider',
  ask_llm: '{question: "...", fallback: yes|no}',
  question: 'a yes/no question for the LLM',
  fallback: 'yes or no (what to assume when the LLM is unavailable or slow)',
  stop: 'true or false',
  id: 'an id made of lowercase letters, digits, - and _',
  enabled: 'true or false',
  description: 'text',
  hours: 'opening hours such as "9:00-17:00", a list of shifts, or "closed"',
  date: 'a date like 2026-12-25 (one year) or 12-25 (every year)',
  first_response: 'a duration such as 15m, 2h or 1d',
  timezone: 'an IANA time zone such as America/Chicago',
  version: '1',
  departments: 'a mapping of department ids',
  priorities: 'a list of priorities, highest first',
  rules: 'a list of rules',
  tags: 'a mapping of tag ids',
  llm_budget_ms: 'a whole number of milliseconds from 50 to 30000',
  regex_scan_chars: 'a whole number from 100 to 10000',
  scan_chars: 'a whole number from 100 to 200000',
  unless: 'a condition',
}
