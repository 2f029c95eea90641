import { keep } from '../ops/bounded.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import {
  clampLimit, type FacetField, type Filters, type SearchHealth, type SearchHit, type SearchIndex, type SearchResponse,
} from './contract.ts'
import { dbVectorCache, useLiteEmbedder, type Embedder, type VectorCache } from './embedder.ts'
import { FallbackSearchIndex } from './fallback.ts'
import { MeiliSearchIndex, type MeiliOptions } from './meili.ts'
import { OramaSearchIndex } from './orama.ts'
import { analyzeQuery, semanticRatioFor, type Identifier } from './query.ts'
import { indexedDocuments, latestUpdate, loadDocuments, withVectors } from './store.ts'
import type { DmsDocument, DocType } from './types.ts'
import { vinInRange } from './vin.ts'
import { invalidating, ResultCache } from './result-cache.ts'
import { metrics } from '../ops/metrics.ts'

export interface SearchParams {
  q: string
  storeId: string
  type?: DocType | DocType[]
  filters?: Filters
  facets?: FacetField[]
  limit?: number
  /** Overrides the ratio chosen by query understanding (0 keyword only, 1 semantic only). */
  semanticRatio?: number
  /** Expired or not-yet-effective documents (old price sheets) are left out unless this is set. */
  includeExpired?: boolean
  /** Sold and withdrawn units are left out unless this is set (staff looking up a past deal). */
  includeUnavailable?: boolean
  now?: Date
}

export interface SearchResult extends SearchResponse {
  engine: SearchIndex['engine']
  semanticRatio: number
  identifiers: Identifier[]
}

export interface SearchDeps {
  index: SearchIndex
  /** Embeds the query (the same model that embedded the documents). */
  embedQuery: (q: string) => Promise<Float32Array>
}

const UNAVAILABLE = ['sold', 'withdrawn']

/**
 * Hybrid search with query understanding: identifiers in the query are looked up exactly and ranked first
 * (plus recalls whose VIN range covers a quoted VIN), then keyword + semantic results follow.
 */
export async function searchDocuments(deps: SearchDeps, params: SearchParams): Promise<SearchResult> {
  const started = performance.now()
  const limit = clampLimit(params.limit)
  const now = (params.now ?? new Date()).getTime()
  const analysis = analyzeQuery(params.q)
  const filters: Filters = { ...params.filters, storeId: params.storeId }
  if (!params.includeExpired) { filters.effectiveAt = { lte: now }; filters.expiresAt = { gt: now } }
  const excludeStatus = params.includeUnavailable ? undefined : UNAVAILABLE
  const base = { type: params.type, excludeStatus }

  const exact: SearchHit[] = []
  if (analysis.identifiers.length) {
    const r = await deps.index.search({ ...base, q: '', filters: { ...filters, ident: analysis.identifiers.map((i) => i.value) }, limit: 20, semanticRatio: 0 })
    exact.push(...r.hits)
    const vins = analysis.identifiers.filter((i) => i.kind === 'vin').map((i) => i.value)
    if (vins.length && (!params.type || [params.type].flat().includes('recall'))) exact.push(...(await recallsCovering(deps.index, vins, filters)))
  }
  const ratio = params.semanticRatio ?? semanticRatioFor(analysis, exact.length)
  const vector = ratio > 0 && analysis.text ? await deps.embedQuery(analysis.text) : null
  const main = await deps.index.search({
    ...base, q: analysis.text, vector, filters, facets: params.facets, limit, semanticRatio: ratio,
  })
  const seen = new Set<string>()
  const hits: SearchHit[] = []
  for (const h of exact) if (!seen.has(h.id)) { seen.add(h.id); hits.push({ ...h, score: 1, exact: true }) }
  for (const h of main.hits) if (!seen.has(h.id)) { seen.add(h.id); hits.push(h) }
  metrics.searchDuration.observe({ engine: deps.index.engine }, (performance.now() - started) / 1000)
  return {
    hits: hits.slice(0, limit), ...(main.facets ? { facets: main.facets } : {}), tookMs: performance.now() - started,
    engine: deps.index.engine, semanticRatio: ratio, identifiers: analysis.identifiers,
  }
}

async function recallsCovering(index: SearchIndex, vins: string[], filters: Filters): Promise<SearchHit[]> {
  const { hits } = await index.search({ q: '', type: 'recall', filters, limit: 100, semanticRatio: 0 })
  return hits.filter((h) => {
    const ranges = (h.fields.vinRanges ?? []) as Array<{ from: string; to: string }>
    return ranges.some((r) => vins.some((v) => vinInRange(v, r.from, r.to)))
  })
}

export interface SearchServiceOptions {
  /** Defaults to USE-lite (offline, 512-d). */
  embedder?: Embedder
  /** Defaults to the `embeddings` table. */
  cache?: VectorCache
  /** Fill the engine from Postgres now (default true). */
  rebuild?: boolean
  /** With Meilisearch: keep the embedded engine built as a hot standby (default true). */
  warmStandby?: boolean
  /** How often `search` looks for documents changed by another process, e.g. `pitwall import` (default 15 s; 0 = never). */
  syncIntervalMs?: number
  meili?: Partial<MeiliOptions>
  /** With Meilisearch down: how often to try it again (default 15 s). */
  retryAfterMs?: number
  log?: (line: string) => void
  /** Recent query vectors kept (default 500; 0 embeds every query, as the benchmark does). */
  queryCacheSize?: number
  /** Recent search results kept (default 1,000; 0 searches every time). Any index write empties it. */
  resultCacheSize?: number
  /** How long a kept result serves at most (default 30 s): how late an effective or expiry time can be noticed. */
  resultCacheTtlMs?: number
}

export interface SearchService {
  readonly index: SearchIndex
  readonly embedder: Embedder
  search(params: SearchParams): Promise<SearchResult>
  /** Sends documents changed in Postgres since the last look to the engine; returns how many. */
  sync(): Promise<number>
  /** Embeds (through the cache) and indexes documents just written to Postgres. */
  reindex(docs: DmsDocument[]): Promise<void>
  health(): Promise<SearchHealth>
  close(): Promise<void>
}

/** Builds the configured engine (Meilisearch with embedded fallback, or embedded only) and fills it from Postgres. */
export async function createSearch(config: Pick<Config, 'meili'>, database: Database, opts: SearchServiceOptions = {}): Promise<SearchService> {
  const embedder = opts.embedder ?? useLiteEmbedder()
  const cache = opts.cache ?? dbVectorCache(database)
  const load = () => indexedDocuments(database, embedder, cache)
  const embedded = new OramaSearchIndex({ dims: embedder.dims })
  const results = new ResultCache<SearchParams, SearchResult>(opts.resultCacheSize ?? 1000, opts.resultCacheTtlMs ?? 30_000)
  const engine: SearchIndex = config.meili
    ? new FallbackSearchIndex({
      primary: new MeiliSearchIndex({ host: config.meili.url, apiKey: config.meili.key, dims: embedder.dims, ...opts.meili }),
      fallback: embedded, load, warmStandby: opts.warmStandby, retryAfterMs: opts.retryAfterMs, log: opts.log,
    })
    : embedded
  // Every write, whoever makes it (sync, reindex, an import, the documents API), empties the result cache.
  const index = invalidating(engine, () => results.invalidate())

  let watermark: Date | undefined
  let lastSync = Date.now()
  let syncing: Promise<number> | undefined
  if (opts.rebuild !== false) {
    watermark = await latestUpdate(database)
    await index.rebuild(load())
  }

  // On the calling thread: a worker round trip measured twice as slow as embedding here (bench/RESULTS.md, search).
  const queryCache = new Map<string, Float32Array>()
  const cacheSize = opts.queryCacheSize ?? 500
  const embedQuery = async (q: string) => {
    const key = q.toLowerCase()
    let v = queryCache.get(key)
    if (!v) {
      ;[v] = await embedder.embed([q])
      if (cacheSize > 0) keep(queryCache, key, v, cacheSize)
    }
    return v
  }
  // Load the query model now, not on the first rider's question.
  embedder.embed(['warm up']).catch(() => {})

  const sync = (): Promise<number> => {
    syncing ??= (async () => {
      let n = 0
      const top = await latestUpdate(database)
      if (!top || (watermark && top <= watermark)) return 0
      for await (const page of loadDocuments(database, { since: watermark })) {
        await index.index((await withVectors(embedder, cache, page)).docs)
        n += page.length
      }
      watermark = top
      return n
    })().finally(() => { syncing = undefined; lastSync = Date.now() })
    return syncing
  }

  const interval = opts.syncIntervalMs ?? 15_000
  return {
    index,
    embedder,
    async search(params) {
      if (interval > 0 && Date.now() - lastSync > interval) await sync().catch((err) => opts.log?.(`search: sync failed: ${(err as Error).message}`))
      const run = () => searchDocuments({ index, embedQuery }, params)
      // On the fallback engine every search goes through, so Meilisearch is retried and taken back at once.
      return config.meili && index.engine !== 'meilisearch' ? run() : results.get(params, run)
    },
    sync,
    async reindex(docs) {
      if (docs.length) await index.index((await withVectors(embedder, cache, docs)).docs)
    },
    health: () => index.health(),
    async close() { await syncing?.catch(() => {}); await index.close?.() },
  }
}
