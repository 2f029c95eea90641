/** Small text helpers of the rules loader: durations, reply templates, "did you mean" hints. */
import type { Report, Path } from './compile.ts'
import { ENTITY_KINDS } from './types.ts'

export const PLACEHOLDERS = [
  'department', 'next_open', 'eta', 'response_time', 'priority', 'store', 'store_phone', 'hours', 'match', ...ENTITY_KINDS,
] as const


/** A reply or reason with its placeholders split out. */
export type Template = (string | { name: string })[]

/** Levenshtein distance, for "did you mean" hints. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]
    d[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return d[b.length]
}

export function didYouMean(word: string, options: readonly string[]): string {
  let best = ''
  let bestD = Infinity
  for (const o of options) {
    const dd = distance(word.toLowerCase(), o)
    if (dd < bestD) { best = o; bestD = dd }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean '${best}'?)` : ''
}

export function parseDuration(s: string): number | string {
  const t = s.trim().toLowerCase()
  const re = /(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)\b\s*/y
  let total = 0
  let pos = 0
  while (pos < t.length) {
    re.lastIndex = pos
    const m = re.exec(t)
    if (!m) return `'${s}' is not a duration (write 15m, 2h, 1h30m or 1d)`
    const n = Number(m[1])
    total += m[2].startsWith('d') ? n * 1440 : m[2].startsWith('h') ? n * 60 : n
    pos = re.lastIndex
  }
  if (total <= 0) return `'${s}' must be longer than zero`
  return Math.round(total)
}

export function humanDuration(min: number): string {
  if (min % 1440 === 0) return min === 1440 ? '1 day' : `${min / 1440} days`
  if (min % 60 === 0) return min === 60 ? '1 hour' : `${min / 60} hours`
  if (min > 60) return `${Math.floor(min / 60)} h ${min % 60} min`
  return min === 1 ? '1 minute' : `${min} minutes`
}

export function compileTemplate(text: string, path: Path, report: Report): Template {
  const out: Template = []
  let lit = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if ((c === '{' || c === '}') && text[i + 1] === c) { lit += c; i++; continue }
    if (c !== '{') { lit += c; continue }
    const close = text.indexOf('}', i)
    if (close < 0) { report(path, `unclosed '{' in "${text}" (write {{ for a literal brace)`); return [text] }
    const name = text.slice(i + 1, close).trim()
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      report(path, `unknown placeholder {${name}}${didYouMean(name, PLACEHOLDERS)}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`)
    }
    if (lit) out.push(lit)
    lit = ''
    out.push({ name })
    i = close
  }
  if (lit) out.push(lit)
  return out
}
