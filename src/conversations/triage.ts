/**
 * triageMessage = evaluate() (microseconds, pure) + the LLM tier for any `ask_llm` rule that was reached.
 * Answers are fed back into evaluate(), so an LLM "no" un-fires exactly that rule and nothing else changes.
 */
import { askWithFallback, type LlmTriage } from '../agent/llm-triage.ts'
import { evaluate, type Decision, type LlmAnswer, type Rules, type TriageContext } from '../escalation/index.ts'

export interface TriageOptions {
  /** Total time the LLM tier may take for this message; default: the rules file's llm_budget_ms. */
  budgetMs?: number
  /** An LLM answer can let later ask_llm rules be reached; this bounds the rounds. */
  maxRounds?: number
}

export async function triageMessage(rules: Rules, ctx: TriageContext, llm?: LlmTriage, opts: TriageOptions = {}): Promise<Decision> {
  const answers: Record<string, LlmAnswer> = {}
  let decision = evaluate(rules, ctx, { llmAnswers: answers })
  if (!decision.llm?.length) return decision
  const budget = opts.budgetMs ?? rules.settings.llmBudgetMs
  const deadline = performance.now() + budget
  const failures = new Map<string, string>()
  const asked = new Set<string>()
  const tags = rules.tags.map((t) => ({ id: t.id, description: t.description }))

  for (let round = 0; round < (opts.maxRounds ?? 3); round++) {
    const pending = (decision.llm ?? []).filter((a) => a.source === 'fallback' && !asked.has(a.rule))
    if (pending.length === 0) break
    const remaining = Math.max(0, deadline - performance.now())
    const results = await Promise.all(pending.map((p) =>
      askWithFallback(llm, { rule: p.rule, question: p.question, text: ctx.text, tags, history: ctx.history }, p.fallback, remaining)))
    pending.forEach((p, i) => {
      asked.add(p.rule)
      const r = results[i]
      if (r.source === 'llm') answers[p.rule] = { answer: r.answer, tags: r.tags, reason: r.reason }
      else failures.set(p.rule, r.error ?? 'unavailable')
    })
    decision = evaluate(rules, ctx, { llmAnswers: answers })
  }

  for (const a of decision.llm ?? []) {
    const why = failures.get(a.rule)
    if (why && a.source === 'fallback') {
      a.error = why
      decision.trace.push({ rule: a.rule, step: 'llm', source: 'fallback', condition: 'ask_llm', detail: `LLM not used: ${why}` })
    }
  }
  return decision
}

/** A `triage(ctx)` for the message pipeline that always uses the rules in force at call time. */
export function createTriage(current: () => Rules, llm?: LlmTriage, opts: TriageOptions = {}): (ctx: TriageContext) => Promise<Decision> {
  return (ctx) => triageMessage(current(), ctx, llm, opts)
}
