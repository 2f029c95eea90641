import Anthropic from '@anthropic-ai/sdk'
import type { Config } from '../config.ts'
import { describeWeek, formatOpening, isOpen, nextOpening, type Rules } from '../escalation/index.ts'
import { createClaudeAnswerer } from './claude.ts'
import type { Answerer, DmsSource, DocumentBodies, HoursSource } from './contract.ts'
import { createLocalAnswerer } from './local.ts'
import type { StoreInfo } from './prompts.ts'

/** The agent's public face: pick Claude when a key is configured, the local answerer otherwise. */

export interface AgentDeps {
  /** The search service (`createSearch(...)`), or anything with the same `search`. */
  source: DmsSource
  /** Full document text for passages (`dbDocumentBodies(database)`). */
  bodies?: DocumentBodies
  hours?: HoursSource
  store?: StoreInfo
  /** Injected in tests; built from config otherwise. */
  client?: Anthropic
  log?: (line: string) => void
  /** Claude answer budget and step cap (tests shorten them). */
  budgetMs?: number
  maxSteps?: number
}

/** The SDK client for the configured key: per-attempt timeout, SDK retries for 408/409/429/5xx/529 and connection errors. */
export function createClaudeClient(config: Pick<Config, 'anthropic'>, opts: { timeoutMs?: number; maxRetries?: number } = {}): Anthropic | undefined {
  if (!config.anthropic) return undefined
  return new Anthropic({
    apiKey: config.anthropic.apiKey, baseURL: config.anthropic.baseURL ?? null,
    timeout: opts.timeoutMs ?? 15_000, maxRetries: opts.maxRetries ?? 2,
  })
}

export function createAnswerer(config: Pick<Config, 'anthropic' | 'claudeModels'>, deps: AgentDeps): Answerer {
  const client = deps.client ?? createClaudeClient(config)
  if (!client) return createLocalAnswerer(deps)
  return createClaudeAnswerer({
    ...deps, client, models: config.claudeModels, store: deps.store ?? { name: 'the dealership' },
    budgetMs: deps.budgetMs, maxSteps: deps.maxSteps, log: deps.log,
  })
}

/** Department hours from the rules file, one line per department, saying whether it is open now. */
export function hoursFromRules(rules: Pick<Rules, 'departments'>): HoursSource {
  return {
    describe(now) {
      return Object.values(rules.departments).map((d) => {
        const open = isOpen(d, now)
        const next = open ? 'open now' : `opens ${formatOpening(nextOpening(d, now), now, d.timezone)}`
        return `${d.label}: ${describeWeek(d)} (${next})`
      })
    },
  }
}

export const storeFromRules = (rules: Pick<Rules, 'store'>): StoreInfo => ({ ...rules.store })

export type { Answer, AnswerRequest, Answerer, Citation, Focus, Handoff, HistoryLine, DmsSource, HoursSource, DocumentBodies } from './contract.ts'
export { focusFromCitations } from './citations.ts'
export { focusFromHistory } from './context.ts'
export { dbDocumentBodies } from './documents.ts'
export { checkAnswer, checkRequest, enforce } from './guardrails.ts'
export { redact } from './redact.ts'
export { extractSummary, summarizeWithClaude, formatSummary, type HandoffSummary, type SummaryInput } from './summary.ts'
export { tagWithClaude } from './tags.ts'
export { suggestReply, type Suggestion } from './assist.ts'
