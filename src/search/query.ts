import { stopwords as englishStopwords } from '@orama/stopwords/english'
import { VIN_PATTERN, isValidVin } from './vin.ts'

/**
 * Query understanding shared by both engines: which parts of a rider's text are identifiers
 * (looked up exactly, ranked first), how semantic the query is, and powersports synonyms.
 */

export type IdentifierKind = 'vin' | 'vin_suffix' | 'fault_code' | 'campaign' | 'code'
export interface Identifier { kind: IdentifierKind; value: string }

export interface QueryAnalysis {
  text: string
  identifiers: Identifier[]
  /** An identifier whose shape is unmistakable (VIN, fault code, campaign id), found or not. */
  strongIdentifier: boolean
  question: boolean
  /** Rider words to match, synonyms appended (for engines without synonym support). */
  expanded: string
}

/** Upper-case letters and digits only: `15400-PLM-A02`, `15400 plm a02` and `15400PLMA02` compare equal. */
export const normalizeIdentifier = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '')

const FAULT_CODE = /^[PCBU][0-9A-F]{4}$/
const CAMPAIGN = /^\d{2}[VEC]\d{3,6}$/
const YEAR = /^(19[5-9]\d|20[0-4]\d)$/

/** Every identifier a document can be found by exactly; normalized. */
export function identifierKeys(values: Array<string | undefined | null>, vins: Array<string | undefined | null> = []): string[] {
  const keys = new Set<string>()
  for (const raw of values) {
    if (!raw) continue
    const n = normalizeIdentifier(raw)
    if (n.length >= 3) keys.add(n)
  }
  for (const raw of vins) {
    if (!raw) continue
    const n = normalizeIdentifier(raw)
    keys.add(n)
    // Riders and staff quote the last 6 or 8 characters of a VIN.
    if (n.length === 17) { keys.add(n.slice(-8)); keys.add(n.slice(-6)) }
  }
  return [...keys]
}

const classify = (n: string): IdentifierKind => {
  if (n.length === 17 && VIN_PATTERN.test(n)) return 'vin'
  if (FAULT_CODE.test(n)) return 'fault_code'
  if (CAMPAIGN.test(n)) return 'campaign'
  if (/^\d{6}$|^\d{8}$/.test(n)) return 'vin_suffix'
  return 'code'
}

/** Could this normalized token be a stock, part, VIN, campaign or bulletin number rather than a word or size? */
function looksLikeIdentifier(n: string): boolean {
  if (n.length < 4 || n.length > 17) return false
  if (!/\d/.test(n)) return false
  if (YEAR.test(n)) return false
  if (/^\d+$/.test(n)) return n.length >= 5 // 570, 850, 1000 are model names, not part numbers
  if (FAULT_CODE.test(n)) return true
  return /[A-Z]/.test(n) && n.length >= 5 ? true : /^[A-Z]{1,3}\d{3,}$/.test(n)
}

/** Identifier candidates in a query: single tokens and adjacent pairs (`SB 24-011`, `15400 PLM A02`). */
export function findIdentifiers(q: string): Identifier[] {
  const tokens = q.split(/[\s,;:()?!"']+/).map((t) => t.replace(/^#|#$/g, '')).filter(Boolean)
  const seen = new Map<string, Identifier>()
  const consider = (raw: string) => {
    const n = normalizeIdentifier(raw)
    if (!looksLikeIdentifier(n) || seen.has(n)) return
    seen.set(n, { kind: classify(n), value: n })
  }
  // A piece of a split code has a digit or is a short prefix (SB, SPN, PLM); "sportsman 570" is not a code.
  const piece = (t: string) => /\d/.test(t) ? !YEAR.test(normalizeIdentifier(t)) : /^[A-Za-z]{1,3}$/.test(t)
  for (let i = 0; i < tokens.length; i++) {
    consider(tokens[i])
    if (i + 1 < tokens.length && piece(tokens[i]) && piece(tokens[i + 1])) consider(tokens[i] + tokens[i + 1])
    if (i + 2 < tokens.length && piece(tokens[i]) && piece(tokens[i + 1]) && piece(tokens[i + 2])) consider(tokens[i] + tokens[i + 1] + tokens[i + 2])
  }
  return [...seen.values()]
}

const QUESTION_START = /^(why|how|what|whats|what's|when|where|which|who|can|could|does|do|did|is|are|should|will|would|my|i|i'm|im|any|need|help)\b/i
const PROBLEM_WORDS = /\b(won'?t|wont|doesn'?t|can'?t|not|keeps?|stalls?|dies|bog(s|ging)?|smok(e|es|ing)|leak(s|ing)?|noise|squeal|hot|overheat|light|flashing|problem|issue|trouble|broke|stuck)\b/i

export function analyzeQuery(q: string): QueryAnalysis {
  const text = q.trim().replace(/\s+/g, ' ')
  const identifiers = findIdentifiers(text)
  const words = text.split(' ').filter(Boolean)
  const question = text.endsWith('?') || QUESTION_START.test(text) || (words.length >= 4 && PROBLEM_WORDS.test(text))
  const strongIdentifier = identifiers.some((i) => (i.kind === 'vin' && isValidVin(i.value)) || i.kind === 'fault_code' || i.kind === 'campaign')
  return { text, identifiers, strongIdentifier, question, expanded: expandSynonyms(text) }
}

/**
 * How much the semantic side counts: low when the query is an identifier (exact characters matter),
 * higher for questions written in the rider's own words.
 */
export function semanticRatioFor(a: QueryAnalysis, exactMatches: number): number {
  if (exactMatches > 0 || a.strongIdentifier) return 0.1
  const words = a.text.split(' ').length
  // Tuned on test/fixtures/search/relevance.jsonl: results are flat for questions between 0.3 and 0.6.
  if (a.question) return 0.5
  if (words <= 2) return 0.3
  return 0.45
}

/** Powersports words riders use interchangeably; every term in a group means all the others. */
export const SYNONYM_GROUPS: readonly string[][] = [
  ['atv', 'quad', 'four wheeler', 'four-wheeler', 'fourwheeler'],
  ['utv', 'side by side', 'side-by-side', 'sxs', 'sidexside'],
  ['snowmobile', 'sled', 'snow machine', 'snowmachine'],
  ['pwc', 'jet ski', 'jetski', 'personal watercraft', 'sea-doo', 'seadoo', 'waverunner', 'wave runner'],
  ['motorcycle', 'bike', 'motorbike'],
  ['dirt bike', 'dirtbike', 'motocross', 'mx bike'],
]

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const SYNONYM_MATCHERS = SYNONYM_GROUPS.map((group) => ({
  group,
  re: new RegExp(`(^|[^a-z0-9])(${group.map(escapeRe).sort((a, b) => b.length - a.length).join('|')})(?=$|[^a-z0-9])`, 'i'),
}))

/** The synonym groups a text mentions, with the words it used. */
export function synonymMatches(q: string): Array<{ said: string; group: readonly string[] }> {
  const lower = q.toLowerCase()
  const out: Array<{ said: string; group: readonly string[] }> = []
  for (const { group, re } of SYNONYM_MATCHERS) {
    const m = re.exec(lower)
    if (m) out.push({ said: m[2], group })
  }
  return out
}

/**
 * Appends the other members of every synonym group the query mentions (for engines without synonyms).
 * `rank` (e.g. how many documents use a term) keeps only the `max` best alternatives; 0 drops a term.
 */
export function expandSynonyms(q: string, rank?: (term: string) => number, max = Infinity): string {
  const lower = q.toLowerCase()
  const extra: string[] = []
  for (const { group, re } of SYNONYM_MATCHERS) {
    const m = re.exec(lower)
    if (!m) continue
    const said = m[2]
    let others = group.filter((term) => term !== said && !extra.includes(term) && !lower.includes(term))
    if (rank) others = others.map((t) => [t, rank(t)] as const).filter(([, r]) => r > 0).sort((a, b) => b[1] - a[1]).slice(0, max).map(([t]) => t)
    extra.push(...others)
  }
  return extra.length ? `${q} ${extra.join(' ')}` : q
}

/** The same groups in Meilisearch's `synonyms` setting shape (mutual: each term lists all others). */
export function meiliSynonyms(): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const group of SYNONYM_GROUPS) for (const term of group) out[term] = group.filter((t) => t !== term)
  return out
}

/** English stop words for both engines; "not", "no", "off" and friends carry meaning in symptom descriptions, so they stay. */
export const STOP_WORDS: string[] = [
  ...englishStopwords.filter((w) => !['not', 'no', 'off', 'over', 'under', 'down', 'up', 'on', "won't", "doesn't", "can't", "isn't"].includes(w)),
  'a',
]
