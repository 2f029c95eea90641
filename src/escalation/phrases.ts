/**
 * All keyword phrases of a rules file (tags, rules, built-in signals) in one index, so a message is tokenised
 * and scanned once however many rules there are. Words match inflections through the stemmer; `...` lets up to
 * three words sit in between ("won't ... start" matches "won't even start"); `word*` matches by prefix;
 * `=word` matches that exact word only (`=call me` does not match "called me").
 */
import { keywordWords, normalizeWord, stem, type Token } from './text.ts'

type Part = { text: string; prefix: boolean; exact?: boolean } | null // null = gap

interface Entry { id: number; parts: Part[] }

const MAX_GAP = 3

export class PhraseIndex {
  readonly phrases: string[] = []
  private byKey = new Map<string, number>()
  private exact = new Map<string, Entry[]>()
  private prefix = new Map<string, Entry[]>()
  private prefixLens: number[] = []
  private stamp = new Uint32Array(0)
  private starts = new Int32Array(0)
  private ends = new Int32Array(0)
  private gen = 0

  /** Adds a dealer keyword; returns its id, or what is wrong with it. */
  add(keyword: string): number | string {
    const variants = parseKeyword(keyword)
    if (typeof variants === 'string') return variants
    const key = variants.map((v) => v.map((p) => (p ? (p.exact ? '=' : '') + p.text + (p.prefix ? '*' : '') : '...')).join(' ')).join('|')
    const known = this.byKey.get(key)
    if (known !== undefined) return known
    const id = this.phrases.length
    this.phrases.push(keyword)
    this.byKey.set(key, id)
    for (const parts of variants) {
      const first = parts[0]!
      const map = first.prefix ? this.prefix : this.exact
      const indexKey = first.exact ? stem(first.text) : first.text
      const list = map.get(indexKey) ?? []
      list.push({ id, parts })
      map.set(indexKey, list)
      if (first.prefix && !this.prefixLens.includes(first.text.length)) this.prefixLens.push(first.text.length)
    }
    return id
  }

  get size(): number {
    return this.phrases.length
  }

  /** Marks every phrase found in the tokens (first occurrence wins). Not re-entrant: one scan at a time. */
  scan(tokens: Token[]): void {
    if (this.stamp.length !== this.phrases.length) {
      this.stamp = new Uint32Array(this.phrases.length)
      this.starts = new Int32Array(this.phrases.length)
      this.ends = new Int32Array(this.phrases.length)
    }
    this.gen = (this.gen + 1) >>> 0
    if (this.gen === 0) {
      this.stamp.fill(0)
      this.gen = 1
    }
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]
      const cands = this.exact.get(t.stem)
      if (cands) for (const c of cands) this.tryMatch(c, tokens, i)
      for (const len of this.prefixLens) {
        if (t.word.length < len) continue
        const pc = this.prefix.get(t.word.slice(0, len))
        if (pc) for (const c of pc) this.tryMatch(c, tokens, i)
      }
    }
  }

  /** Character offset where the phrase was found by the last scan, or -1. */
  start(id: number): number {
    return this.stamp[id] === this.gen ? this.starts[id] : -1
  }

  end(id: number): number {
    return this.ends[id]
  }

  private tryMatch(e: Entry, tokens: Token[], i: number): void {
    if (this.stamp[e.id] === this.gen) return
    if (e.parts[0]!.exact && tokens[i].word !== e.parts[0]!.text) return
    const last = e.parts.length === 1 ? i : matchFrom(e.parts, 1, tokens, i + 1)
    if (last < 0) return
    this.stamp[e.id] = this.gen
    this.starts[e.id] = tokens[i].start
    this.ends[e.id] = tokens[last].end
  }
}

function partMatches(p: { text: string; prefix: boolean; exact?: boolean }, t: Token): boolean {
  return p.prefix ? t.word.startsWith(p.text) : p.exact ? t.word === p.text : t.stem === p.text
}

/** Index of the last token of the match, or -1. */
function matchFrom(parts: Part[], pi: number, tokens: Token[], ti: number): number {
  if (pi === parts.length) return ti - 1
  const p = parts[pi]
  if (p === null) {
    for (let skip = 0; skip <= MAX_GAP; skip++) {
      const r = matchFrom(parts, pi + 1, tokens, ti + skip)
      if (r >= 0) return r
    }
    return -1
  }
  if (ti >= tokens.length || !partMatches(p, tokens[ti])) return -1
  return matchFrom(parts, pi + 1, tokens, ti + 1)
}

/** Parts of each way of writing the keyword ("4-wheeler" is also "4wheeler"). */
function parseKeyword(keyword: string): Part[][] | string {
  const pieces = keyword.trim().split(/\s+/).filter(Boolean)
  const parts: Part[] = []
  const joined: Part[] = []
  for (const piece of pieces) {
    if (piece === '...' || piece === '…') {
      if (parts.length === 0 || parts[parts.length - 1] === null) return `'${keyword}': '...' must sit between two words`
      parts.push(null)
      joined.push(null)
      continue
    }
    if (piece.endsWith('*')) {
      const w = normalizeWord(piece.slice(0, -1))
      if (!/^[\p{L}\p{N}]+$/u.test(w)) return `'${keyword}': a * can only follow letters or digits, as in overheat*`
      if (w.length < 3) return `'${keyword}': '${piece}' is too short for a prefix (use at least 3 letters before *)`
      parts.push({ text: w, prefix: true })
      joined.push({ text: w, prefix: true })
      continue
    }
    if (piece.startsWith('=') && piece.length > 1) {
      const words = keywordWords(piece.slice(1))
      if (words.length === 0) return `'${keyword}': '=' must be followed by a word, as in =called`
      for (const w of words) {
        parts.push({ text: w, prefix: false, exact: true })
        joined.push({ text: w, prefix: false, exact: true })
      }
      continue
    }
    const words = keywordWords(piece)
    if (words.length === 0) continue
    for (const w of words) parts.push({ text: stem(w), prefix: false })
    if (words.length > 1 && /[-/]/.test(piece)) {
      const w = words.join('')
      joined.push({ text: stem(w), prefix: false })
    } else for (const w of words) joined.push({ text: stem(w), prefix: false })
  }
  if (parts.length === 0 || parts.every((p) => p === null)) return `'${keyword}' has no letters or digits to match`
  if (parts[parts.length - 1] === null) return `'${keyword}': '...' must sit between two words`
  const same = joined.length === parts.length && joined.every((p, i) => p?.text === parts[i]?.text)
  return same ? [parts] : [parts, joined]
}
