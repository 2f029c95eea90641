/** The escalation engine: pure functions of (rules, message context). No I/O in this folder. */
export { loadRules, tryLoadRules, type LoadResult } from './load.ts'
export { evaluate, escalates, describeMatch } from './engine.ts'
export type { Rules, RuleDef, TagDef, PriorityDef, Settings } from './compile.ts'
export { PLACEHOLDERS, parseDuration, humanDuration } from './format.ts'
export { detect, detectEntities, isValidVin, vinCheckDigit, ENTITY_LABELS } from './detectors.ts'
export {
  isOpen, nextOpening, formatOpening, describeWeek, localTime, zonedTime, parseDayHours, parseDays,
  type Department, type Closure, type Interval, type LocalTime,
} from './hours.ts'
export { regexProblem } from './regex-safety.ts'
export { tokenize, stem } from './text.ts'
export {
  ENTITY_KINDS, SIGNAL_NAMES, RulesError, formatProblem,
  type Decision, type DecisionAction, type TriageContext, type TraceEntry, type Entity, type EntityKind, type SignalName,
  type LlmAsk, type LlmAnswer, type EvaluateOptions, type RuleProblem, type Author,
} from './types.ts'
export { parseCases, runCases, checkCase, CasesError, DEFAULT_CASE_TIME, type RuleCase, type CaseResult, type Expect } from './cases.ts'
