/** Shared types of the escalation engine: the loaded rules, the triage input and the Decision. */

export const ENTITY_KINDS = [
  'vin', 'fault_code', 'phone', 'email', 'stock_number', 'part_number', 'repair_order', 'money',
] as const
export type EntityKind = (typeof ENTITY_KINDS)[number]

export const SIGNAL_NAMES = ['human_request', 'frustration', 'purchase_intent', 'safety_risk', 'repeated_question'] as const
export type SignalName = (typeof SIGNAL_NAMES)[number]

export const FRUSTRATION_LEVELS = ['none', 'low', 'medium', 'high'] as const
export type FrustrationLevel = (typeof FRUSTRATION_LEVELS)[number]

export interface Entity {
  kind: EntityKind
  /** The text as the rider wrote it. */
  text: string
  /** Normalised value: upper-case VIN/code, digits-only phone, amount in dollars as a string. */
  value: string
  start: number
  end: number
}

export interface Span { text: string; start: number; end: number }

export type Author = 'customer' | 'bot' | 'staff' | 'system'

export interface TriageContext {
  /** The rider's message (already redacted). */
  text: string
  now: Date
  /** Earlier messages in the conversation, oldest first. */
  history: { author: Author; text: string }[]
  /** 0..1 from the answerer, for the low_confidence condition. */
  answerConfidence?: number
  turn?: number
}

export type DecisionAction = 'answer' | 'suggest_handoff' | 'handoff'

export interface TraceEntry {
  /** Rule id, or `tag:<id>` for topic-tag detection. */
  rule: string
  /** match = a condition matched text; fired/no_match = rule outcome; llm = the LLM tier's answer; stop = evaluation ended. */
  step: 'match' | 'fired' | 'no_match' | 'llm' | 'stop' | 'truncated'
  /** Which condition matched, e.g. `keywords`, `entity:vin`, `signal:frustration`. */
  condition?: string
  text?: string
  start?: number
  end?: number
  /** rules = decided by the rules file; llm = decided by Claude; fallback = the ask_llm fallback was used. */
  source: 'rules' | 'llm' | 'fallback'
  detail?: string
}

/** An ask_llm action reached during evaluation and how it was answered. */
export interface LlmAsk {
  rule: string
  question: string
  fallback: boolean
  answer: boolean
  source: 'llm' | 'fallback'
  tags?: string[]
  error?: string
}

export interface Decision {
  action: DecisionAction
  department?: string
  priority?: string
  /** 0 = highest, from the order in the rules file. */
  priorityRank?: number
  tags: string[]
  /** Ids of rules that fired, in order. */
  rules: string[]
  /** Human-readable, one per fired rule ("fault code P0301 → service"). */
  reasons: string[]
  /** Text to send the rider, placeholders filled. */
  reply?: string
  trace: TraceEntry[]
  /** ask_llm questions met on the way (answered by Claude or by their fallback). */
  llm?: LlmAsk[]
}

/** An answer from the LLM tier for one ask_llm rule, fed back into evaluate(). */
export interface LlmAnswer { answer: boolean; tags?: string[]; reason?: string }

export interface EvaluateOptions {
  /** Answers to ask_llm questions by rule id; missing ones take the rule's fallback. */
  llmAnswers?: Record<string, LlmAnswer>
  /** Also trace every rule that was checked and did not fire. */
  fullTrace?: boolean
}

/** A problem in a rules file, positioned for the person editing it (1-based line and column). */
export interface RuleProblem {
  message: string
  line: number
  column: number
  /** Rule id when the problem is inside a rule. */
  rule?: string
  /** Dotted path in the file, e.g. `rules[3].when.keywords`. */
  path?: string
}

export class RulesError extends Error {
  readonly problems: RuleProblem[]
  readonly line: number
  readonly column: number
  readonly rule?: string
  readonly source?: string

  constructor(problems: RuleProblem[], source?: string) {
    const first = problems[0] ?? { message: 'invalid rules file', line: 1, column: 1 }
    super(formatProblem(first, source))
    this.name = 'RulesError'
    this.problems = problems
    this.line = first.line
    this.column = first.column
    this.rule = first.rule
    this.source = source
  }
}

export function formatProblem(p: RuleProblem, source?: string): string {
  const where = source ? `${source}:${p.line}:${p.column}` : `line ${p.line}, column ${p.column}`
  return `${where}: ${p.rule ? `rule '${p.rule}': ` : ''}${p.message}`
}
