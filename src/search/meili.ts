import {
  Meilisearch, MeilisearchApiError, MeilisearchRequestError, MeilisearchRequestTimeOutError,
  type EnqueuedTaskPromise, type Index, type SearchParams, type Settings, type Task,
} from 'meilisearch'
import {
  clampLimit, clampRatio, typeList, FILTER_FIELDS, FACET_FIELDS, type FacetField, type Filters, type IndexedDocument,
  type SearchHealth, type SearchHit, type SearchIndex, type SearchRequest, type SearchResponse,
} from './contract.ts'
import { STOP_WORDS, meiliSynonyms } from './query.ts'
import { canonicalJson, sha256, toHit, toRecord, type SearchRecord } from './record.ts'

/** Meilisearch behind the SearchIndex contract: vectors come from our embedder (`userProvided`), never from Meilisearch. */

export interface MeiliOptions {
  host: string
  apiKey?: string
  /** One index holds every store's documents; `storeId` is a filterable attribute. */
  indexUid?: string
  dims: number
  embedder?: string
  /** Per HTTP request. */
  requestTimeoutMs?: number
  /** How long to wait for a task (embedding-heavy batches take a while). */
  taskTimeoutMs?: number
  taskIntervalMs?: number
  batchSize?: number
}

type MeiliDoc = SearchRecord & { syncHash: string; _vectors: Record<string, number[] | null> }

/** A task that Meilisearch reports as failed or canceled (the client resolves those; we throw). */
export class MeiliTaskError extends Error {
  constructor(readonly task: Task) {
    super(`Meilisearch ${task.type} task ${task.uid} ${task.status}: ${task.error?.code ?? ''} ${task.error?.message ?? ''}`.trim())
  }
}

/** True for errors that mean "Meilisearch is not there" (network, timeout, 5xx), as opposed to a bad request. */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof MeilisearchRequestError || err instanceof MeilisearchRequestTimeOutError) return true
  if (err instanceof MeilisearchApiError) return err.response.status >= 500
  return false
}

export const MEILI_FILTERABLE: string[] = [...FILTER_FIELDS, 'type']

export function meiliSettings(dims: number, embedder: string): Settings {
  return {
    searchableAttributes: ['title', 'identText', 'keywords', 'body'],
    filterableAttributes: [...new Set([...MEILI_FILTERABLE, ...FACET_FIELDS])],
    sortableAttributes: ['price', 'year', 'effectiveAt'],
    synonyms: meiliSynonyms(),
    stopWords: STOP_WORDS,
    // Identifiers must match exactly: a one-character slip in a VIN or part number is a different vehicle or part.
    typoTolerance: { enabled: true, disableOnAttributes: ['identText'], disableOnNumbers: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
    faceting: { maxValuesPerFacet: 50 },
    pagination: { maxTotalHits: 1000 },
    embedders: { [embedder]: { source: 'userProvided', dimensions: dims } },
  }
}

const quote = (v: string | number) => (typeof v === 'number' ? String(v) : JSON.stringify(v))
const LOWER = new Set(['make', 'model', 'brand', 'topic'])

/** Contract filters as Meilisearch filter expressions (each array element is ANDed). */
export function meiliFilter(req: Pick<SearchRequest, 'type' | 'filters' | 'excludeStatus'>): string[] {
  const out: string[] = []
  const types = typeList(req.type)
  if (types) out.push(`type IN [${types.map(quote).join(', ')}]`)
  for (const [key, value] of Object.entries(req.filters ?? {}) as Array<[keyof Filters, Filters[keyof Filters]]>) {
    if (value === undefined) continue
    if (!(FILTER_FIELDS as readonly string[]).includes(key)) throw new Error(`unknown filter ${key}`)
    const norm = (x: string | number) => (LOWER.has(key) && typeof x === 'string' ? x.toLowerCase() : x)
    if (Array.isArray(value)) out.push(`${key} IN [${value.map((x) => quote(norm(x))).join(', ')}]`)
    else if (typeof value === 'object') {
      for (const [op, sym] of [['gte', '>='], ['lte', '<='], ['gt', '>'], ['lt', '<']] as const) {
        if (value[op] !== undefined) out.push(`${key} ${sym} ${Number(value[op])}`)
      }
    } else out.push(`${key} = ${quote(norm(value))}`)
  }
  if (req.excludeStatus?.length) out.push(`status NOT IN [${req.excludeStatus.map(quote).join(', ')}]`)
  return out
}

export class MeiliSearchIndex implements SearchIndex {
  readonly engine = 'meilisearch' as const
  readonly client: Meilisearch
  readonly indexUid: string
  private readonly embedder: string
  private readonly batchSize: number
  private ready?: Promise<Index<MeiliDoc>>

  constructor(private opts: MeiliOptions) {
    this.client = new Meilisearch({
      host: opts.host, apiKey: opts.apiKey, timeout: opts.requestTimeoutMs ?? 10_000,
      defaultWaitOptions: { timeout: opts.taskTimeoutMs ?? 120_000, interval: opts.taskIntervalMs ?? 100 },
    })
    this.indexUid = opts.indexUid ?? 'pitwall_dms'
    this.embedder = opts.embedder ?? 'local'
    this.batchSize = opts.batchSize ?? 1000
  }

  /** Creates the index if needed and applies settings; every task's final status is checked. */
  ensureReady(): Promise<Index<MeiliDoc>> {
    this.ready ??= (async () => {
      const created = await this.client.createIndex(this.indexUid, { primaryKey: 'id' }).waitTask()
      if (created.status !== 'succeeded' && created.error?.code !== 'index_already_exists') throw new MeiliTaskError(created)
      const index = this.client.index<MeiliDoc>(this.indexUid)
      await settled(index.updateSettings(meiliSettings(this.opts.dims, this.embedder)))
      return index
    })()
    this.ready.catch(() => { this.ready = undefined })
    return this.ready
  }

  private toDoc(d: IndexedDocument): MeiliDoc {
    const rec = toRecord(d)
    const vector = d.vector && d.vector.length === this.opts.dims ? Array.from(d.vector, (x) => Math.round(x * 1e7) / 1e7) : null
    const syncHash = sha256(canonicalJson(rec) + (vector ? sha256(vector.join(',')) : 'none'))
    // `null` tells Meilisearch this document has no vector for the user-provided embedder.
    return { ...rec, syncHash, _vectors: { [this.embedder]: vector } }
  }

  async index(docs: IndexedDocument[]): Promise<void> {
    if (!docs.length) return
    const index = await this.ensureReady()
    for (let i = 0; i < docs.length; i += this.batchSize) {
      await settled(index.addDocuments(docs.slice(i, i + this.batchSize).map((d) => this.toDoc(d)), { primaryKey: 'id' }))
    }
  }

  async delete(ids: string[]): Promise<void> {
    if (!ids.length) return
    const index = await this.ensureReady()
    for (let i = 0; i < ids.length; i += this.batchSize) await settled(index.deleteDocuments(ids.slice(i, i + this.batchSize)))
  }

  /** Sends only what changed since Meilisearch last saw it (by `syncHash`) and deletes what is gone. */
  async rebuild(batches: AsyncIterable<IndexedDocument[]> | Iterable<IndexedDocument[]>): Promise<void> {
    const index = await this.ensureReady()
    const known = new Map<string, string>()
    for (let offset = 0; ; offset += 1000) {
      const page = await index.getDocuments({ fields: ['id', 'syncHash'], limit: 1000, offset })
      for (const d of page.results) known.set(String(d.id), String(d.syncHash ?? ''))
      if (page.results.length < 1000) break
    }
    const seen = new Set<string>()
    for await (const batch of batches) {
      const changed: MeiliDoc[] = []
      for (const d of batch) {
        seen.add(d.id)
        const doc = this.toDoc(d)
        if (known.get(d.id) !== doc.syncHash) changed.push(doc)
      }
      for (let i = 0; i < changed.length; i += this.batchSize) {
        await settled(index.addDocuments(changed.slice(i, i + this.batchSize), { primaryKey: 'id' }))
      }
    }
    await this.delete([...known.keys()].filter((id) => !seen.has(id)))
  }

  async health(): Promise<SearchHealth> {
    try {
      await this.client.health()
      const index = await this.ensureReady()
      const stats = await index.getStats()
      return { ok: true, engine: 'meilisearch', documents: stats.numberOfDocuments }
    } catch (err) {
      return { ok: false, engine: 'meilisearch', warning: `Meilisearch unreachable: ${(err as Error).message}` }
    }
  }

  async search(req: SearchRequest): Promise<SearchResponse> {
    const started = performance.now()
    const index = await this.ensureReady()
    const ratio = clampRatio(req.semanticRatio)
    const q = req.q.trim()
    const vector = req.vector && req.vector.length === this.opts.dims ? Array.from(req.vector) : null
    const params: SearchParams = {
      limit: clampLimit(req.limit),
      filter: meiliFilter(req),
      showRankingScore: true,
      matchingStrategy: 'frequency',
      attributesToRetrieve: ['id', 'type', 'title', 'fields', 'storeId', 'effectiveAt', 'expiresAt', 'source'],
      ...(q ? { attributesToCrop: ['body'], cropLength: 30 } : {}),
      ...(req.facets?.length ? { facets: req.facets } : {}),
    }
    if (vector && ratio > 0) {
      params.hybrid = { embedder: this.embedder, semanticRatio: q ? ratio : 1 }
      params.vector = vector
    }
    const res = await index.search(q || null, params)
    const hits = res.hits.map((h): SearchHit => {
      const rec = h as unknown as SearchRecord & { _rankingScore?: number; _formatted?: { body?: string } }
      const snippet = rec._formatted?.body?.trim()
      return toHit(rec, rec._rankingScore ?? 0, snippet || undefined)
    })
    const facets = res.facetDistribution
      ? (Object.fromEntries(Object.entries(res.facetDistribution).map(([k, v]) => [k, { ...v }])) as Partial<Record<FacetField, Record<string, number>>>)
      : undefined
    return { hits, ...(facets ? { facets } : {}), tookMs: performance.now() - started }
  }

  /** Removes the whole index (tests and `rebuild --hard`). */
  async drop(): Promise<void> {
    const t = await this.client.deleteIndex(this.indexUid).waitTask()
    if (t.status !== 'succeeded' && t.error?.code !== 'index_not_found') throw new MeiliTaskError(t)
    this.ready = undefined
  }
}

/** Waits for a task and throws unless it succeeded (`waitTask` resolves failed tasks without throwing). */
async function settled(p: EnqueuedTaskPromise): Promise<Task> {
  const task = await p.waitTask()
  if (task.status !== 'succeeded') throw new MeiliTaskError(task)
  return task
}
