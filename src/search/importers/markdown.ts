import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml'
import { validateRow, type FileImporter, type ParsedRow } from './types.ts'

/**
 * Markdown or text with YAML front matter: one document per file (bulletins, recalls, guides, policies, FAQ,
 * price sheets). Front matter holds id/type/title/dates; every other key is a typed field (snake_case allowed).
 */

const COMMON: Record<string, string> = {
  id: 'id', type: 'type', title: 'title', source: 'source',
  effective: 'effectiveAt', effectiveat: 'effectiveAt', effectivedate: 'effectiveAt', date: 'effectiveAt', issued: 'effectiveAt',
  expires: 'expiresAt', expiresat: 'expiresAt', expiry: 'expiresAt', expirydate: 'expiresAt', expirationdate: 'expiresAt',
}
const camel = (k: string) => k.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase())
export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 200)

export function parseMarkdown(text: string, file: string, defaultType?: string): ParsedRow {
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text)
  const input: Record<string, unknown> = { fields: {} }
  const fields = input.fields as Record<string, unknown>
  const keyLine = new Map<string, number>()
  let body = text
  let bodyLine = 1
  if (fm) {
    body = text.slice(fm[0].length)
    bodyLine = fm[0].split('\n').length
    const lc = new LineCounter()
    const doc = parseDocument(fm[1], { lineCounter: lc })
    if (doc.errors.length) {
      const e = doc.errors[0]
      return { line: (e.linePos?.[0].line ?? 0) + 1, issues: [{ field: 'front matter', message: e.message.split('\n')[0] }] }
    }
    if (!isMap(doc.contents)) return { line: 2, issues: [{ field: 'front matter', message: 'must be key: value lines' }] }
    for (const pair of doc.contents.items) {
      if (!isScalar(pair.key)) continue
      const raw = String(pair.key.value)
      const name = COMMON[raw.toLowerCase().replace(/[_-]/g, '')] ?? camel(raw)
      const value = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null
      const line = lc.linePos(pair.key.range?.[0] ?? 0).line + 1 // +1: the opening ---
      keyLine.set(name, line)
      if (Object.values(COMMON).includes(name)) input[name] = typeof value === 'number' ? String(value) : value
      else fields[name] = value
    }
  }
  input.type ??= defaultType
  input.id ??= slug(basename(file, extname(file)))
  if (input.title === undefined) {
    const heading = /^#\s+(.+)$/m.exec(body) ?? /^\s*(\S.*)$/m.exec(body)
    if (heading) input.title = heading[1].trim()
  }
  input.body = body.trim()
  input.source ??= basename(file)
  const lineOf = (path: string) => {
    const [head, key] = path.split('.')
    if (head === 'fields' && key) return keyLine.get(key) ?? 1
    if (head === 'body') return bodyLine
    return keyLine.get(head) ?? 1
  }
  const label = (path: string) => {
    const [head, key, ...rest] = path.split('.')
    return head === 'fields' && key ? [key, ...rest].join('.') : path
  }
  const r = validateRow(1, input, label, lineOf)
  return r.issues.length ? { ...r, line: r.issues[0].line ?? 1 } : r
}

export const markdownImporter: FileImporter = {
  kind: 'markdown',
  async *rows(path, ctx) {
    yield parseMarkdown(await readFile(path, 'utf8'), path, ctx.type)
  },
}
