import { count, create, insertMultiple, removeMultiple, search, type AnyOrama } from '@orama/orama'
import { tokenizer as oramaTokenizer } from '@orama/orama/components'
import {
  clampLimit, clampRatio, typeList, type FacetField, type Filters, type IndexedDocument, type SearchHealth,
  type SearchHit, type SearchIndex, type SearchRequest, type SearchResponse,
} from './contract.ts'
import { STOP_WORDS, expandSynonyms, synonymMatches } from './query.ts'
import { makeSnippet, toHit, toRecord, type SearchRecord } from './record.ts'
import { Vocabulary } from './typo.ts'
import { normalize } from './embedder.ts'

/**
 * The embedded engine, rebuilt from Postgres at start-up (no persistence of its own). Orama 3 does the keyword
 * side (BM25, English stemming and stop words, whole-word matching); vectors live in one contiguous Float32Array
 * scanned with the filters as a predicate (Orama's own vector index walks a Map and builds filter sets: 3-4x
 * slower at 20k documents). The sides are fused with a convex combination, so a semantic ratio of exactly
 * 0 or 1 means what it says. Typo tolerance and synonyms are applied to the query (see typo.ts, query.ts).
 */

const schema = {
  storeId: 'enum', type: 'enum', title: 'string', body: 'string', keywords: 'string', identText: 'string',
  ident: 'enum[]', make: 'enum', model: 'enum', category: 'enum', condition: 'enum', status: 'enum', brand: 'enum',
  topic: 'enum', kind: 'enum', year: 'number', price: 'number', fitment: 'enum[]', effectiveAt: 'number', expiresAt: 'number',
} as const

const TEXT_PROPS = ['title', 'keywords', 'identText', 'body']
const WORD_PROPS = ['title', 'keywords', 'body']
const BOOST = { title: 3, keywords: 2, identText: 4, body: 1 }
const ENUM_FILTERS = new Set(['storeId', 'make', 'model', 'category', 'condition', 'status', 'brand', 'topic', 'kind'])
const LOWER_FILTERS = new Set(['make', 'model', 'brand', 'topic'])
const NUMBER_FILTERS = new Set(['year', 'price', 'effectiveAt', 'expiresAt'])
const ARRAY_FILTERS: Record<string, string> = { fitment: 'fitment', ident: 'ident' }
/** Keyword matches taken before filtering in JS; when filters leave too few, Orama filters instead. */
const KEYWORD_POOL = 1000

export interface OramaOptions {
  dims: number
  /** Lowest cosine similarity a vector hit needs (USE-lite puts unrelated texts around 0.1-0.3). */
  minSimilarity?: number
  /** Candidates taken from each side before fusing. */
  candidates?: number
}

/** Normalized vectors in one growable Float32Array; a slot per document (exported for its tests). */
export class VectorStore {
  private matrix: Float32Array
  private ids: Array<string | null> = []
  private recs: Array<SearchRecord | null> = []
  private slots = new Map<string, number>()
  private free: number[] = []
  constructor(private dims: number) { this.matrix = new Float32Array(dims * 1024) }

  set(id: string, v: ArrayLike<number>, rec: SearchRecord) {
    let slot = this.slots.get(id)
    if (slot === undefined) {
      slot = this.free.pop() ?? this.ids.length
      if ((slot + 1) * this.dims > this.matrix.length) {
        const bigger = new Float32Array(this.matrix.length * 2)
        bigger.set(this.matrix)
        this.matrix = bigger
      }
      this.ids[slot] = id
      this.slots.set(id, slot)
    }
    this.recs[slot] = rec
    this.matrix.set(normalize(v), slot * this.dims)
  }

  delete(id: string) {
    const slot = this.slots.get(id)
    if (slot === undefined) return
    this.slots.delete(id)
    this.ids[slot] = null
    this.recs[slot] = null
    this.free.push(slot)
  }

  similarity(q: Float32Array, id: string): number | undefined {
    const slot = this.slots.get(id)
    return slot === undefined ? undefined : this.dot(q, slot * this.dims, this.dims)
  }

  private dot(q: Float32Array, off: number, d: number): number {
    const m = this.matrix
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0
    let i = 0
    for (; i + 3 < d; i += 4) {
      s0 += q[i] * m[off + i]; s1 += q[i + 1] * m[off + i + 1]; s2 += q[i + 2] * m[off + i + 2]; s3 += q[i + 3] * m[off + i + 3]
    }
    for (; i < d; i++) s0 += q[i] * m[off + i]
    return s0 + s1 + s2 + s3
  }

  /**
   * The k most similar accepted documents at or above `min`. Large indexes are scanned in two passes: the first
   * half of each vector shortlists PREFILTER×k candidates (half the multiply-adds over every document), and
   * the full vectors rank the shortlist exactly. Small indexes are scanned whole.
   */
  top(q: Float32Array, accept: ((r: SearchRecord) => boolean) | undefined, min: number, k: number): Array<[string, number]> {
    const shortlist = k * PREFILTER
    if (this.ids.length <= shortlist * 4) return this.scan(q, accept, min, k, this.dims)
    const half = this.dims >> 1
    // A half-vector score is about half the full one, so its floor is too (cosines are spread over all dims).
    const candidates = this.scan(q, accept, min / 2, shortlist, half)
    const out: Array<[string, number]> = []
    for (const [id] of candidates) {
      const s = this.dot(q, this.slots.get(id)! * this.dims, this.dims)
      if (s >= min) out.push([id, s])
    }
    return out.sort((a, b) => b[1] - a[1]).slice(0, k)
  }

  /**
   * The k best-scoring accepted documents at or above `min`. The filter runs only on documents good enough to be
   * kept (best first, when the buffer is pruned), and at most once each: a store's whole index passes the score
   * floor before it rises, and the filter (store, dates, status) costs more than the dot product.
   */
  private scan(q: Float32Array, accept: ((r: SearchRecord) => boolean) | undefined, min: number, k: number, dims: number): Array<[string, number]> {
    let out: Array<[number, number]> = [] // [slot, score]
    let floor = min // rises to the k-th best accepted score, so most documents are rejected without allocating
    const verdict = accept ? new Uint8Array(this.ids.length) : undefined // 0 not asked yet, 1 accepted, 2 rejected
    const prune = () => {
      out.sort((a, b) => b[1] - a[1])
      const kept: Array<[number, number]> = []
      for (const e of out) {
        if (kept.length >= k) break
        if (verdict && verdict[e[0]] === 0) verdict[e[0]] = accept!(this.recs[e[0]]!) ? 1 : 2
        if (!verdict || verdict[e[0]] === 1) kept.push(e)
      }
      out = kept
      if (out.length >= k) floor = out[k - 1][1]
    }
    for (let slot = 0; slot < this.ids.length; slot++) {
      if (this.ids[slot] === null || this.recs[slot] === null) continue
      const s = this.dot(q, slot * this.dims, dims)
      if (s < floor) continue
      out.push([slot, s])
      if (out.length >= k * 4) prune()
    }
    prune()
    return out.map(([slot, s]) => [this.ids[slot]!, s])
  }
}

/** Shortlist size of the two-pass vector scan, in multiples of k (checked against the exact scan in bench/search.ts). */
const PREFILTER = 8

export class OramaSearchIndex implements SearchIndex {
  readonly engine = 'orama' as const
  private db: AnyOrama
  private vocab: Vocabulary
  private records = new Map<string, SearchRecord>()
  private vectors: VectorStore
  /** Stored identifiers without a digit (normally none). */
  private letterOnlyIdents = 0
  /** Exact identifier -> document ids, so identifier lookups skip the scan. */
  private idents = new Map<string, Set<string>>()
  /** Stemmed words per document, for the coverage rule (filled lazily). */
  private words = new Map<string, Set<string>>()
  private readonly minSimilarity: number
  private readonly candidates: number

  constructor(private opts: OramaOptions) {
    this.minSimilarity = opts.minSimilarity ?? 0.2
    this.candidates = opts.candidates ?? 60
    this.vectors = new VectorStore(opts.dims)
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
    const db = create({ schema, components: { tokenizer } }) as AnyOrama
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
    const recs = docs.map(toRecord)
    insertMultiple(this.db, recs.map(keywordView) as never, 1000)
    docs.forEach((d, i) => {
      const r = recs[i]
      this.records.set(r.id, r)
      for (const key of r.ident) {
        let set = this.idents.get(key)
        if (!set) this.idents.set(key, (set = new Set()))
        set.add(r.id)
        if (!/\d/.test(key)) this.letterOnlyIdents++
      }
      if (d.vector && d.vector.length === this.opts.dims) this.vectors.set(r.id, d.vector, r)
      this.vocab.add(`${r.title} ${r.keywords} ${r.body}`)
    })
  }

  private removeIds(ids: string[]) {
    if (!ids.length) return
    removeMultiple(this.db, ids, 1000)
    for (const id of ids) {
      const r = this.records.get(id)
      if (r) this.vocab.remove(`${r.title} ${r.keywords} ${r.body}`)
      for (const key of r?.ident ?? []) {
        this.idents.get(key)?.delete(id)
        if (!/\d/.test(key)) this.letterOnlyIdents--
      }
      this.records.delete(id)
      this.vectors.delete(id)
      this.words.delete(id)
    }
  }

  async rebuild(batches: AsyncIterable<IndexedDocument[]> | Iterable<IndexedDocument[]>): Promise<void> {
    const previous = { db: this.db, vocab: this.vocab, records: this.records, vectors: this.vectors, words: this.words, idents: this.idents, letterOnlyIdents: this.letterOnlyIdents }
    ;({ db: this.db, vocab: this.vocab } = this.fresh())
    this.records = new Map()
    this.idents = new Map()
    this.letterOnlyIdents = 0
    this.vectors = new VectorStore(this.opts.dims)
    this.words = new Map()
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
    const accept = compileFilter(req)
    const ok = accept ? (id: string) => { const r = this.records.get(id); return !!r && accept(r) } : () => true
    const q = req.q.trim()
    const k = Math.max(this.candidates, limit)
    const qv = ratio > 0 && req.vector && req.vector.length === this.opts.dims ? normalize(req.vector) : null
    const wantVector = !!qv
    const kw = new Map<string, number>()
    let matched: string[] | undefined // every keyword match passing the filters (for facets)
    const wantKeyword = !!q && (ratio < 1 || !wantVector)
    if (wantKeyword) matched = await this.keywordScores(q, req, ok, k, kw)
    const vec = new Map<string, number>()
    if (qv) {
      for (const [id, s] of this.vectors.top(qv, accept, this.minSimilarity, k)) vec.set(id, s)
      // A keyword candidate outside the vector top list still gets its real similarity, not zero.
      for (const id of kw.keys()) if (!vec.has(id)) vec.set(id, Math.max(0, this.vectors.similarity(qv, id) ?? 0))
    }
    if (!q && !wantVector) {
      // Filter-only browse (and exact identifier lookup): every match scores the same.
      matched = []
      const wanted = req.filters?.ident
      const pool = wanted === undefined ? this.records.values()
        : [...new Set([wanted].flat().flatMap((key) => [...(this.idents.get(String(key)) ?? [])]))].map((id) => this.records.get(id)!)
      for (const r of pool) if (!accept || accept(r)) { matched.push(r.id); if (kw.size < limit) kw.set(r.id, 1) }
    }
    if (req.facets?.length && !matched) {
      matched = []
      for (const r of this.records.values()) if (!accept || accept(r)) matched.push(r.id)
    }

    const hits = preferOem(fuse(kw, vec, wantKeyword || !q ? 1 - ratio : 0, wantVector ? ratio : 0), this.records)
      .slice(0, limit)
      .map(([id, score]): SearchHit => {
        const rec = this.records.get(id)!
        return toHit(rec, round(score), q ? makeSnippet(rec.body, q) : undefined)
      })
    const facets = req.facets?.length ? this.facetCounts(req.facets, matched ?? []) : undefined
    return { hits, ...(facets ? { facets } : {}), tookMs: performance.now() - started }
  }

  /** BM25 scores (times query-word coverage) of the rider's words and their synonyms, into `kw`; returns every match when facets need them. */
  private async keywordScores(q: string, req: SearchRequest, ok: (id: string) => boolean, k: number, kw: Map<string, number>) {
    let matched: string[] | undefined
    const corrected = this.vocab.correct(q).text
    // Synonyms: only the (at most two) alternatives the documents use most, which keeps the query short.
    const expanded = expandSynonyms(corrected, (t) => this.vocab.frequency(t), 2)
    const coverage = this.coverageOf(corrected)
    // Synonyms widen the match but count less than the rider's own words.
    const terms = expanded === corrected ? [[corrected, 1]] as const : [[corrected, 1], [expanded, SYNONYM_WEIGHT]] as const
    for (const [term, weight] of terms) {
      const found = await this.keyword(this.withoutCommonWords(term), req, ok, 2 * k, !!req.facets?.length)
      for (const [id, score] of found.top) kw.set(id, Math.max(kw.get(id) ?? 0, weight * score))
      if (found.all) matched = [...new Set([...(matched ?? []), ...found.all])]
    }
    // Like Meilisearch's "words" rule: a document with more of the query's words outranks one that repeats a few.
    for (const [id, score] of kw) kw.set(id, score * coverage(id) ** COVERAGE_POWER)
    return matched
  }

  /**
   * Drops words found in more than a quarter of all documents (e.g. "price", "new") when rarer words remain:
   * they barely move BM25 but make Orama score most of the index. Coverage still counts them.
   */
  private withoutCommonWords(q: string): string {
    const common = this.records.size * COMMON_SHARE
    const words = q.split(/\s+/).filter(Boolean)
    const rare = words.filter((w) => /\d/.test(w) || this.vocab.frequency(w) <= common)
    return rare.length ? rare.join(' ') : q
  }

  /** BM25 matches of `term` that pass the filters: filtered in JS from a pool, or by Orama when the pool runs dry. */
  private async keyword(term: string, req: SearchRequest, ok: (id: string) => boolean, want: number, needAll: boolean) {
    // Identifier tokens carry digits; a query without digits cannot match them, so that pass is skipped
    // (unless some stored identifier has no digit).
    const base = { term, properties: /\d/.test(term) || this.letterOnlyIdents > 0 ? TEXT_PROPS : WORD_PROPS, boost: BOOST, threshold: 1 }
    const r = await search(this.db, { ...base, limit: needAll ? Number.MAX_SAFE_INTEGER : KEYWORD_POOL } as never)
    let hits = (r.hits as Array<{ id: string; score: number }>).filter((h) => ok(h.id))
    if (!needAll && hits.length < want && r.count > KEYWORD_POOL) {
      const where = this.where(req)
      const filtered = await search(this.db, { ...base, limit: want, ...(where ? { where } : {}) } as never)
      hits = filtered.hits as Array<{ id: string; score: number }>
    }
    return { top: hits.slice(0, want).map((h) => [h.id, h.score] as [string, number]), all: needAll ? hits.map((h) => h.id) : undefined }
  }

  private facetCounts(fields: FacetField[], ids: string[]): SearchResponse['facets'] {
    const out: Partial<Record<FacetField, Record<string, number>>> = {}
    for (const f of fields) {
      const counts: Record<string, number> = {}
      for (const id of ids) {
        const v = this.records.get(id)?.[f as keyof SearchRecord]
        if (typeof v === 'string' && v) counts[v] = (counts[v] ?? 0) + 1
      }
      out[f] = counts
    }
    return out
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
      let have = this.words.get(id)
      if (!have) this.words.set(id, (have = tok(`${r.title} ${r.keywords} ${r.identText} ${r.body}`)))
      const covered = new Set(terms.filter((t) => have!.has(t)))
      for (const g of groups) if (g.alternatives.some((alt) => alt.length && alt.every((t) => have!.has(t)))) g.said.forEach((t) => covered.add(t))
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

/** How much closer an OEM part may be pulled (a near-tie), not a reordering of clearly different matches. */
const OEM_PREFERENCE = 1.01

/**
 * A parts counter offers the vehicle maker's own part first when several fit equally well (the Honda filter
 * before the Hiflofiltro and K&N ones for an Africa Twin): an OEM part (its brand is a make it fits) gains 1%.
 */
function preferOem(ranked: Array<[string, number]>, records: Map<string, SearchRecord>): Array<[string, number]> {
  let changed = false
  const out = ranked.map(([id, score]): [string, number] => {
    const r = records.get(id)
    if (r?.type !== 'part' || !r.brand || !r.fitment.includes(r.brand)) return [id, score]
    changed = true
    return [id, score * OEM_PREFERENCE]
  })
  return changed ? out.sort((a, b) => b[1] - a[1]) : ranked
}

/** Catalogue rows whose body mostly repeats their title and keywords; their bodies are indexed lean (parts: 70% of a dealer's documents). */
const CATALOGUE_TYPES = new Set(['part'])
const wordKey = (w: string) => w.toLowerCase().replace(/[^a-z0-9]+/g, '')

/**
 * What Orama indexes for a record. A part's body restates its brand, description, fitment and numbers,
 * which are already indexed (and boosted) as title and keywords; indexing them again doubles the posting
 * lists BM25 walks on every query. So only the body words found nowhere else are kept, once each: every
 * word stays findable and the snippet still comes from the full body.
 */
export function keywordView(r: SearchRecord): SearchRecord {
  if (!CATALOGUE_TYPES.has(r.type)) return r
  const known = new Set(`${r.title} ${r.keywords} ${r.identText}`.split(/\s+/).map(wordKey))
  const extra: string[] = []
  for (const w of r.body.split(/\s+/)) {
    const k = wordKey(w)
    if (k && !known.has(k)) { known.add(k); extra.push(w) }
  }
  return { ...r, body: extra.join(' ') }
}
/** Cubed, so covering all query words beats repeating some (tuned on the relevance set: 1 -> 0.91, 3 -> 0.95 top-1). */
const COVERAGE_POWER = 3
const SYNONYM_WEIGHT = 0.8
const COMMON_SHARE = 0.25

// Static property reads (one per filter) instead of r[key]: the filters run once per candidate document.
const NUMBER_GETTERS = {
  year: (r: SearchRecord) => r.year, price: (r: SearchRecord) => r.price,
  effectiveAt: (r: SearchRecord) => r.effectiveAt, expiresAt: (r: SearchRecord) => r.expiresAt,
}
const ENUM_GETTERS = {
  storeId: (r: SearchRecord) => r.storeId, make: (r: SearchRecord) => r.make, model: (r: SearchRecord) => r.model,
  category: (r: SearchRecord) => r.category, condition: (r: SearchRecord) => r.condition, status: (r: SearchRecord) => r.status,
  brand: (r: SearchRecord) => r.brand, topic: (r: SearchRecord) => r.topic, kind: (r: SearchRecord) => r.kind,
}

/** The request's type, filters and excluded statuses as one predicate over a record (same rules as `where`). */
export function compileFilter(req: Pick<SearchRequest, 'type' | 'filters' | 'excludeStatus'>): ((r: SearchRecord) => boolean) | undefined {
  const tests: Array<(r: SearchRecord) => boolean> = []
  const types = typeList(req.type)
  if (types) tests.push((r) => types.includes(r.type))
  for (const [key, value] of Object.entries(req.filters ?? {}) as Array<[keyof Filters, Filters[keyof Filters]]>) {
    if (value === undefined) continue
    if (ENUM_FILTERS.has(key)) {
      const norm = (x: string | number) => (LOWER_FILTERS.has(key) ? String(x).toLowerCase() : String(x))
      if (typeof value === 'object' && !Array.isArray(value)) throw new Error(`filter ${key} takes a value or a list, not a range`)
      const values = (Array.isArray(value) ? value : [value]).map(norm)
      const get = ENUM_GETTERS[key as keyof typeof ENUM_GETTERS]
      // One value (the store, nearly always) is a string comparison; a set lookup hashes on every call.
      if (values.length === 1) { const only = values[0]; tests.push((r) => (get(r) ?? '') === only) } else {
        const allowed = new Set(values)
        tests.push((r) => allowed.has(get(r) ?? ''))
      }
    } else if (NUMBER_FILTERS.has(key)) {
      const get = NUMBER_GETTERS[key as keyof typeof NUMBER_GETTERS]
      if (typeof value === 'number') tests.push((r) => get(r) === value)
      else if (value && typeof value === 'object' && !Array.isArray(value)) {
        const { gte, lte, gt, lt } = value
        tests.push((r) => {
          const x = get(r)
          return x !== undefined && (gte === undefined || x >= gte) && (lte === undefined || x <= lte) && (gt === undefined || x > gt) && (lt === undefined || x < lt)
        })
      } else throw new Error(`filter ${key} takes a number or a range`)
    } else if (key in ARRAY_FILTERS) {
      const wanted = (Array.isArray(value) ? value : [value]).map(String)
      tests.push((r) => wanted.some((w) => (r[key as 'ident'] as string[]).includes(w)))
    } else throw new Error(`unknown filter ${key}`)
  }
  if (req.excludeStatus?.length) {
    const out = new Set(req.excludeStatus)
    tests.push((r) => !out.has(r.status))
  }
  if (!tests.length) return undefined
  return (r) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](r)) return false
    return true
  }
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

