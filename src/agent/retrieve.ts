import { keep } from '../ops/bounded.ts'
import type { SearchHit } from '../search/contract.ts'
import { expandSynonyms } from '../search/query.ts'
import type { DocType } from '../search/types.ts'
import type { DmsSource } from './contract.ts'
import { contentStems } from './text.ts'

/**
 * Retrieval for both answerers: the search service, a defensive date check (an expired price sheet is
 * never an answer, whatever the engine returned) and a retrieval confidence the engine's scores can't
 * give, because hybrid scores are normalised to the best hit of each query.
 */

export interface Retrieved {
  hits: SearchHit[]
  /** 0..1: how much of what the rider asked about the best hits actually mention. */
  confidence: number
}

export interface RetrieveOptions {
  storeId: string
  q: string
  now: Date
  type?: DocType | DocType[]
  limit?: number
  includeUnavailable?: boolean
  filters?: Parameters<DmsSource['search']>[0]['filters']
}

/** Words that say what kind of question it is but not what it is about. */
const GENERIC = new Set(contentStems(
  'price prices cost costs much many need needs want wants looking look find sell sells selling carry carries stock stocked ' +
  'available availability question questions help tell know let see show give get buy buying bought new one ones thing things ' +
  'something anything sale sales dealer dealership store shop yall guys please thanks thank hi hello hey quick info information ' +
  'currently right now today still got like kind sort type types good best cheap cheapest also maybe well really much lot ' +
  'take takes usually usual long mean means under over below above less more than within max maximum least budget',
))

/** The words of a question that name its subject; the basis of retrieval confidence. */
export function subjectStems(q: string): string[] {
  // Amounts are constraints ("under $15,000"), not subjects a document would repeat.
  const text = q.replace(/\$\s?\d[\d,.]*\s?k?\b|\b\d[\d,.]*\s?(?:k|grand|bucks|dollars)\b/gi, ' ')
  return [...new Set(contentStems(text).filter((w) => !GENERIC.has(w)))]
}

/** True when a and b differ by at most one edit (typos in words of 5+ letters) or by a short ending ("skis", "ski"); never for words with digits. */
function nearlyEqual(a: string, b: string): boolean {
  if (a === b) return true
  // Called for every stem of every candidate document: the cheap length test first, and no array a call.
  const diff = a.length - b.length
  if (diff > 2 || diff < -2) return false
  const long = diff >= 0 ? a : b
  const short = diff >= 0 ? b : a
  const near = (short.length >= 3 && long.startsWith(short)) || oneEdit(a, b)
  // Words with digits are codes, years and part numbers: P0302 is not a typo of P0301.
  return near && !/\d/.test(a) && !/\d/.test(b)
}

/** One substitution, insertion or deletion apart, both words 5+ letters long. */
function oneEdit(a: string, b: string): boolean {
  if (a.length < 5 || b.length < 5 || Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1)
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

/** Everything a hit says, as text: title, field values (fitment, make, model, codes) and snippet. */
export function hitText(hit: SearchHit, body?: string): string {
  const values: string[] = []
  const walk = (x: unknown) => {
    if (typeof x === 'string' || typeof x === 'number') values.push(String(x))
    else if (Array.isArray(x)) x.forEach(walk)
    else if (x && typeof x === 'object') Object.values(x).forEach(walk)
  }
  walk(hit.fields)
  // Fitment ranges cover every year in between: "2024 Maverick X3" is a 2023-2026 fit.
  if (hit.type === 'part' && Array.isArray(hit.fields.fitment)) {
    for (const r of hit.fields.fitment as Array<{ yearFrom?: number; yearTo?: number }>) {
      if (typeof r.yearFrom === 'number' && typeof r.yearTo === 'number') for (let y = r.yearFrom + 1; y < r.yearTo && y - r.yearFrom < 40; y++) values.push(String(y))
    }
  }
  return `${hit.title}\n${values.join(' ')}\n${body ?? hit.snippet ?? ''}`.replace(/_/g, ' ')
}

/** A document's stems, kept for the documents answers keep citing (tokenizing them was a tenth of an answer's time). */
const docStems = new Map<string, { have: Set<string>; list: string[] }>()
const DOC_STEMS_KEPT = 1000

function stemsOf(docText: string) {
  let e = docStems.get(docText)
  if (!e) {
    const have = new Set(contentStems(expandSynonyms(docText)))
    e = { have, list: [...have] }
    keep(docStems, docText, e, DOC_STEMS_KEPT)
  }
  return e
}

/** The subject words a document mentions (synonyms and one-letter typos count). */
export function matched(subject: string[], docText: string): Set<string> {
  const found = new Set<string>()
  if (subject.length === 0) return found
  const { have, list } = stemsOf(docText)
  for (const w of subject) {
    if (have.has(w) || (w.length >= 3 && list.some((d) => nearlyEqual(w, d)))) found.add(w)
    else if (/\d/.test(w) && list.some((d) => d.replace(/[^a-z0-9]/g, '') === w.replace(/[^a-z0-9]/g, ''))) found.add(w)
  }
  return found
}

/** Share of the subject words a document mentions. */
export function coverage(subject: string[], docText: string): number {
  return subject.length === 0 ? 0 : matched(subject, docText).size / subject.length
}

/** Drops documents outside their dates (defence in depth: the search service filters them too). */
export function current(hits: SearchHit[], now: Date): SearchHit[] {
  const t = now.getTime()
  return hits.filter((h) => (!h.expiresAt || Date.parse(h.expiresAt) > t) && (!h.effectiveAt || Date.parse(h.effectiveAt) <= t))
}

/** Confidence of a set of hits for a question; `bodies` gives full text for hits when the caller has it. */
export function confidenceOf(q: string, hits: SearchHit[], bodies: Map<string, string> = new Map()): number {
  if (hits.length === 0) return 0
  if (hits[0].exact) return 0.95
  const subject = subjectStems(q)
  if (subject.length === 0) return 0.3
  let best = 0
  for (const h of hits.slice(0, 3)) best = Math.max(best, coverage(subject, hitText(h, bodies.get(h.id))))
  return Math.round(best * 0.9 * 100) / 100
}

export async function retrieve(source: DmsSource, o: RetrieveOptions): Promise<Retrieved> {
  const r = await source.search({
    q: o.q, storeId: o.storeId, now: o.now, type: o.type, limit: o.limit ?? 6,
    includeUnavailable: o.includeUnavailable, filters: o.filters,
  })
  const hits = current(r.hits, o.now)
  return { hits, confidence: confidenceOf(o.q, hits) }
}
