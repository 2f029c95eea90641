import { parseDocument, type DocType, type DocumentInputData } from '../types.ts'

/** What every importer yields per row/file: a valid document, or issues naming the field as the file calls it. */
export interface ParsedRow {
  line: number
  doc?: DocumentInputData
  issues: Array<{ field?: string; message: string; line?: number }>
  /** The row's document id when it could be worked out even though the row is invalid. */
  id?: string
}

export interface ImportContext {
  /** Forced by `--type`: which CSV flavour, or the default type for Markdown and JSONL. */
  type?: DocType
  /** `YYYY-MM-DD` used as data-as-of when an inventory feed has no such column. */
  asOf: string
}

export type ImporterKind = 'inventory' | 'parts' | 'markdown' | 'jsonl'

export interface FileImporter {
  kind: ImporterKind
  rows(path: string, ctx: ImportContext): AsyncIterable<ParsedRow>
}

/** Validates with the shared schema and renames paths like `fields.vin` with `label` (e.g. the CSV header `VIN #`). */
export function validateRow(line: number, input: Record<string, unknown>, label: (path: string) => string, lineOf?: (path: string) => number | undefined): ParsedRow {
  const id = typeof input.id === 'string' ? input.id : undefined
  // PostgreSQL cannot store NUL, nor a lone UTF-16 surrogate in JSON; both usually mean a file that is not UTF-8.
  // Fields first: they name the column.
  const bad = badTextPath(input.fields, 'fields') ?? badTextPath(input)
  if (bad !== undefined) return { line, id, issues: [{ field: label(bad.path), message: `${bad.what} (save the file as UTF-8)`, line: lineOf?.(bad.path) }] }
  const r = parseDocument(input)
  if (r.ok) return { line, doc: r.doc, issues: [], id }
  return { line, id, issues: r.issues.map((i) => ({ field: label(i.field), message: i.message, line: lineOf?.(i.field) })) }
}

/** Dot path of the first string PostgreSQL cannot store (a NUL character, or a lone surrogate), and what is wrong. */
function badTextPath(value: unknown, path = ''): { path: string; what: string } | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, what: 'contains a NUL character' }
    return (value as string & { isWellFormed(): boolean }).isWellFormed() ? undefined : { path, what: 'contains characters that are not valid text' }
  }
  if (!value || typeof value !== 'object') return undefined
  for (const [k, x] of Object.entries(value)) {
    const hit = badTextPath(x, path ? `${path}.${k}` : k)
    if (hit !== undefined) return hit
  }
  return undefined
}
