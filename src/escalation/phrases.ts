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

/** What can start at one stem: one-word phrases, two-word heads, and the rest. */
interface Starts { single?: number[]; pair?: Map<string, Entry[]>; other?: Entry[] }

/** The first three UTF-16 units of a word as one number (no string is allocated per word). */
const head3 = (w: string, i: number) => w.charCodeAt(i) * 4294967296 + w.charCodeAt(i + 1) * 65536 + w.charCodeAt(i + 2)

const isPlain = (p: Part): p is { text: string; prefix: boolean } => p !== null && !p.prefix && !p.exact

export class PhraseIndex {
  readonly phrases: string[] = []
  /** Phrase ids found by the last scan, in the order they occur in the text. */
  readonly hits: number[] = []
  private byKey = new Map<string, number>()
  /** Everything that can start at a word, by the word's stem: one lookup per word. */
  private byStem = new Map<string, Starts>()
  /** Phrases starting with a prefix word (`frustrat*`), by the prefix's first three characters. */
  private prefix = new Map<number, Entry[]>()
  private phraseGroups: number[][] = []
  private groupCount = 0
  private stamp = new Uint32Array(0)
  private starts = new Int32Array(0)
  private ends = new Int32Array(0)
  private groupStamp = new Uint32Array(0)
  private groupFirst = new Int32Array(0)
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
    this.phraseGroups.push([])
    this.byKey.set(key, id)
    const push = <K, T>(map: Map<K, T[]>, k: K, v: T) => {
      const list = map.get(k)
      if (list) list.push(v)
      else map.set(k, [v])
    }
    const at = (k: string) => {
      let st = this.byStem.get(k)
      if (!st) this.byStem.set(k, (st = {}))
      return st
    }
    for (const parts of variants) {
      const first = parts[0]!
      if (first.prefix) push(this.prefix, head3(first.text, 0), { id, parts })
      else if (parts.length === 1 && isPlain(first)) (at(first.text).single ??= []).push(id)
      else if (isPlain(first) && isPlain(parts[1])) push((at(first.text).pair ??= new Map()), parts[1].text, { id, parts })
      else (at(first.exact ? stem(first.text) : first.text).other ??= []).push({ id, parts })
    }
    return id
  }

  /** Registers a set of phrases (one keyword condition); groupHit() then answers in O(1). */
  group(ids: number[]): number {
    const g = this.groupCount++
    for (const id of new Set(ids)) this.phraseGroups[id].push(g)
    return g
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
    if (this.groupStamp.length !== this.groupCount) {
      this.groupStamp = new Uint32Array(this.groupCount)
      this.groupFirst = new Int32Array(this.groupCount)
    }
    this.gen = (this.gen + 1) >>> 0
    if (this.gen === 0) {
      this.stamp.fill(0)
      this.groupStamp.fill(0)
      this.gen = 1
    }
    this.hits.length = 0
    const n = tokens.length
    const prefixes = this.prefix.size > 0
    for (let i = 0; i < n; i++) {
      const t = tokens[i]
      const st = this.byStem.get(t.stem)
      if (st) {
        if (st.single) for (const id of st.single) this.mark(id, t.start, t.end)
        if (st.pair && i + 1 < n) {
          const two = st.pair.get(tokens[i + 1].stem)
          if (two) for (const c of two) this.tryMatch(c, tokens, i)
        }
        if (st.other) for (const c of st.other) this.tryMatch(c, tokens, i)
      }
      if (prefixes && t.word.length >= 3) {
        const pc = this.prefix.get(head3(t.word, 0))
        if (pc) for (const c of pc) if (t.word.startsWith(c.parts[0]!.text)) this.tryMatch(c, tokens, i)
      }
    }
    // Hits are in token order, so each group keeps the earliest phrase in the text.
    for (const id of this.hits) {
      for (const g of this.phraseGroups[id]) {
        if (this.groupStamp[g] !== this.gen) {
          this.groupStamp[g] = this.gen
          this.groupFirst[g] = id
        }
      }
    }
  }

  /** Id of the first phrase of the group found by the last scan, or -1. */
  groupHit(g: number): number {
    return this.groupStamp[g] === this.gen ? this.groupFirst[g] : -1
  }

  /** Character offset where the phrase was found by the last scan, or -1. */
  start(id: number): number {
    return this.stamp[id] === this.gen ? this.starts[id] : -1
  }

  end(id: number): number {
    return this.ends[id]
  }

  private mark(id: number, start: number, end: number): void {
    if (this.stamp[id] === this.gen) return
    this.stamp[id] = this.gen
    this.starts[id] = start
    this.ends[id] = end
    this.hits.push(id)
  }

  private tryMatch(e: Entry, tokens: Token[], i: number): void {
    if (this.stamp[e.id] === this.gen) return
    if (e.parts[0]!.exact && tokens[i].word !== e.parts[0]!.text) return
    const last = e.parts.length === 1 ? i : matchFrom(e.parts, 1, tokens, i + 1)
    if (last < 0) return
    this.mark(e.id, tokens[i].start, tokens[last].end)
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
