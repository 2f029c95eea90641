import type { Config } from './config.ts'
import type { Database, Db } from './db/client.ts'
import type { Bus } from './realtime/bus.ts'
import type { Presence } from './realtime/presence.ts'
import type { SearchService } from './search/service.ts'
import type { HandoffSummary, SummaryInput } from './agent/summary.ts'
import type { Answerer } from './agent/contract.ts'
import type { Decision, TriageContext } from './escalation/types.ts'
import type { Rules } from './escalation/index.ts'
import type { RulesStatusView } from '../views/partials/RulesBanner.tsx'
import type { DeliveryOptions, DeliveryWorker } from './integrations/deliveries.ts'
import type { Conversation } from './conversations/store.ts'

/** What routes and services are given; tests build it with PGlite and fakes. */
export interface Services {
  config: Config
  database: Database
  db: Db
  bus: Bus
  /** Injected so tests can move time (hours, SLA timers) without sleeping. */
  now(): Date
  presence: Presence
  /** DMS search; resolves once the engine is built (the server answers /healthz before that). */
  search?: Promise<SearchService>
  /** The escalation decision for a rider message (rules, plus the LLM tier where a rule asks). */
  triage?(ctx: TriageContext): Promise<Decision>
  /** Answers riders from the DMS content (Claude or local); absent: a fixed acknowledgement. */
  answerer?: Answerer
  /** Claude's topic tags for a rider message (kept apart from rule tags in the trace). */
  tagger?(text: string): Promise<string[]>
  /** Handoff summary (Claude when configured); extraction from the transcript when absent. */
  summarize?(input: SummaryInput): Promise<HandoffSummary>
  /** The rules in force (last good version of the rules file). */
  rules?(): Rules
  /** The live rules file: version, when loaded, and the error of a rejected edit (admins see it). */
  rulesStatus?(): RulesStatusView
  /** "within 15 minutes" / "when service opens Tue 8:00 AM" for a waiting conversation (from the rules' hours). */
  expectReply?(conv: Conversation): string | null
  /** Whether a department is open now (from the rules' hours); undefined when unknown. */
  isOpen?(department: string): boolean | undefined
  /** Retry timing and timeouts of the outbound delivery queue (webhooks, ADF leads); tests shorten them. */
  deliveryOptions?: DeliveryOptions
  /** The running delivery worker (absent in tests that drive the queue with runDue). */
  deliveryWorker?: DeliveryWorker
}
