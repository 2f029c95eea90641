import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from '../db/client.ts'
import type { SearchIndex } from './contract.ts'
import { useLiteEmbedder, type Embedder, type VectorCache } from './embedder.ts'
import { importPaths, type ImportReport } from './import.ts'
import type { ProgressSink } from './progress.ts'

/** The demo dealership's DMS export: next to the source in development, beside the binary when compiled. */
export function demoDir(): string {
  const candidates = [join(import.meta.dir, '../../demo'), join(import.meta.dir, 'demo')]
  return candidates.find((p) => existsSync(join(p, 'inventory.csv'))) ?? candidates[0]
}

/** Every file `seed-demo` imports, in order: inventory feed, parts, Markdown content, FAQ lines. */
export function demoFiles(dir = demoDir()): string[] {
  return ['inventory.csv', 'parts.csv', 'content', 'faq.jsonl'].map((f) => join(dir, f))
}

export interface DemoOptions {
  embedder?: Embedder
  cache?: VectorCache
  index?: SearchIndex
  progress?: ProgressSink
  now?: Date
}

/** Imports the demo dealership into `storeId` (idempotent: a second run changes nothing). */
export function loadDemoContent(database: Database, storeId: string, opts: DemoOptions = {}): Promise<ImportReport> {
  return importPaths(database, demoFiles(), {
    storeId, embedder: opts.embedder ?? useLiteEmbedder({ workers: 2 }), cache: opts.cache, index: opts.index, progress: opts.progress, now: opts.now,
  })
}
