import { parse } from 'csv-parse'
import { fileStream } from './file-stream.ts'

/** Shared CSV plumbing: streaming rows with line numbers, and tolerant header mapping. */

export interface CsvRow { line: number; cells: string[]; error?: string }

/** Streams rows (header included) with the line each one ends on. Quotes are handled by csv-parse. */
export async function* readCsv(path: string): AsyncGenerator<CsvRow> {
  const parser = fileStream(path).pipe(parse({
    bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true,
  }))
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: rec.info.lines, cells: rec.record }
    }
  } catch (err) {
    // A file csv-parse cannot finish (a quote never closed) ends with a row error instead of a crash.
    const e = err as Error & { lines?: number }
    yield { line: e.lines ?? 0, cells: [], error: `the CSV cannot be read past here: ${e.message}` }
  }
}

/** `Stock #`, `stock_no` and `StockNumber` all become `stock`-ish keys: lower-case letters and digits only. */
export const headerKey = (h: string) => h.toLowerCase().replace(/#/g, 'no').replace(/[^a-z0-9]/g, '')

export type HeaderSynonyms<K extends string> = Record<K, string[]>

export interface HeaderMap<K extends string> {
  column: Partial<Record<K, number>>
  /** Header text as written in the file, for messages. */
  label: Partial<Record<K, string>>
  unknown: string[]
}

/** Maps each canonical field to the first header whose key is one of its synonyms. */
export function mapHeaders<K extends string>(headers: string[], synonyms: HeaderSynonyms<K>): HeaderMap<K> {
  const column: Partial<Record<K, number>> = {}
  const label: Partial<Record<K, string>> = {}
  const used = new Set<number>()
  for (const field of Object.keys(synonyms) as K[]) {
    const keys = synonyms[field].map(headerKey)
    const i = headers.findIndex((h, idx) => !used.has(idx) && keys.includes(headerKey(h)))
    if (i >= 0) { column[field] = i; label[field] = headers[i]; used.add(i) }
  }
  return { column, label, unknown: headers.filter((_, i) => !used.has(i) && headers[i] !== '') }
}

export const cell = <K extends string>(row: string[], map: HeaderMap<K>, field: K): string | undefined => {
  const i = map.column[field]
  const v = i === undefined ? undefined : row[i]?.trim()
  return v ? v : undefined
}

/** `$12,499.00`, `12499`, `12.499,00`? Only the US forms DMS exports use; blank or `call` means no price. */
export function parseMoney(s: string | undefined): number | undefined | 'invalid' {
  if (!s) return undefined
  if (/^(call|n\/?a|tbd|-+)$/i.test(s)) return undefined
  const cleaned = s.replace(/[$\s]/g, '').replace(/,(?=\d{3}(\D|$))/g, '')
  return /^\d+(\.\d{1,2})?$/.test(cleaned) ? Number(cleaned) : 'invalid'
}

export function parseInteger(s: string | undefined): number | undefined | 'invalid' {
  if (!s) return undefined
  const cleaned = s.replace(/[,\s]/g, '')
  return /^-?\d+$/.test(cleaned) ? Number(cleaned) : 'invalid'
}

/** US dates as DMS exports write them (`11/24/2026`, `2026-11-24`, `11/24/26 14:05`) to `YYYY-MM-DD`. */
export function parseDate(s: string | undefined): string | undefined | 'invalid' {
  if (!s) return undefined
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s)
  if (m) return `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})\b/.exec(s)
  if (m) {
    const year = m[3].length === 2 ? `20${m[3]}` : m[3]
    return `${year}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`
  }
  return 'invalid'
}

/** Counts data lines quickly (for progress and ETA); an estimate when quoted fields span lines. */
export async function countLines(path: string): Promise<number> {
  let n = 0
  for await (const chunk of fileStream(path)) {
    const buf = chunk as Buffer
    for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++
  }
  return n
}

/** A data row with the header map, or the header problem (a required column no header maps to). */
export type MappedRow<K extends string> =
  | { line: number; cells: string[]; map: HeaderMap<K> }
  | { line: number; missing: { field?: K; message: string }[] }

/** Reads a CSV whose first row is headers mapped by synonyms; stops after reporting missing required columns. */
export async function* readMappedCsv<K extends string>(path: string, synonyms: HeaderSynonyms<K>, required: K[]): AsyncGenerator<MappedRow<K>> {
  let map: HeaderMap<K> | undefined
  for await (const { line, cells, error } of readCsv(path)) {
    if (error) { yield { line, missing: [{ message: error }] }; return }
    if (map) { yield { line, cells, map }; continue }
    map = mapHeaders(cells, synonyms)
    const missing = required.filter((f) => map!.column[f] === undefined)
    if (missing.length) {
      yield { line, missing: missing.map((f) => ({ field: f, message: `no column for ${f} (accepted headers: ${synonyms[f].join(', ')})` })) }
      return
    }
  }
}
