import Anthropic from '@anthropic-ai/sdk'
import { citationsOf } from './citations.ts'
import type { Answer, AnswerRequest, Answerer, HistoryLine } from './contract.ts'
import { focusFromHistory, resolveFollowUp } from './context.ts'
import { finish, refusedRequest, type Draft } from './draft.ts'
import { SentenceGate, stripMarkers } from './gate.ts'
import { answerLocally, ANSWER_MIN_CONFIDENCE, type LocalDeps } from './local.ts'
import { answerSystemPrompt, wrapRider, type StoreInfo } from './prompts.ts'
import { hitText } from './retrieve.ts'
import { newToolState, runTool, stateSources, TOOLS, type ToolState } from './tools.ts'
import { sentences } from './text.ts'
import { describeFailure, guessDepartment } from './failure.ts'
import { timeLlm } from '../ops/metrics.ts'

/**
 * The Claude answerer: a tool loop over the dealer's DMS (search, unit and part lookup, hours, handoff),
 * streamed a checked sentence at a time, cited, and grounded. Any failure falls back to the local answer or
 * an honest "a person will follow up", flagged for staff — the rider never gets silence.
 */

export interface ClaudeDeps extends LocalDeps {
  client: Anthropic
  /** `smart` answers; `fast` is used for tags and summaries elsewhere. */
  models: { fast: string; smart: string }
  store: StoreInfo
  /** Model calls per answer (each tool round is one). */
  maxSteps?: number
  /** Wall-clock budget for the whole answer, retries included. */
  budgetMs?: number
  maxTokens?: number
  log?: (line: string) => void
}

export const FOLLOW_UP =
  "Sorry — I can't answer that right now. I've flagged your question and a person from our team will follow up here."

const MARKER = /\[\[([^\][]{1,200})\]\]/g

/** The conversation as Messages API turns: riders' lines as wrapped data, the dealership's as assistant text. */
export function toMessages(history: HistoryLine[], text: string): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = []
  const push = (role: 'user' | 'assistant', content: string) => {
    const last = out[out.length - 1]
    if (last && last.role === role) last.content = `${last.content as string}\n\n${content}`
    else out.push({ role, content })
  }
  for (const h of history.slice(-12)) {
    if (h.author === 'customer') push('user', wrapRider(h.text))
    else if (h.author === 'bot' || h.author === 'staff') push('assistant', h.text)
  }
  push('user', wrapRider(text))
  while (out.length && out[0].role !== 'user') out.shift()
  return out
}

const numbersIn = (text: string) => new Set((text.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map((n) => String(Number(n.replace(/,/g, '')))))

/**
 * Money and percentages must appear in a retrieved document — the ones a sentence cites when it cites any —
 * or they were made up. Works on the raw text, markers included.
 */
export function ungroundedFigures(raw: string, state: ToolState): string[] {
  const all = stateSources(state)
  const out: string[] = []
  for (const s of sentences(raw)) {
    const figures = s.match(/\$\s?\d[\d,]*(?:\.\d{1,2})?|\b\d+(?:\.\d+)?\s?%/g)
    if (!figures) continue
    const cited = [...s.matchAll(MARKER)].map((m) => state.retrieved.get(m[1].trim())).filter((h) => h !== undefined)
    const known = numbersIn(cited.length ? cited.map((h) => hitText(h, state.bodies.get(h.id))).join('\n') : all.join('\n'))
    out.push(...figures.filter((f) => !known.has(String(Number(f.replace(/[$,%\s]/g, ''))))))
  }
  return out
}

class StepCapError extends Error {}
class MalformedError extends Error {}

async function runLoop(deps: ClaudeDeps, req: AnswerRequest, state: ToolState, gate: SentenceGate, signal: AbortSignal): Promise<string> {
  const focus = resolveFollowUp(req.text, req.focus ?? focusFromHistory(req.history)).focus ?? req.focus
  const system = answerSystemPrompt(deps.store, req.now, focus)
  const messages = toMessages(req.history, req.text)
  let text = ''
  for (let step = 0; step < (deps.maxSteps ?? 5); step++) {
    const stream = deps.client.messages.stream(
      { model: deps.models.smart, max_tokens: deps.maxTokens ?? 1024, system, tools: TOOLS, messages },
      { signal },
    )
    // Text from an earlier round ("Let me check.") and this one must not run together.
    let first = true
    stream.on('text', (delta) => { gate.push(first && text ? ` ${delta}` : delta); first = false })
    const msg = await timeLlm('answer', () => stream.finalMessage())
    const said = msg.content.filter((b): b is Anthropic.TextBlock => b.type === 'text').map((b) => b.text).join('')
    text = text && said ? `${text} ${said}` : text + said
    const calls = msg.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')
    if (msg.stop_reason === 'refusal') throw new MalformedError('the model refused')
    if (msg.stop_reason === 'max_tokens' && !calls.length) throw new MalformedError('the answer was cut off (max_tokens)')
    if (!calls.length) return text
    messages.push({ role: 'assistant', content: msg.content as Anthropic.ContentBlockParam[] })
    const results: Anthropic.ToolResultBlockParam[] = []
    for (const call of calls) {
      const r = await runTool(call.name, call.input, deps, req, state)
      results.push({ type: 'tool_result', tool_use_id: call.id, content: r.content, ...(r.isError ? { is_error: true } : {}) })
    }
    messages.push({ role: 'user', content: results })
  }
  throw new StepCapError(`no answer after ${deps.maxSteps ?? 5} model calls`)
}

/** Builds the draft from the model's final text: markers become citations, unknown ids are dropped and flagged. */
function draftFrom(text: string, state: ToolState): Draft {
  const cited: string[] = []
  const unknown: string[] = []
  for (const m of text.matchAll(MARKER)) (state.retrieved.has(m[1].trim()) ? cited : unknown).push(m[1].trim())
  const hits = cited.map((id) => state.retrieved.get(id)!)
  const clean = stripMarkers(text).replace(/[ \t]+\n/g, '\n').trim()
  return {
    text: clean, citations: citationsOf(hits), confidence: state.confidence ?? (state.calls ? 0 : 0.5), sources: stateSources(state),
    ...(state.focus ? { focus: state.focus } : {}),
    ...(state.handoff ? { handoff: { ...state.handoff, via: 'tool' as const } } : {}),
    ...(unknown.length ? { flagged: `Claude cited documents it never retrieved (${[...new Set(unknown)].join(', ')})` } : {}),
  }
}

/** When Claude fails: the local answer if it found something, else an honest follow-up promise; flagged either way. */
async function fallback(deps: ClaudeDeps, req: AnswerRequest, why: string, streamed: boolean): Promise<Answer> {
  deps.log?.(`agent: Claude failed (${why}); falling back to the local answerer`)
  const local = await answerLocally(deps, { ...req, onText: undefined }).catch(() => undefined)
  const answer: Answer = local && (local.confidence >= ANSWER_MIN_CONFIDENCE || local.handoff)
    ? { ...local, source: 'fallback', flagged: `Claude unavailable (${why}); answered from local search${local.flagged ? `; ${local.flagged}` : ''}` }
    : {
      text: FOLLOW_UP, citations: [], confidence: local?.confidence ?? 0, source: 'fallback',
      handoff: { department: guessDepartment(req.text), reason: `the assistant could not answer (${why})`, via: 'failure' },
      flagged: `Claude unavailable (${why}) and nothing relevant found locally: a person must follow up`,
    }
  // After a partial stream the widget replaces the draft with the final message; otherwise stream it now.
  if (!streamed) req.onText?.(answer.text)
  return answer
}

export async function answerWithClaude(deps: ClaudeDeps, req: AnswerRequest): Promise<Answer> {
  const { hits: requestHits, refused } = refusedRequest(req.text)
  const riderText = [req.text, ...req.history.filter((h) => h.author === 'customer').map((h) => h.text)].join('\n')
  if (refused) {
    const a = finish(refused, requestHits, { riderText, source: 'local' })
    req.onText?.(a.text)
    return a
  }
  const state = newToolState()
  const gate = new SentenceGate(req.onText, () => ({ sources: stateSources(state), riderText }))
  const budget = AbortSignal.timeout(deps.budgetMs ?? 30_000)
  const signal = req.signal ? AbortSignal.any([req.signal, budget]) : budget
  let text: string
  try {
    text = await runLoop(deps, req, state, gate, signal)
  } catch (err) {
    if (req.signal?.aborted) throw err
    return fallback(deps, req, describeFailure(err, budget.aborted), gate.streamed.length > 0)
  }
  const draft = draftFrom(text, state)
  if (!draft.text) return fallback(deps, req, 'empty answer', gate.streamed.length > 0)
  const answer = finish(draft, requestHits, { riderText, source: 'claude' })
  // A guardrail replacement stands (it carries the handoff); otherwise every figure must come from a document.
  if (!answer.text.startsWith(draft.text)) return answer
  const made = ungroundedFigures(text, state)
  if (made.length) return fallback(deps, req, `figures not in any document: ${made.join(', ')}`, gate.streamed.length > 0)
  gate.flush()
  return answer
}

export function createClaudeAnswerer(deps: ClaudeDeps): Answerer {
  return { mode: 'claude', answer: (req) => answerWithClaude(deps, req) }
}
