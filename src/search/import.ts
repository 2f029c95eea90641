import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { Database } from '../db/client.ts'
import type { SearchIndex } from './contract.ts'
import { dbVectorCache, type Embedder, type VectorCache } from './embedder.ts'
import { countLines, mapHeaders, readCsv } from './importers/csv.ts'
import { INVENTORY_HEADERS, inventoryImporter, unitBody } from './importers/inventory.ts'
import { jsonlImporter } from './importers/jsonl.ts'
import { markdownImporter } from './importers/markdown.ts'
import { PARTS_HEADERS, partsImporter } from './importers/parts.ts'
import type { FileImporter, ImporterKind, ParsedRow } from './importers/types.ts'
import { silentProgress, type ProgressSink } from './progress.ts'
import { contentHash } from './record.ts'
import { ensureStore, existingMeta, unitsToWithdraw, upsertDocuments, withVectors } from './store.ts'
import { toDmsDocument, type DmsDocument, type DocType, type DocumentInputData } from './types.ts'

export interface RowError { file: string; line: number; field?: string; message: string }

export interface FileReport {
  file: string
  kind: ImporterKind | 'unknown'
  rows: number
  inserted: number
  updated: number
  unchanged: number
  failed: number
  withdrawn: number
}

export interface ImportReport {
  files: FileReport[]
  inserted: number
  updated: number
  unchanged: number
  failed: number
  withdrawn: number
  /** Vectors computed (not found in the cache). */
  embedded: number
  errors: RowError[]
  warnings: string[]
  ms: number
}

export interface ImportOptions {
  storeId: string
  /** Forces the CSV flavour (`unit` or `part`) or the default type of Markdown/JSONL documents. */
  type?: DocType
  embedder: Embedder
  cache?: VectorCache
  /** When given, changed documents are sent to it after they are stored. */
  index?: SearchIndex
  /** Inventory feeds are full by default: units they no longer list are marked withdrawn. */
  partialFeed?: boolean
  /** Data-as-of for inventory feeds without such a column (default: the file's modification date). */
  asOf?: Date
  now?: Date
  progress?: ProgressSink
  batchSize?: number
}

const EXTENSIONS: Record<string, ImporterKind | 'csv'> = {
  '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.md': 'markdown', '.markdown': 'markdown', '.txt': 'markdown',
}
const IMPORTERS: Record<ImporterKind, FileImporter> = {
  inventory: inventoryImporter, parts: partsImporter, markdown: markdownImporter, jsonl: jsonlImporter,
}

/** Files under the given paths (directories recursively, hidden files and READMEs skipped), in a stable order. */
export async function expandPaths(paths: string[]): Promise<{ files: string[]; errors: RowError[] }> {
  const files: string[] = []
  const errors: RowError[] = []
  const walk = async (p: string, explicit: boolean) => {
    let st
    try { st = await stat(p) } catch { errors.push({ file: p, line: 0, message: 'no such file or directory' }); return }
    if (st.isDirectory()) {
      // Hidden files and READMEs (notes beside the data, not content) are skipped when walking a directory.
      for (const name of (await readdir(p)).sort()) if (!name.startsWith('.') && !/^readme(\.|$)/i.test(name)) await walk(join(p, name), false)
    } else if (EXTENSIONS[extname(p).toLowerCase()]) files.push(p)
    else if (explicit) errors.push({ file: p, line: 0, message: `unsupported file type (use ${Object.keys(EXTENSIONS).join(', ')})` })
  }
  for (const p of paths) await walk(resolve(p), true)
  return { files, errors }
}

/** Which importer reads a file: by extension, and for CSV by its header (or `--type unit|part`). */
export async function importerFor(file: string, type?: DocType): Promise<ImporterKind | { error: string }> {
  const ext = EXTENSIONS[extname(file).toLowerCase()]
  if (ext !== 'csv') return ext
  if (type === 'unit') return 'inventory'
  if (type === 'part') return 'parts'
  if (type) return { error: `--type ${type} cannot be read from CSV (CSV holds units or parts)` }
  for await (const { cells, error } of readCsv(file)) {
    if (error) return { error }
    const parts = mapHeaders(cells, PARTS_HEADERS).column
    const inv = mapHeaders(cells, INVENTORY_HEADERS).column
    if (parts.partNumber !== undefined && parts.description !== undefined && inv.vin === undefined) return 'parts'
    if (inv.stockNumber !== undefined || inv.vin !== undefined) return 'inventory'
    break
  }
  return { error: 'cannot tell whether this CSV is an inventory feed or a parts list; pass --type unit or --type part' }
}

async function rowsIn(file: string, kind: ImporterKind): Promise<number> {
  if (kind === 'markdown') return 1
  const lines = await countLines(file)
  return Math.max(0, kind === 'jsonl' ? lines : lines - 1)
}

/** Imports files into Postgres (upsert by id, unchanged content skipped), embeds, and updates the index. */
export async function importPaths(database: Database, paths: string[], opts: ImportOptions): Promise<ImportReport> {
  const started = performance.now()
  const now = opts.now ?? new Date()
  const cache = opts.cache ?? dbVectorCache(database)
  const progress = opts.progress ?? silentProgress
  const report: ImportReport = { files: [], inserted: 0, updated: 0, unchanged: 0, failed: 0, withdrawn: 0, embedded: 0, errors: [], warnings: [], ms: 0 }
  const { files, errors } = await expandPaths(paths)
  report.errors.push(...errors)
  report.failed += errors.length
  await ensureStore(database, opts.storeId)

  const plan: Array<{ file: string; kind: ImporterKind }> = []
  for (const file of files) {
    const kind = await importerFor(file, opts.type)
    if (typeof kind === 'object') {
      report.errors.push({ file, line: 1, message: kind.error })
      report.failed++
      report.files.push({ file, kind: 'unknown', rows: 0, inserted: 0, updated: 0, unchanged: 0, failed: 1, withdrawn: 0 })
    } else plan.push({ file, kind })
  }
  let total = 0
  for (const p of plan) total += await rowsIn(p.file, p.kind)
  progress.start(total)

  const seenIds = new Map<string, string>()
  for (const { file, kind } of plan) {
    const fr: FileReport = { file, kind, rows: 0, inserted: 0, updated: 0, unchanged: 0, failed: 0, withdrawn: 0 }
    report.files.push(fr)
    const fail = (row: Pick<ParsedRow, 'line'>, field: string | undefined, message: string, line?: number) => {
      report.errors.push({ file, line: line ?? row.line, ...(field ? { field } : {}), message })
    }
    const asOf = (opts.asOf ?? (await stat(file)).mtime).toISOString().slice(0, 10)
    const keep = new Set<string>()
    let withdrawSafe = true
    let batch: Array<{ doc: DocumentInputData; line: number }> = []
    const flush = async () => {
      if (batch.length) await storeBatch(database, batch, file, fr, report, opts, cache, now)
      batch = []
    }
    for await (const row of IMPORTERS[kind].rows(file, { type: opts.type, asOf })) {
      fr.rows++
      progress.advance(1, basename(file))
      if (row.id) keep.add(row.id)
      if (row.issues.length || !row.doc) {
        fr.failed++
        if (!row.id) withdrawSafe = false
        for (const i of row.issues) fail(row, i.field, i.message, i.line)
        continue
      }
      const where = `${basename(file)} line ${row.line}`
      const earlier = seenIds.get(row.doc.id)
      if (earlier) {
        fr.failed++
        fail(row, 'id', `duplicate id ${row.doc.id} (first seen in ${earlier})`)
        continue
      }
      seenIds.set(row.doc.id, where)
      batch.push({ doc: row.doc, line: row.line })
      if (batch.length >= (opts.batchSize ?? 500)) await flush()
    }
    await flush()
    if (kind === 'inventory' && !opts.partialFeed) {
      if (!withdrawSafe) report.warnings.push(`${basename(file)}: some rows have no readable stock number, so no units were marked withdrawn`)
      else await withdrawMissing(database, keep, fr, opts, cache, now, report)
    }
    report.failed += fr.failed
    report.inserted += fr.inserted
    report.updated += fr.updated
    report.unchanged += fr.unchanged
    report.withdrawn += fr.withdrawn
  }
  progress.finish()
  report.ms = performance.now() - started
  return report
}

async function storeBatch(
  database: Database, batch: Array<{ doc: DocumentInputData; line: number }>, file: string, fr: FileReport,
  report: ImportReport, opts: ImportOptions, cache: VectorCache, now: Date,
) {
  const meta = await existingMeta(database, batch.map((b) => b.doc.id))
  const write: Array<DmsDocument & { contentHash: string }> = []
  for (const { doc, line } of batch) {
    const old = meta.get(doc.id)
    if (old && old.storeId !== opts.storeId) {
      fr.failed++
      report.errors.push({ file, line, field: 'id', message: `id ${doc.id} already belongs to store ${old.storeId}` })
      continue
    }
    // Hash what the file says (not defaults) so re-importing the same file is a no-op.
    const hash = contentHash({ ...doc, effectiveAt: doc.effectiveAt ?? null, expiresAt: doc.expiresAt ?? null })
    if (old?.contentHash === hash) { fr.unchanged++; continue }
    const stored = toDmsDocument(doc, opts.storeId, { source: basename(file), now: old?.effectiveAt ?? now })
    write.push({ ...stored, contentHash: hash })
    if (old) fr.updated++
    else fr.inserted++
  }
  await save(database, write, opts, cache, report)
}

async function save(database: Database, docs: Array<DmsDocument & { contentHash: string }>, opts: ImportOptions, cache: VectorCache, report: ImportReport) {
  if (!docs.length) return
  const { docs: indexed, computed } = await withVectors(opts.embedder, cache, docs)
  report.embedded += computed
  // updated_at is when the row was written (what `sync()` watches), whatever business date `now` says.
  await upsertDocuments(database, docs, new Date())
  if (!opts.index) return
  try {
    await opts.index.index(indexed)
  } catch (err) {
    // Postgres holds the documents; the index catches up on its next rebuild or sync.
    const msg = `search index not updated (${(err as Error).message}); documents are saved and will be indexed on the next start`
    if (!report.warnings.includes(msg)) report.warnings.push(msg)
  }
}

async function withdrawMissing(database: Database, keep: Set<string>, fr: FileReport, opts: ImportOptions, cache: VectorCache, now: Date, report: ImportReport) {
  const gone = await unitsToWithdraw(database, opts.storeId, keep)
  const today = now.toISOString().slice(0, 10)
  const write = gone.map((d) => {
    const fields = { ...d.fields, status: 'withdrawn', withdrawnAt: today }
    // A body we generated still says "In stock"; regenerate it. A dealer-written description is kept.
    const body = d.body === unitBody(d.fields) ? unitBody(fields) : d.body
    const doc = { ...d, fields, body }
    return { ...doc, contentHash: contentHash({ ...doc, effectiveAt: d.effectiveAt, expiresAt: d.expiresAt }) }
  })
  await save(database, write, opts, cache, report)
  fr.withdrawn += write.length
}
