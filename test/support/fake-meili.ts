import type { Server } from 'bun'

/**
 * A local stand-in for Meilisearch (v1.x HTTP API as meilisearch-js 0.62 calls it). Every request is checked
 * against what the real server would accept (settings shape, documents with `_vectors`, hybrid queries with
 * a vector of the configured size, filters only on filterable attributes); anything else is answered with
 * Meilisearch's error shape and recorded in `problems`, which tests assert is empty. Search is a small
 * reference engine (words matched, synonyms, one typo from 5 letters, cosine) so the contract suite can run.
 * Tasks go enqueued -> processing -> succeeded/failed across polls; failures and outages can be scripted:
 * `down()`/`up()` (connection refused), `failTasks()` (every task fails), `serverErrors(503)` (every request 5xx).
 */

type Doc = Record<string, unknown> & { id: string; _vectors?: Record<string, number[] | null> }
interface Settings {
  searchableAttributes?: string[]; filterableAttributes?: string[]; sortableAttributes?: string[]
  synonyms?: Record<string, string[]>; stopWords?: string[]
  typoTolerance?: { enabled?: boolean; disableOnAttributes?: string[]; disableOnNumbers?: boolean }
  embedders?: Record<string, { source: string; dimensions?: number }>
  faceting?: unknown; pagination?: unknown
}
interface IndexState { uid: string; primaryKey: string; docs: Map<string, Doc>; settings: Settings; createdAt: string }
interface TaskState {
  uid: number; indexUid: string | null; type: string; polls: number
  status: 'enqueued' | 'processing' | 'succeeded' | 'failed'
  apply: () => void; error: null | { message: string; code: string; type: string; link: string }
  enqueuedAt: string; finishedAt: string | null
}
export interface Recorded { method: string; path: string; search: string; body: unknown }

const ID = /^[A-Za-z0-9_-]{1,511}$/
const SETTINGS_KEYS = new Set(['searchableAttributes', 'filterableAttributes', 'sortableAttributes', 'synonyms', 'stopWords', 'typoTolerance', 'embedders', 'faceting', 'pagination', 'displayedAttributes', 'rankingRules'])

export class FakeMeili {
  readonly requests: Recorded[] = []
  readonly problems: string[] = []
  readonly indexes = new Map<string, IndexState>()
  private tasks = new Map<number, TaskState>()
  private nextTask = 0
  private failures: Array<{ type: string; code: string; message: string }> = []
  private allTasksFail?: { code: string; message: string }
  private httpStatus?: number
  private server?: Server<undefined>
  port = 0

  static async start(): Promise<FakeMeili> {
    const f = new FakeMeili()
    f.listen(0)
    return f
  }

  get url() { return `http://127.0.0.1:${this.port}` }

  private listen(port: number) {
    this.server = Bun.serve({ port, hostname: '127.0.0.1', fetch: (req) => this.handle(req) })
    this.port = this.server.port!
  }

  /** Stops answering (connections are refused) until `up()`. */
  async down() { await this.server?.stop(true); this.server = undefined }
  async up() { if (!this.server) this.listen(this.port) }
  async stop() { await this.down() }

  /** The next task of this type fails with this error (as Meilisearch reports a failed task, not an HTTP error). */
  failNextTask(type: string, code = 'invalid_document_fields', message = 'scripted failure') { this.failures.push({ type, code, message }) }

  /** Every task fails until `failTasks(null)` (e.g. Meilisearch out of disk: `no_space_left_on_device`). */
  failTasks(f: { code?: string; message?: string } | null = {}) {
    this.allTasksFail = f ? { code: f.code ?? 'internal', message: f.message ?? 'scripted task failure' } : undefined
  }

  /** Every request gets this HTTP status in Meilisearch's error shape (500/503: broken or overloaded) until `null`. */
  serverErrors(status: number | null) { this.httpStatus = status ?? undefined }

  calls(method: string, pathRe: RegExp) { return this.requests.filter((r) => r.method === method && pathRe.test(r.path)) }

  private error(status: number, code: string, message: string, record = true) {
    if (record) this.problems.push(`${code}: ${message}`)
    return Response.json({ message, code, type: 'invalid_request', link: `https://docs.meilisearch.com/errors#${code}` }, { status })
  }

  private enqueue(indexUid: string | null, type: string, apply: () => void, validationError?: string): Response {
    const uid = this.nextTask++
    const scripted = this.failures.findIndex((f) => f.type === type)
    const failure = scripted >= 0 ? this.failures.splice(scripted, 1)[0] : this.allTasksFail
      ?? (validationError ? { code: 'invalid_document_fields', message: validationError } : undefined)
    const now = new Date().toISOString()
    this.tasks.set(uid, {
      uid, indexUid, type, polls: 0, status: 'enqueued', apply, enqueuedAt: now, finishedAt: null,
      error: failure ? { message: failure.message, code: failure.code, type: 'invalid_request', link: `https://docs.meilisearch.com/errors#${failure.code}` } : null,
    })
    return Response.json({ taskUid: uid, indexUid, status: 'enqueued', type, enqueuedAt: now }, { status: 202 })
  }

  private taskView(t: TaskState) {
    // First poll sees "processing", the next the final state: exercises the client's polling loop.
    t.polls++
    if (t.status === 'enqueued') t.status = 'processing'
    else if (t.status === 'processing') {
      if (t.error) t.status = 'failed'
      else { t.apply(); t.status = 'succeeded' }
      t.finishedAt = new Date().toISOString()
    }
    return {
      uid: t.uid, batchUid: t.uid, indexUid: t.indexUid, status: t.status, type: t.type,
      canceledBy: null, details: {}, error: t.status === 'failed' ? t.error : null, duration: t.finishedAt ? 'PT0.001S' : null,
      enqueuedAt: t.enqueuedAt, startedAt: t.enqueuedAt, finishedAt: t.finishedAt, // every polled task has started
    }
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url)
    if (this.httpStatus) {
      this.requests.push({ method: req.method, path: url.pathname, search: url.search, body: undefined })
      return Response.json({ message: `scripted HTTP ${this.httpStatus}`, code: 'internal', type: 'internal', link: 'https://docs.meilisearch.com/errors#internal' }, { status: this.httpStatus })
    }
    const text = req.method === 'GET' || req.method === 'DELETE' ? '' : await req.text()
    let body: unknown = undefined
    if (text) {
      if (!(req.headers.get('content-type') ?? '').includes('application/json')) return this.error(415, 'invalid_content_type', `content type ${req.headers.get('content-type')}`)
      try { body = JSON.parse(text) } catch { return this.error(400, 'malformed_payload', 'body is not JSON') }
    }
    this.requests.push({ method: req.method, path: url.pathname, search: url.search, body })
    const parts = url.pathname.split('/').filter(Boolean)
    const [head, uid, sub, subsub] = parts
    if (req.method === 'GET' && head === 'health' && parts.length === 1) return Response.json({ status: 'available' })
    if (req.method === 'GET' && head === 'tasks' && uid && parts.length === 2) {
      const t = this.tasks.get(Number(uid))
      return t ? Response.json(this.taskView(t)) : this.error(404, 'task_not_found', `task ${uid} not found`)
    }
    if (head !== 'indexes') return this.error(404, 'not_found', `${req.method} ${url.pathname}`)
    if (req.method === 'POST' && !uid) return this.createIndex(body)
    const index = uid ? this.indexes.get(uid) : undefined
    if (req.method === 'DELETE' && uid && !sub) {
      return this.enqueue(uid, 'indexDeletion', () => this.indexes.delete(uid), index ? undefined : undefined)
    }
    if (!index) return this.error(404, 'index_not_found', `Index \`${uid}\` not found.`, false)
    if (req.method === 'GET' && !sub) return Response.json({ uid, primaryKey: index.primaryKey, createdAt: index.createdAt, updatedAt: index.createdAt })
    if (req.method === 'PATCH' && sub === 'settings') return this.updateSettings(index, body)
    if (req.method === 'GET' && sub === 'stats') return Response.json({ numberOfDocuments: index.docs.size, isIndexing: false, fieldDistribution: {}, numberOfEmbeddedDocuments: [...index.docs.values()].filter((d) => d._vectors?.local).length })
    if (sub === 'documents') {
      if (req.method === 'POST' && !subsub) return this.addDocuments(index, body, url)
      if (req.method === 'POST' && subsub === 'delete-batch') return this.deleteBatch(index, body)
      if (req.method === 'POST' && subsub === 'fetch') return this.fetchDocuments(index, body as Record<string, unknown>)
      if (req.method === 'GET' && !subsub) {
        const q = url.searchParams
        return this.fetchDocuments(index, { fields: q.get('fields')?.split(','), limit: Number(q.get('limit') ?? 20), offset: Number(q.get('offset') ?? 0) })
      }
    }
    if (req.method === 'POST' && sub === 'search') return this.search(index, body as Record<string, unknown>)
    return this.error(404, 'not_found', `${req.method} ${url.pathname}`)
  }

  private createIndex(body: unknown) {
    const b = body as { uid?: unknown; primaryKey?: unknown }
    if (typeof b?.uid !== 'string' || !ID.test(b.uid)) return this.error(400, 'invalid_index_uid', 'uid must be a valid index uid')
    if (b.primaryKey !== 'id') return this.error(400, 'invalid_index_primary_key', 'expected primaryKey "id"')
    const uid = b.uid
    const exists = this.indexes.has(uid)
    if (exists) this.failures.unshift({ type: 'indexCreation', code: 'index_already_exists', message: `Index \`${uid}\` already exists.` })
    return this.enqueue(uid, 'indexCreation', () => { this.indexes.set(uid, { uid, primaryKey: 'id', docs: new Map(), settings: {}, createdAt: new Date().toISOString() }) })
  }

  private updateSettings(index: IndexState, body: unknown) {
    const s = body as Settings & Record<string, unknown>
    for (const k of Object.keys(s ?? {})) if (!SETTINGS_KEYS.has(k)) return this.error(400, 'bad_request', `unknown setting ${k}`)
    const embedders = s.embedders ?? {}
    for (const [name, e] of Object.entries(embedders)) {
      if (e.source !== 'userProvided') return this.error(400, 'invalid_settings_embedders', `${name}: source must be userProvided here`)
      if (typeof e.dimensions !== 'number' || e.dimensions < 1) return this.error(400, 'invalid_settings_embedders', `${name}: userProvided needs dimensions`)
      if ('documentTemplate' in e) return this.error(400, 'invalid_settings_embedders', `${name}: documentTemplate is not allowed for userProvided`)
    }
    for (const k of ['searchableAttributes', 'filterableAttributes', 'sortableAttributes', 'stopWords'] as const) {
      if (s[k] !== undefined && (!Array.isArray(s[k]) || !(s[k] as unknown[]).every((x) => typeof x === 'string'))) return this.error(400, `invalid_settings_${k}`, `${k} must be a list of strings`)
    }
    if (s.synonyms && Object.values(s.synonyms).some((v) => !Array.isArray(v))) return this.error(400, 'invalid_settings_synonyms', 'synonyms must map a word to a list')
    return this.enqueue(index.uid, 'settingsUpdate', () => { index.settings = { ...index.settings, ...s } })
  }

  private addDocuments(index: IndexState, body: unknown, url: URL) {
    if (url.searchParams.get('primaryKey') && url.searchParams.get('primaryKey') !== 'id') return this.error(400, 'index_primary_key_already_exists', 'primary key mismatch')
    if (!Array.isArray(body)) return this.error(400, 'malformed_payload', 'documents must be an array')
    const dims = Object.values(index.settings.embedders ?? {})[0]?.dimensions
    let invalid: string | undefined
    for (const d of body as Doc[]) {
      if (typeof d.id !== 'string' || !ID.test(d.id)) { invalid = `Document identifier \`${JSON.stringify(d.id)}\` is invalid.`; break }
      for (const [name, v] of Object.entries(d._vectors ?? {})) {
        if (!index.settings.embedders?.[name]) { invalid = `unknown embedder ${name} in _vectors`; break }
        if (v !== null && (!Array.isArray(v) || v.length !== dims || !v.every((x) => typeof x === 'number'))) { invalid = `_vectors.${name} must have ${dims} numbers`; break }
      }
      if (!d._vectors && index.settings.embedders && Object.keys(index.settings.embedders).length) { invalid = `document ${d.id} has no _vectors for the user-provided embedder`; break }
    }
    if (invalid) this.problems.push(`document task: ${invalid}`)
    const docs = (body as Doc[]).map((d) => structuredClone(d))
    return this.enqueue(index.uid, 'documentAdditionOrUpdate', () => { for (const d of docs) index.docs.set(d.id, d) }, invalid)
  }

  private deleteBatch(index: IndexState, body: unknown) {
    if (!Array.isArray(body) || !body.every((x) => typeof x === 'string')) return this.error(400, 'invalid_document_ids', 'expected a list of ids')
    return this.enqueue(index.uid, 'documentDeletion', () => { for (const id of body as string[]) index.docs.delete(id) })
  }

  private fetchDocuments(index: IndexState, body: Record<string, unknown>) {
    const limit = Number(body.limit ?? 20), offset = Number(body.offset ?? 0)
    const fields = body.fields as string[] | undefined
    const all = [...index.docs.values()]
    const results = all.slice(offset, offset + limit).map((d) => {
      const { _vectors, ...rest } = d
      return fields ? Object.fromEntries(fields.filter((f) => f in rest).map((f) => [f, rest[f]])) : rest
    })
    return Response.json({ results, offset, limit, total: all.length })
  }

  private search(index: IndexState, p: Record<string, unknown>) {
    const started = performance.now()
    const filterable = new Set(index.settings.filterableAttributes ?? [])
    const filters = p.filter === undefined ? [] : Array.isArray(p.filter) ? (p.filter as string[]) : [String(p.filter)]
    const preds: Array<(d: Doc) => boolean> = []
    for (const f of filters) {
      const pred = parseFilter(f, filterable)
      if (typeof pred === 'string') return this.error(400, 'invalid_search_filter', pred)
      preds.push(pred)
    }
    for (const f of (p.facets as string[] | undefined) ?? []) if (!filterable.has(f)) return this.error(400, 'invalid_search_facets', `facet ${f} is not filterable`)
    const hybrid = p.hybrid as { embedder?: string; semanticRatio?: number } | undefined
    const vector = p.vector as number[] | undefined
    const embedders = index.settings.embedders ?? {}
    if (hybrid) {
      if (!hybrid.embedder || !embedders[hybrid.embedder]) return this.error(400, 'invalid_search_embedder', `embedder ${hybrid.embedder} is not configured`)
      if (typeof hybrid.semanticRatio !== 'number' || hybrid.semanticRatio < 0 || hybrid.semanticRatio > 1) return this.error(400, 'invalid_search_semantic_ratio', 'semanticRatio must be 0..1')
      if (!Array.isArray(vector)) return this.error(400, 'invalid_search_vector', 'a userProvided embedder needs `vector` in the query')
      if (vector.length !== embedders[hybrid.embedder].dimensions) return this.error(400, 'invalid_search_vector', `vector has ${vector.length} dimensions, expected ${embedders[hybrid.embedder].dimensions}`)
    } else if (vector) return this.error(400, 'invalid_search_vector', '`vector` without `hybrid` (Meilisearch >= 1.11 requires hybrid.embedder)')
    const limit = Number(p.limit ?? 20)
    const q = typeof p.q === 'string' ? p.q : ''
    const ratio = hybrid?.semanticRatio ?? 0
    const scored: Array<[Doc, number]> = []
    const words = this.queryWords(index, q)
    for (const d of index.docs.values()) {
      if (!preds.every((pr) => pr(d))) continue
      const kw = words.length ? this.keywordScore(index, d, words) : q ? 0 : 1
      const v = d._vectors?.[hybrid?.embedder ?? ''] ?? null
      const sem = hybrid && vector && v ? Math.max(0, cosine(vector, v)) : 0
      const score = hybrid ? (q ? (1 - ratio) * kw + ratio * sem : sem) : kw
      if (hybrid ? score > 0 || (!q && !!v) : kw > 0) scored.push([d, score])
    }
    scored.sort((a, b) => b[1] - a[1])
    const facetDistribution: Record<string, Record<string, number>> = {}
    for (const f of (p.facets as string[] | undefined) ?? []) {
      facetDistribution[f] = {}
      for (const [d] of scored) for (const v of [d[f]].flat()) if (v !== undefined && v !== null) facetDistribution[f][String(v)] = (facetDistribution[f][String(v)] ?? 0) + 1
    }
    const retrieve = p.attributesToRetrieve as string[] | undefined
    const crop = (p.attributesToCrop as string[] | undefined) ?? []
    const hits = scored.slice(0, limit).map(([d, score]) => {
      const { _vectors, ...rest } = d
      const shown: Record<string, unknown> = retrieve ? Object.fromEntries(retrieve.filter((k) => k in rest).map((k) => [k, rest[k]])) : rest
      if (p.showRankingScore) shown._rankingScore = Math.round(score * 1e6) / 1e6
      if (crop.length) shown._formatted = Object.fromEntries(crop.map((k) => [k, typeof rest[k] === 'string' ? `${(rest[k] as string).split(/\s+/).slice(0, Number(p.cropLength ?? 10)).join(' ')}…` : rest[k]]))
      return shown
    })
    return Response.json({
      hits, query: q, processingTimeMs: Math.round(performance.now() - started), limit, offset: 0, estimatedTotalHits: scored.length,
      ...(p.facets ? { facetDistribution, facetStats: {} } : {}), ...(hybrid ? { semanticHitCount: scored.filter(([d]) => d._vectors).length } : {}),
    })
  }

  private queryWords(index: IndexState, q: string): string[][] {
    const stop = new Set(index.settings.stopWords ?? [])
    const syn = index.settings.synonyms ?? {}
    const tokens = tokenize(q).filter((t) => !stop.has(t))
    return tokens.map((t) => [t, ...(syn[t] ?? []).flatMap(tokenize)])
  }

  /** Share of query words found (a synonym counts; one typo from 5 letters, never in typo-free attributes or numbers). */
  private keywordScore(index: IndexState, d: Doc, words: string[][]): number {
    const noTypo = new Set(index.settings.typoTolerance?.disableOnAttributes ?? [])
    const attrs = index.settings.searchableAttributes ?? Object.keys(d)
    const loose = new Set<string>(), strict = new Set<string>()
    for (const a of attrs) for (const t of tokenize(String(d[a] ?? ''))) (noTypo.has(a) ? strict : loose).add(t)
    let found = 0
    for (const alternatives of words) {
      const hit = alternatives.some((w) => strict.has(w) || loose.has(w) ||
        (w.length >= 5 && !/\d/.test(w) && [...loose].some((t) => Math.abs(t.length - w.length) <= 1 && editDistance1(t, w))))
      if (hit) found++
    }
    return found / words.length
  }
}

const tokenize = (s: string) => s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)

function cosine(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
  return na && nb ? dot / Math.sqrt(na * nb) : 0
}

function editDistance1(a: string, b: string): boolean {
  if (a === b) return true
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1)
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

/** The subset of Meilisearch's filter syntax our client emits; anything else is rejected like the real parser would. */
function parseFilter(expr: string, filterable: Set<string>): ((d: Doc) => boolean) | string {
  const value = (raw: string): string | number => {
    const t = raw.trim()
    if (/^".*"$/.test(t)) return JSON.parse(t) as string
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t)
    return t
  }
  const list = (raw: string) => raw.slice(1, -1).split(',').map((x) => value(x)).filter((x) => x !== '')
  const vals = (d: Doc, attr: string) => [d[attr]].flat() as Array<string | number>
  let m = /^(\w+) (NOT IN|IN) (\[.*\])$/.exec(expr)
  if (m) {
    if (!filterable.has(m[1])) return `Attribute \`${m[1]}\` is not filterable.`
    const [, attr, op, raw] = m
    const set = new Set(list(raw).map(String))
    return op === 'IN' ? (d) => vals(d, attr).some((v) => set.has(String(v))) : (d) => !vals(d, attr).some((v) => set.has(String(v)))
  }
  m = /^(\w+) (=|!=|>=|<=|>|<) (.+)$/.exec(expr)
  if (!m) return `cannot parse filter \`${expr}\``
  const [, attr, op, raw] = m
  if (!filterable.has(attr)) return `Attribute \`${attr}\` is not filterable.`
  const v = value(raw)
  if (typeof v === 'string' && !/^".*"$/.test(raw.trim()) && op !== '=' && op !== '!=') return `comparison needs a number in \`${expr}\``
  return (d) => vals(d, attr).some((x) => {
    switch (op) {
      case '=': return String(x) === String(v)
      case '!=': return String(x) !== String(v)
      case '>=': return Number(x) >= Number(v)
      case '<=': return Number(x) <= Number(v)
      case '>': return Number(x) > Number(v)
      default: return Number(x) < Number(v)
    }
  })
}
