import { detect } from '../escalation/detectors.ts'
import type { SearchHit } from '../search/contract.ts'
import { analyzeQuery } from '../search/query.ts'
import { citationsOf, focusOf } from './citations.ts'
import type { Answer, AnswerRequest, Answerer, DmsSource, DocumentBodies, HoursSource } from './contract.ts'
import { focusFromHistory, resolveFollowUp, vehicleOf } from './context.ts'
import { finish, GREETING, NO_ANSWER, refusedRequest, sourcesOf, type Draft } from './draft.ts'
import { documentDraft, followUpDraft, lookupIdentifier, namedIdentifiers } from './followup.ts'
import { confidenceOf, current, hitText, matched, subjectStems } from './retrieve.ts'
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

const GENERIC_MODEL_WORDS = new Set(['4x4', 'eps', 'dps', 'abs', 'premium', 'sport', 'edition', 'trail', 'ultimate', 'limited', 'special'])
const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : typeof x === 'string' ? [x] : [])

/** Does the rider name this document's make or model (true), name nothing it lists (false), or does it list none (undefined)? */
function namesMachineOf(h: SearchHit, text: string): boolean | undefined {
  const f = h.fields
  const fit = Array.isArray(f.fitment) ? (f.fitment as Array<{ make?: unknown; model?: unknown }>) : []
  const names = h.type === 'part'
    ? fit.flatMap((r) => [...list(r.make), ...list(r.model)])
    : [...list(f.make), ...list(f.makes), ...list(f.model), ...list(f.models)]
  if (!names.length) return undefined
  const words = new Set(text.toLowerCase().split(/[^a-z0-9-]+/))
  return names.some((n) => n.toLowerCase().split(/[^a-z0-9-]+/).some((w) => w.length >= 3 && !GENERIC_MODEL_WORDS.has(w) && words.has(w)))
}

const SPEC_INTENT = /\b(?:what|which)\s+(?:kind\s+of\s+|type\s+of\s+|grade\s+of\s+)?(?:oil|fuel|gas|coolant|fluid|tire\s+pressure|pressure|grease)\b|\bhow\s+much\s+oil\b|\b(?:oil|fuel|coolant)\s+capacity\b/i
const PRICE_INTENT = /\b(?:how\s+much|price|prices|cost|costs|rate|fee|charge|\$)\b/i

/**
 * Orders candidates by how much of the question each covers, rarer words counting more (a model name beats
 * "code" or "light"), nudged by what the question is after (prices, codes) and by the engine's own score.
 */
function rank(hits: SearchHit[], subject: string[], bodies: Map<string, string>, text: string, hasIdentifier: boolean) {
  const named = hits.map((h) => namesMachineOf(h, text))
  const anyNamed = named.some((n) => n === true)
  const found = hits.map((h) => matched(subject, hitText(h, bodies.get(h.id))))
  const df = new Map(subject.map((w) => [w, found.filter((f) => f.has(w)).length]))
  const weight = (w: string) => 1 + Math.log((hits.length + 1) / ((df.get(w) ?? 0) + 1))
  const total = subject.reduce((n, w) => n + weight(w), 0) || 1
  const pricey = PRICE_INTENT.test(text)
  const spec = SPEC_INTENT.test(text)
  return hits.map((h, i) => {
    const c = subject.length ? found[i].size / subject.length : 0
    const weighted = [...found[i]].reduce((n, w) => n + weight(w), 0) / total
    const boost = (pricey && h.type === 'price_sheet' ? 0.25 : 0) + (pricey && (h.type === 'unit' || h.type === 'part') ? 0.05 : 0)
      + (hasIdentifier && h.type === 'guide' ? 0.05 : 0) + (spec && h.type === 'guide' ? 0.4 : 0) + (named[i] === true ? 0.2 : named[i] === false && anyNamed ? -0.2 : 0)
    return { h, c: h.exact ? 2 : c, s: (h.exact ? 2 : weighted) + boost + 0.15 * h.score, i }
  }).sort((a, b) => b.s - a.s || a.i - b.i)
}

/** Dealer words for what riders ask in their own words. */
const PHRASES: Array<[RegExp, string]> = [[/\bhow\s+long\b/i, 'turnaround time'], [/\bhow\s+soon\b/i, 'turnaround time']]

async function searchDraft(deps: LocalDeps, req: AnswerRequest, asked: string): Promise<Draft> {
  const q = PHRASES.reduce((t, [re, add]) => (re.test(t) ? `${t} ${add}` : t), asked)
  const analysis = analyzeQuery(q)
  const constraints = unitConstraints(req.text)
  const priceFilter = constraints.maxPrice !== undefined || constraints.minPrice !== undefined
    ? { price: { ...(constraints.maxPrice !== undefined ? { lte: constraints.maxPrice } : {}), ...(constraints.minPrice !== undefined ? { gte: constraints.minPrice } : {}) } }
    : undefined
  // Price and spec questions also search price sheets or guides directly: BM25 tends to prefer part names ("oil change kit").
  const side = PRICE_INTENT.test(req.text) && !priceFilter ? 'price_sheet' : SPEC_INTENT.test(req.text) ? 'guide' : undefined
  const r = await deps.source.search({ q, storeId: req.storeId, now: req.now, limit: 8, ...(priceFilter ? { filters: priceFilter } : {}) })
  let hits = current(r.hits, req.now)
  if (priceFilter && hits.every((h) => h.type !== 'unit')) {
    // A price limit filters every type; without any unit it may have hidden the document that answers.
    hits = current((await deps.source.search({ q, storeId: req.storeId, now: req.now, limit: 8 })).hits, req.now)
  }
  // Only when the main search found none of that type: a second search is half the cost of answering.
  if (side && !hits.some((h) => h.type === side)) {
    const extra = await deps.source.search({ q, storeId: req.storeId, now: req.now, limit: 2, type: side })
    hits = [...hits, ...current(extra.hits, req.now).filter((x) => !hits.some((h) => h.id === x.id))]
  }
  if (!hits.length) return { text: NO_ANSWER, citations: [], confidence: 0, sources: [] }
  const top = hits.slice(0, 10)
  const knowledge = top.filter((h) => h.type !== 'unit' && h.type !== 'part').map((h) => h.id)
  const bodies = knowledge.length && deps.bodies ? await deps.bodies.bodies(req.storeId, knowledge) : new Map<string, string>()
  const subject = subjectStems(q)
  const ranked = rank(top, subject, bodies, req.text, analysis.identifiers.length > 0)
  const best = ranked[0].h
  const confidence = confidenceOf(q, ranked.map((x) => x.h), bodies)
  // Declining to answer is zero confidence in the answer, so the rules' low_confidence condition offers a person.
  if (confidence < ANSWER_MIN_CONFIDENCE) return { text: NO_ANSWER, citations: [], confidence: 0, sources: [] }
  const ids = [
    ...analysis.identifiers.map((i) => i.value),
    ...detect('fault_code', req.text).map((e) => e.value.replace(/^code\s+|^SPN\s+(\d+).*$/i, '$1').toUpperCase()),
    // "blinks 7 times", "7 blinks", "flashes 12": blink codes are counts.
    ...[...req.text.matchAll(/\b(?:blinks?|flash(?:es)?|beeps?)\s+(\d{1,2})\b|\b(\d{1,2})\s+(?:blinks?|flashes|beeps?)\b/gi)].map((m) => m[1] ?? m[2]),
  ]

  if (best.type === 'unit') {
    const units = ranked.filter((x) => x.h.type === 'unit' && x.c >= ranked[0].c - 0.25 && fits(x.h, constraints)).map((x) => x.h).slice(0, 3)
    if (!units.length) {
      return { text: `I couldn't find a unit in our current inventory that matches all of that${constraints.maxPrice ? ` under $${constraints.maxPrice.toLocaleString('en-US')}` : ''}. Our sales team can tell you what's coming in.`, citations: [], confidence: 0, sources: [] }
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
  for (const ref of namedIdentifiers(req.text)) {
    // A stock, part or VIN number is looked up exactly, sold units included, so "is N26-0107 still there?" gets the truth.
    const doc = await lookupIdentifier(deps.source, req.storeId, ref, req.now)
    if (doc) return { draft: await documentDraft(deps.source, req.storeId, doc, resolved.intent, req.text, req.now), hits }
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
