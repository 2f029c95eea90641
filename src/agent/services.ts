import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import type { Rules } from '../escalation/index.ts'
import type { SearchService } from '../search/service.ts'
import { createAnswerer, createClaudeClient, dbDocumentBodies, hoursFromRules, storeFromRules, summarizeWithClaude, tagWithClaude } from './index.ts'
import type { Answerer } from './contract.ts'
import type { HandoffSummary, SummaryInput } from './summary.ts'

/** Claude time limits (defaults: 15 s an attempt, 2 retries; answers 30 s, summaries 8 s, tags 4 s); tests shorten them. */
export interface ClaudeLimits { timeoutMs?: number; maxRetries?: number; budgetMs?: number }

/**
 * The agent as the server uses it: answers from search (awaited, since the index builds in the
 * background), hours and store facts from the rules in force, Claude summaries when a key is set.
 */
export function agentServices(config: Config, database: Database, search: Promise<SearchService>, rules: () => Rules, log: (l: string) => void, limits: ClaudeLimits = {}): {
  answerer: Answerer; summarize?: (input: SummaryInput) => Promise<HandoffSummary>; tagger?: (text: string) => Promise<string[]>
} {
  const client = createClaudeClient(config, { timeoutMs: limits.timeoutMs, maxRetries: limits.maxRetries })
  const answerer = createAnswerer(config, {
    source: { search: async (p) => (await search).search(p) },
    bodies: dbDocumentBodies(database),
    hours: { describe: (now) => hoursFromRules(rules()).describe(now) },
    store: storeFromRules(rules()),
    client, log, budgetMs: limits.budgetMs,
  })
  const summarize = client
    ? (input: SummaryInput) => summarizeWithClaude(client, config.claudeModels.fast, storeFromRules(rules()), input, { log, timeoutMs: limits.budgetMs })
    : undefined
  // With Claude, topic tags also come from the tags' plain-language descriptions (recorded as source llm).
  const tagger = client ? async (text: string) => (await tagWithClaude(client, config.claudeModels.fast, rules().tags, text, { timeoutMs: limits.budgetMs })).tags : undefined
  return { answerer, summarize, tagger }
}
