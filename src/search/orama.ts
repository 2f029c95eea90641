import { count, create, insertMultiple, removeMultiple, search, type AnyOrama } from '@orama/orama'
import { tokenizer as oramaTokenizer } from '@orama/orama/components'
import {
  clampLimit, clampRatio, typeList, type FacetField, type Filters, type IndexedDocument, type SearchHealth,
  type SearchHit, type SearchIndex, type SearchRequest, type SearchResponse,
} from './contract.ts'
import { STOP_WORDS, expandSynonyms, synonymMatches } from './query.ts'
import { NEVER, makeSnippet, toHit, toRecord, type SearchRecord } from './record.ts'
import { Vocabulary } from './typo.ts'
import { normalize } from './embedder.ts'

/**
 * The embedded engine: Orama 3 in process, rebuilt from Postgres at start-up (no persistence of its own).
 * Keyword (BM25, English stemming and stop words) and vector (cosine) sides run separately and are fused
 * with a convex combination, so a semantic ratio of exactly 0 or 1 means what it says.
 */

const schema = (dims: number) => ({
  storeId: 'enum', type: 'enum', title: 'string', body: 'string', keywords: 'string', identText: 'string',
  ident: 'enum[]', make: 'enum', model: 'enum', category: 'enum', condition: 'enum', status: 'enum', brand: 'enum',
  topic: 'enum', kind: 'enum', year: 'number', price: 'number', fitment: 'enum[]', effectiveAt: 'number',
  expiresAt: 'number', embedding: `vector[${dims}]`,
}) as const

const TEXT_PROPS = ['title', 'keywords', 'identText', 'body']
const BOOST = { title: 3, keywords: 2, identText: 4, body: 1 }
const ENUM_FILTERS = new Set(['storeId', 'make', 'model', 'category', 'condition', 'status', 'brand', 'topic', 'kind'])
const LOWER_FILTERS = new Set(['make', 'model', 'brand', 'topic'])
const NUMBER_FILTERS = new Set(['year', 'price', 'effectiveAt', 'expiresAt'])
const ARRAY_FILTERS: Record<string, string> = { fitment: 'fitment', ident: 'ident' }

export interface OramaOptions {
  dims: number
  /** Lowest cosine similarity a vector hit needs (USE-lite puts unrelated texts around 0.1-0.3). */
  minSimilarity?: number
  /** Candidates taken from each side before fusing. */
  candidates?: number
}

type Rec = SearchRecord & { embedding?: number[] | null }

export class OramaSearchIndex implements SearchIndex {
  readonly engine = 'orama' as const
  private db: AnyOrama
  private vocab: Vocabulary
  private records = new Map<string, Rec>()
  /** Normalized copies, to score keyword candidates that fell outside the vector side's top list. */
  private vectors = new Map<string, Float32Array>()
  private readonly minSimilarity: number
  private readonly candidates: number

  constructor(private opts: OramaOptions) {
    this.minSimilarity = opts.minSimilarity ?? 0.2
    this.candidates = opts.candidates ?? 60
    ;({ db: this.db, vocab: this.vocab } = this.fresh())
  }

  private fresh() {
    const tokenizer = oramaTokenizer.createTokenizer({ language: 'english', stemming: true, stopWords: STOP_WORDS, stemmerSkipProperties: ['identText'] })
    const tokenize = tokenizer.tokenize
    // Orama matches every query word as a prefix: "570" finds part 5709-091 and "running" finds "runners".
    // An end mark on every token, at index and query time, makes only whole words (after stemming) match.
    // Hyphens separate words as spaces do ("trade-in", "side-by-side", "Sea-Doo"); identifiers stay whole in identText.
    tokenizer.tokenize = (raw, language, prop, withCache) =>
      tokenize(typeof raw === 'string' && prop !== 'identText' ? raw.replace(/-/g, ' ') : raw, language, prop, withCache).map((t) => `${t}#`)
    const db = create({ schema: schema(this.opts.dims), components: { tokenizer } }) as AnyOrama
    const vocab = new Vocabulary((w) => db.tokenizer.tokenize(w, 'english', 'body', false)[0]?.slice(0, -1))
    return { db, vocab }
  }

  async index(docs: IndexedDocument[]): Promise<void> {
    if (!docs.length) return
    const byId = new Map(docs.map((d) => [d.id, d]))
    const existing = [...byId.keys()].filter((id) => this.records.has(id))
    if (existing.length) this.removeIds(existing)
    this.insert([...byId.values()])
  }

  async delete(ids: string[]): Promise<void> {
    this.removeIds(ids.filter((id) => this.records.has(id)))
  }

  private insert(docs: IndexedDocument[]) {
    const recs: Rec[] = docs.map((d) => {
      const rec: Rec = toRecord(d)
      if (d.vector && d.vector.length === this.opts.dims) rec.embedding = Array.from(d.vector)
      return rec
    })
    insertMultiple(this.db, recs as never, 1000)
    for (const r of recs) {
      // Orama copies vectors into its own Float32Array index; drop the boxed copy kept in the document store.
      if (r.embedding) this.vectors.set(r.id, normalize(r.embedding))
      r.embedding = null
      this.records.set(r.id, r)
      this.vocab.add(`${r.title} ${r.keywords} ${r.body}`)
    }
  }

  private removeIds(ids: string[]) {
    if (!ids.length) return
    removeMultiple(this.db, ids, 1000)
    for (const id of ids) {
      const r = this.records.get(id)
      if (r) this.vocab.remove(`${r.title} ${r.keywords} ${r.body}`)
      this.records.delete(id)
      this.vectors.delete(id)
    }
  }

  async rebuild(batches: AsyncIterable<IndexedDocument[]> | Iterable<IndexedDocument[]>): Promise<void> {
    const previous = { db: this.db, vocab: this.vocab, records: this.records, vectors: this.vectors }
    ;({ db: this.db, vocab: this.vocab } = this.fresh())
    this.records = new Map()
    this.vectors = new Map()
    try {
      for await (const batch of batches) this.insert(batch)
    } catch (err) {
      Object.assign(this, previous)
      throw err
    }
  }

  async health(): Promise<SearchHealth> {
    return { ok: true, engine: 'orama', documents: count(this.db) }
  }

  async search(req: SearchRequest): Promise<SearchResponse> {
    const started = performance.now()
    const limit = clampLimit(req.limit)
    const ratio = clampRatio(req.semanticRatio)
    const where = this.where(req)
    const q = req.q.trim()
    const facets = req.facets?.length ? Object.fromEntries(req.facets.map((f) => [f, { limit: 50 }])) : undefined
    const wantVector = ratio > 0 && !!req.vector && req.vector.length === this.opts.dims
    const wantKeyword = !!q && (ratio < 1 || !wantVector)
    const k = Math.max(this.candidates, limit)

    let facetCounts: SearchResponse['facets']
    const kw = new Map<string, number>()
    if (wantKeyword) {
      const corrected = this.vocab.correct(q).text
      const coverage = this.coverageOf(corrected)
      const expanded = expandSynonyms(corrected)
      const base = { properties: TEXT_PROPS, boost: BOOST, threshold: 1, limit: k * 2, ...(where ? { where } : {}) }
      const synonyms = expanded !== corrected
      const r = await search(this.db, { ...base, term: corrected, ...(facets && !synonyms ? { facets } : {}) } as never)
      for (const h of r.hits) kw.set(h.id, h.score)
      facetCounts = facetsOf(r.facets)
      if (synonyms) {
        // Synonyms widen the match but count less than the rider's own words.
        const r2 = await search(this.db, { ...base, term: expanded, ...(facets ? { facets } : {}) } as never)
        for (const h of r2.hits) kw.set(h.id, Math.max(kw.get(h.id) ?? 0, SYNONYM_WEIGHT * h.score))
        facetCounts = facetsOf(r2.facets)
      }
      // Like Meilisearch's "words" rule: a document with more of the query's words outranks one that repeats a few.
      for (const [id, score] of kw) kw.set(id, score * coverage(id) ** COVERAGE_POWER)
    }
    const vec = new Map<string, number>()
    if (wantVector) {
      const qv = normalize(req.vector!)
      const r = await search(this.db, {
        mode: 'vector', vector: { value: Array.from(qv), property: 'embedding' },
        similarity: this.minSimilarity, limit: k, ...(where ? { where } : {}),
      } as never)
      for (const h of r.hits) vec.set(h.id, h.score)
      // A keyword candidate outside the vector top list still gets its real similarity, not zero.
      for (const id of kw.keys()) {
        const v = vec.has(id) ? undefined : this.vectors.get(id)
        if (v) vec.set(id, Math.max(0, dot(qv, v)))
      }
    }
    if (!q && !wantVector) {
      // Filter-only browse (and exact identifier lookup): every match scores the same.
      const r = await search(this.db, { limit, ...(where ? { where } : {}), ...(facets ? { facets } : {}) } as never)
      for (const h of r.hits) kw.set(h.id, 1)
      facetCounts = facetsOf(r.facets)
    } else if (facets && !wantKeyword) {
      const r = await search(this.db, { limit: 1, ...(where ? { where } : {}), facets } as never)
      facetCounts = facetsOf(r.facets)
    }

    const hits = fuse(kw, vec, wantKeyword || !q ? 1 - ratio : 0, wantVector ? ratio : 0)
      .slice(0, limit)
      .map(([id, score]): SearchHit => {
        const rec = this.records.get(id)!
        return toHit(rec, round(score), q ? makeSnippet(rec.body, q) : undefined)
      })
    return { hits, ...(facetCounts ? { facets: facetCounts } : {}), tookMs: performance.now() - started }
  }

  /** Share of the query's words (or a synonym of them) that a document contains, per document id. */
  private coverageOf(q: string): (id: string) => number {
    const tok = (t: string) => new Set(this.db.tokenizer.tokenize(t, 'english', 'body') as string[])
    const terms = [...tok(q)]
    if (terms.length <= 1) return () => 1
    const groups = synonymMatches(q).map(({ said, group }) => ({ said: [...tok(said)], alternatives: group.map((g) => [...tok(g)]) }))
    return (id) => {
      const r = this.records.get(id)
      if (!r) return 0
      const have = tok(`${r.title} ${r.keywords} ${r.identText} ${r.body}`)
      const covered = new Set(terms.filter((t) => have.has(t)))
      for (const g of groups) if (g.alternatives.some((alt) => alt.length && alt.every((t) => have.has(t)))) g.said.forEach((t) => covered.add(t))
      return covered.size / terms.length
    }
  }

  private where(req: SearchRequest): Record<string, unknown> | undefined {
    const clauses: Record<string, unknown>[] = []
    const types = typeList(req.type)
    if (types) clauses.push({ type: { in: types } })
    for (const [key, value] of Object.entries(req.filters ?? {}) as Array<[keyof Filters, Filters[keyof Filters]]>) {
      if (value === undefined) continue
      if (ENUM_FILTERS.has(key)) {
        const norm = (x: string | number) => (LOWER_FILTERS.has(key) ? String(x).toLowerCase() : String(x))
        if (Array.isArray(value)) clauses.push({ [key]: { in: value.map(norm) } })
        else if (typeof value !== 'object') clauses.push({ [key]: { eq: norm(value) } })
        else throw new Error(`filter ${key} takes a value or a list, not a range`)
      } else if (NUMBER_FILTERS.has(key)) {
        if (typeof value === 'number') clauses.push({ [key]: { eq: value } })
        else if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const op of ['gte', 'lte', 'gt', 'lt'] as const) if (value[op] !== undefined) clauses.push({ [key]: { [op]: value[op] } })
        } else throw new Error(`filter ${key} takes a number or a range`)
      } else if (key in ARRAY_FILTERS) {
        const list = (Array.isArray(value) ? value : [value]).map(String)
        clauses.push({ [ARRAY_FILTERS[key]]: { containsAny: list } })
      } else {
        throw new Error(`unknown filter ${key}`)
      }
    }
    if (req.excludeStatus?.length) clauses.push({ status: { nin: req.excludeStatus } })
    return clauses.length ? { and: clauses } : undefined
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6
const SYNONYM_WEIGHT = 0.8
/** Cubed, so covering all query words beats repeating some (tuned on the relevance set: 1 -> 0.91, 3 -> 0.95 top-1). */
const COVERAGE_POWER = 3
function dot(a: Float32Array, b: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

/** Convex combination of max-normalized keyword and vector scores. */
export function fuse(kw: Map<string, number>, vec: Map<string, number>, wKw: number, wVec: number): Array<[string, number]> {
  const maxKw = Math.max(0, ...kw.values()) || 1
  const maxVec = Math.max(0, ...vec.values()) || 1
  const out = new Map<string, number>()
  if (wKw > 0) for (const [id, s] of kw) out.set(id, (wKw * s) / maxKw)
  if (wVec > 0) for (const [id, s] of vec) out.set(id, (out.get(id) ?? 0) + (wVec * s) / maxVec)
  return [...out].sort((a, b) => b[1] - a[1] || (kw.get(b[0]) ?? 0) - (kw.get(a[0]) ?? 0))
}

function facetsOf(raw: unknown): SearchResponse['facets'] {
  if (!raw) return undefined
  const out: Partial<Record<FacetField, Record<string, number>>> = {}
  for (const [name, f] of Object.entries(raw as Record<string, { values: Record<string, number> }>)) {
    // Orama counts documents without the attribute under "" (and "undefined"); Meilisearch leaves them out.
    out[name as FacetField] = Object.fromEntries(Object.entries(f.values).filter(([v, c]) => c > 0 && v !== '' && v !== 'undefined'))
  }
  return out
}

export { NEVER }
