import { createHash } from 'node:crypto'
import type { IndexedDocument, SearchHit } from './contract.ts'
import { identifierKeys } from './query.ts'
import { CATEGORY_LABELS, type DocType, type UnitCategory } from './types.ts'

/** Far-future epoch ms standing for "never expires", so both engines can filter with `expiresAt > now`. */
export const NEVER = 8_640_000_000_000_000

/** The flat shape both engines index: searchable text, filterable attributes, and the original fields for display. */
export interface SearchRecord {
  id: string
  storeId: string
  type: DocType
  title: string
  body: string
  /** Make/model/trim/category words, fitment and topics: searchable, weighted above the body. */
  keywords: string
  /** Normalized identifiers, space separated (searchable without typos). */
  identText: string
  ident: string[]
  make?: string
  model?: string
  category?: string
  condition?: string
  status: string
  brand?: string
  topic?: string
  kind?: string
  year?: number
  price?: number
  fitment: string[]
  effectiveAt: number
  expiresAt: number
  fields: Record<string, unknown>
  source: string
}

const s = (x: unknown): string | undefined => (typeof x === 'string' && x.trim() ? x.trim() : undefined)
const n = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)
const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((i): i is string => typeof i === 'string') : [])
const lc = (x: string | undefined) => x?.toLowerCase()

/** Filter key for "fits this vehicle": `make|model` or `make|model|year`, lower-case. */
export const fitmentKey = (make: string, model: string, year?: number) =>
  [make, model, year].filter((p) => p !== undefined).map((p) => String(p).toLowerCase().replace(/\s+/g, ' ').trim()).join('|')

interface FitmentRow { make: string; model: string; yearFrom: number; yearTo: number }
const fitmentRows = (x: unknown): FitmentRow[] => (Array.isArray(x) ? (x as FitmentRow[]) : [])

export function fitmentText(rows: FitmentRow[]): string {
  return rows.map((f) => `${f.yearFrom === f.yearTo ? f.yearFrom : `${f.yearFrom}-${f.yearTo}`} ${f.make} ${f.model}`).join('; ')
}

export function toRecord(doc: IndexedDocument): SearchRecord {
  const f = doc.fields
  const rec: SearchRecord = {
    id: doc.id, storeId: doc.storeId, type: doc.type, title: doc.title, body: doc.body,
    keywords: '', identText: '', ident: [], status: 'active', fitment: [],
    // Every record gets every property (one object shape), so the engines' filter loops stay monomorphic.
    make: undefined, model: undefined, category: undefined, condition: undefined, brand: undefined, topic: undefined,
    kind: undefined, year: undefined, price: undefined,
    effectiveAt: doc.effectiveAt.getTime(), expiresAt: doc.expiresAt ? doc.expiresAt.getTime() : NEVER,
    fields: f, source: doc.source,
  }
  const words: Array<string | undefined> = []
  let ids: Array<string | undefined> = []
  let vins: Array<string | undefined> = []
  switch (doc.type) {
    case 'unit': {
      rec.make = lc(s(f.make)); rec.model = lc(s(f.model)); rec.category = s(f.category); rec.condition = s(f.condition)
      rec.status = s(f.status) ?? 'in_stock'; rec.year = n(f.year); rec.price = n(f.price)
      const cat = CATEGORY_LABELS[f.category as UnitCategory]
      words.push(String(f.year ?? ''), s(f.make), s(f.model), s(f.trim), cat, s(f.condition), s(f.color), s(f.location))
      ids = [s(f.stockNumber)]; vins = [s(f.vin), s(f.hin)]
      break
    }
    case 'part': {
      rec.brand = lc(s(f.brand)); rec.price = n(f.price); rec.status = n(f.onHand) ? 'in_stock' : 'out_of_stock'
      const rows = fitmentRows(f.fitment)
      const keys = new Set<string>()
      for (const r of rows) {
        keys.add(fitmentKey(r.make, r.model)); keys.add(r.make.toLowerCase())
        for (let y = r.yearFrom; y <= r.yearTo && y - r.yearFrom < 40; y++) keys.add(fitmentKey(r.make, r.model, y))
      }
      rec.fitment = [...keys]
      // Every model year spelled out, so "2021" matches a part listed as fitting 2019-2024.
      const years = new Set(rows.flatMap((r) => Array.from({ length: Math.min(40, r.yearTo - r.yearFrom + 1) }, (_, i) => r.yearFrom + i)))
      words.push(s(f.brand), s(f.description), s(f.category), fitmentText(rows), [...years].join(' '))
      ids = [s(f.partNumber), s(f.supersededBy)]
      break
    }
    case 'recall': {
      rec.make = lc(s(f.make)); rec.status = s(f.status) ?? 'open'
      words.push('recall', s(f.make), ...list(f.models))
      ids = [s(f.campaignId), s(f.agencyId)]
      break
    }
    case 'bulletin': {
      words.push('service bulletin', ...list(f.makes), ...list(f.models))
      ids = [s(f.bulletinNumber)]
      break
    }
    case 'guide': {
      rec.kind = s(f.kind)
      words.push(...list(f.makes), ...list(f.models), ...list(f.topics), ...list(f.faultCodes))
      ids = list(f.faultCodes)
      break
    }
    case 'faq': case 'policy': {
      rec.topic = lc(s(f.topic))
      words.push(s(f.topic), s(f.question))
      break
    }
    case 'price_sheet': {
      rec.topic = lc(s(f.department))
      words.push('price sheet prices', s(f.department))
      break
    }
  }
  rec.ident = identifierKeys(ids, vins)
  rec.identText = rec.ident.join(' ')
  rec.keywords = words.filter(Boolean).join(' ')
  return rec
}

const words = (s: string, n: number) => s.replace(/[#*_>`|]+/g, ' ').replace(/\s+/g, ' ').trim().split(' ').slice(0, n).join(' ')

/**
 * Short text for the sentence encoder. USE-lite costs about 0.5 ms per token and averages over tokens, so
 * catalogue rows (the bulk: units, parts) get a dozen words; the few knowledge documents get their opening.
 */
export function embeddingText(doc: Pick<IndexedDocument, 'type' | 'title' | 'body' | 'fields'>): string {
  const f = doc.fields
  switch (doc.type) {
    case 'unit':
      return `${f.year ?? ''} ${f.make ?? ''} ${f.model ?? ''} ${CATEGORY_LABELS[f.category as UnitCategory] ?? ''}, ${f.condition ?? ''}`.replace(/\s+/g, ' ').trim()
    case 'part': {
      const fit = fitmentRows(f.fitment)[0]
      return `${String(f.description ?? doc.title)}${fit ? ` for ${fit.make} ${fit.model}` : ''}`
    }
    case 'recall': return `Safety recall: ${doc.title}`
    default: return `${doc.title}. ${words(doc.body.replace(/^#.*$/m, ''), 24)}`
  }
}

/** Stable JSON (sorted keys) so equal content always hashes the same. */
export function canonicalJson(x: unknown): string {
  if (x instanceof Date) return JSON.stringify(x.toISOString())
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  return JSON.stringify(x ?? null)
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** Hash of what a document says (not where it came from), to skip unchanged rows on re-import. */
export function contentHash(doc: { type: string; title: string; body: string; fields: unknown; effectiveAt?: Date | null; expiresAt?: Date | null }): string {
  return sha256(canonicalJson({ t: doc.type, ti: doc.title, b: doc.body, f: doc.fields, e: doc.effectiveAt ?? null, x: doc.expiresAt ?? null }))
}

/** A hit as every engine returns it. */
export function toHit(rec: Pick<SearchRecord, 'id' | 'type' | 'title' | 'fields' | 'storeId' | 'effectiveAt' | 'expiresAt' | 'source'>, score: number, snippet?: string): SearchHit {
  return {
    id: rec.id, score, type: rec.type, title: rec.title, fields: rec.fields, ...(snippet ? { snippet } : {}),
    storeId: rec.storeId, effectiveAt: new Date(rec.effectiveAt).toISOString(),
    expiresAt: rec.expiresAt >= NEVER ? null : new Date(rec.expiresAt).toISOString(), source: rec.source,
  }
}

/** About `width` characters of the body around the first query word it contains. */
export function makeSnippet(body: string, q: string, width = 180): string | undefined {
  const text = body.replace(/^---[\s\S]*?---/, '').replace(/[#*_>`]+/g, '').replace(/\s+/g, ' ').trim()
  if (!text) return undefined
  const lower = text.toLowerCase()
  const words = q.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3).map((w) => (w.length > 5 ? w.slice(0, 5) : w))
  let at = -1
  for (const w of words) {
    const re = new RegExp(`\\b${w}`)
    const m = re.exec(lower)
    if (m && (at < 0 || m.index < at)) at = m.index
  }
  if (at < 0) at = 0
  const start = Math.max(0, at - Math.floor(width / 3))
  const from = start === 0 ? 0 : text.indexOf(' ', start) + 1
  const cut = text.slice(from, from + width)
  const end = cut.length < text.length - from ? cut.replace(/\s+\S*$/, '') + '…' : cut
  return (from > 0 ? '…' : '') + end
}
