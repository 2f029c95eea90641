import type { SearchHit } from '../search/contract.ts'
import { analyzeQuery } from '../search/query.ts'
import { citationsOf, focusOf } from './citations.ts'
import type { Answer, AnswerRequest, Answerer, DmsSource, DocumentBodies, HoursSource } from './contract.ts'
import { focusFromHistory, resolveFollowUp, vehicleOf } from './context.ts'
import { finish, GREETING, NO_ANSWER, refusedRequest, sourcesOf, type Draft } from './draft.ts'
import { followUpDraft } from './followup.ts'
import { confidenceOf, coverage, current, hitText, subjectStems } from './retrieve.ts'
import { knowledgeAnswer, partLine, unitLine } from './templates.ts'

/**
 * The offline answerer: hybrid search, then a per-type template over the best documents. It only restates
 * what the documents say, cites them, and says so when nothing relevant was found.
 */

export interface LocalDeps {
  source: DmsSource
  /** Full document text for passages; without it the search snippet is used. */
  bodies?: DocumentBodies
  hours?: HoursSource
}

/** Below this retrieval confidence the answer is "I couldn't find that" rather than a guess. */
export const ANSWER_MIN_CONFIDENCE = 0.5

const GREETING_RE = /^\s*(?:hi|hello|hey|hiya|yo|howdy|good\s+(?:morning|afternoon|evening)|thanks?(?:\s+you)?|thank\s+you|thx|ty|ok(?:ay)?|cool|great)\b[\s!.,a-z]{0,20}$/i
const HOURS_RE = /\b(?:(?:store|shop|business|opening|service|parts|sales)\s+hours|hours\s+(?:are|today|tomorrow|on)|what\s+(?:are\s+)?(?:your|the)\s+hours|when\s+(?:are|do)\s+(?:you|y'?all|they)\s+(?:open|close)|(?:open|closed)\s+(?:today|tomorrow|on\s+\w+day|sunday|saturday|now|late)|what\s+time\s+(?:do|are)\s+(?:you|y'?all)\s+(?:open|close))\b/i

interface Constraints { maxPrice?: number; minPrice?: number; condition?: 'new' | 'used'; year?: number }

const amount = (s: string) => Number(s.replace(/[,$\s]/g, '').replace(/k$/i, '')) * (/k$/i.test(s) ? 1000 : 1)

/** Price, condition and year limits a rider states when browsing units. */
export function unitConstraints(text: string): Constraints {
  const c: Constraints = {}
  const max = /\b(?:under|below|less\s+than|max(?:imum)?|up\s+to|no\s+more\s+than|cheaper\s+than|within)\s*\$?\s?(\d[\d,]*(?:\.\d+)?\s?k?)\b/i.exec(text)
  if (max) c.maxPrice = amount(max[1])
  const min = /\b(?:over|above|more\s+than|at\s+least)\s*\$\s?(\d[\d,]*(?:\.\d+)?\s?k?)\b/i.exec(text)
  if (min) c.minPrice = amount(min[1])
  if (/\b(?:used|pre-?owned|second\s*hand)\b/i.test(text)) c.condition = 'used'
  else if (/\bbrand\s+new\b|\bnew\s+(?:ones?|units?|bikes?|quads?|atvs?|utvs?|sleds?|side)/i.test(text)) c.condition = 'new'
  const y = /\b(19[6-9]\d|20[0-4]\d)\b/.exec(text)
  if (y) c.year = Number(y[1])
  return c
}

const fits = (h: SearchHit, c: Constraints) => {
  const price = typeof h.fields.price === 'number' ? h.fields.price : undefined
  if (c.maxPrice !== undefined && (price === undefined || price > c.maxPrice)) return false
  if (c.minPrice !== undefined && (price === undefined || price < c.minPrice)) return false
  if (c.condition && h.fields.condition !== c.condition) return false
  if (c.year && h.fields.year !== c.year) return false
  return true
}

async function searchDraft(deps: LocalDeps, req: AnswerRequest, q: string): Promise<Draft> {
  const analysis = analyzeQuery(q)
  const constraints = unitConstraints(req.text)
  const priceFilter = constraints.maxPrice !== undefined || constraints.minPrice !== undefined
    ? { price: { ...(constraints.maxPrice !== undefined ? { lte: constraints.maxPrice } : {}), ...(constraints.minPrice !== undefined ? { gte: constraints.minPrice } : {}) } }
    : undefined
  const r = await deps.source.search({ q, storeId: req.storeId, now: req.now, limit: 8, ...(priceFilter ? { filters: priceFilter } : {}) })
  let hits = current(r.hits, req.now)
  if (priceFilter && hits.every((h) => h.type !== 'unit')) {
    // A price limit filters every type; without any unit it may have hidden the document that answers.
    hits = current((await deps.source.search({ q, storeId: req.storeId, now: req.now, limit: 8 })).hits, req.now)
  }
  if (!hits.length) return { text: NO_ANSWER, citations: [], confidence: 0, sources: [] }
  const top = hits.slice(0, 5)
  const knowledge = top.filter((h) => h.type !== 'unit' && h.type !== 'part').map((h) => h.id)
  const bodies = knowledge.length && deps.bodies ? await deps.bodies.bodies(req.storeId, knowledge) : new Map<string, string>()
  const subject = subjectStems(q)
  // Rank by how much of the question each document covers; the engine's order breaks ties.
  const ranked = top.map((h, i) => ({ h, c: h.exact ? 2 : coverage(subject, hitText(h, bodies.get(h.id))), i }))
    .sort((a, b) => b.c - a.c || a.i - b.i)
  const best = ranked[0].h
  const confidence = confidenceOf(q, ranked.map((x) => x.h), bodies)
  if (confidence < ANSWER_MIN_CONFIDENCE) return { text: NO_ANSWER, citations: [], confidence, sources: [] }
  const ids = analysis.identifiers.map((i) => i.value)

  if (best.type === 'unit') {
    const units = ranked.filter((x) => x.h.type === 'unit' && x.c >= ranked[0].c - 0.25 && fits(x.h, constraints)).map((x) => x.h).slice(0, 3)
    if (!units.length) {
      return { text: `I couldn't find a unit in our current inventory that matches all of that${constraints.maxPrice ? ` under $${constraints.maxPrice.toLocaleString('en-US')}` : ''}. Our sales team can tell you what's coming in.`, citations: [], confidence: Math.min(confidence, 0.4), sources: [] }
    }
    const text = units.length === 1 ? unitLine(units[0]) : `Here's what we have:\n${units.map((u) => `• ${unitLine(u)}`).join('\n')}`
    return { text, citations: citationsOf(units), confidence, focus: focusOf(units[0]), sources: sourcesOf(units) }
  }
  if (best.type === 'part') {
    return { text: partLine(best, vehicleOf(req.text)), citations: citationsOf([best]), confidence, focus: focusOf(best), sources: sourcesOf([best]) }
  }
  const body = bodies.get(best.id) ?? best.snippet ?? ''
  return { text: knowledgeAnswer(best, body, q, ids), citations: citationsOf([best]), confidence, sources: sourcesOf([best], bodies) }
}

async function draftFor(deps: LocalDeps, req: AnswerRequest): Promise<{ draft: Draft; hits: ReturnType<typeof refusedRequest>['hits'] }> {
  const { hits, refused } = refusedRequest(req.text)
  if (refused) return { draft: refused, hits }
  if (GREETING_RE.test(req.text)) return { draft: { text: GREETING, citations: [], confidence: 1, sources: [], focus: req.focus }, hits }
  const focus = req.focus ?? focusFromHistory(req.history)
  const resolved = resolveFollowUp(req.text, focus)
  if (resolved.followUp && resolved.focus) {
    const d = await followUpDraft(deps.source, req.storeId, resolved.focus, resolved.intent, req.text, req.now)
    if (d) return { draft: d, hits }
  }
  if (deps.hours && HOURS_RE.test(req.text)) {
    return { draft: { text: `Our hours:\n${deps.hours.describe(req.now).join('\n')}`, citations: [], confidence: 0.9, sources: [] }, hits }
  }
  return { draft: await searchDraft(deps, req, resolved.query), hits }
}

/** Answers one message with the local answerer (no network). */
export async function answerLocally(deps: LocalDeps, req: AnswerRequest): Promise<Answer> {
  const { draft, hits } = await draftFor(deps, req)
  const riderText = [req.text, ...req.history.filter((h) => h.author === 'customer').map((h) => h.text)].join('\n')
  const answer = finish(draft, hits, { riderText, source: 'local' })
  req.onText?.(answer.text)
  return answer
}

export function createLocalAnswerer(deps: LocalDeps): Answerer {
  return { mode: 'local', answer: (req) => answerLocally(deps, req) }
}
