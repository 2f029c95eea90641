/** Word tokens and a light stemmer, shared by keyword conditions, tags and signals. */

export interface Token {
  /** Lower-case word without apostrophes or accents. */
  word: string
  /** Inflection-folded form: "bikes", "biking" and "bike" share one stem. */
  stem: string
  start: number
  end: number
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu
const NON_ASCII = /[^\x00-\x7f]/
const MARKS = /\p{M}/gu
const APOSTROPHES = /['’]/g
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u
const MARK = /^\p{M}$/u

/** Words whose naive stem collides with an unrelated word ("tired" is not "tire"). */
const KEEP_AS_IS = new Set(['tired', 'fired', 'wired', 'hired', 'made', 'used', 'news', 'yes', 'bus', 'gas', 'this', 'thus', 'less', 'unless', 'always', 'series', 'species', 'ties'])

export function normalizeWord(raw: string): string {
  let w = raw.toLowerCase()
  if (w.includes("'") || w.includes('’')) w = w.replace(APOSTROPHES, '')
  if (NON_ASCII.test(w)) w = w.normalize('NFD').replace(MARKS, '')
  return w
}

const isVowel = (c: number) => c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121 // a e i o u y
const isConsonant = (c: number) => c >= 97 && c <= 122 && c !== 97 && c !== 101 && c !== 105 && c !== 111 && c !== 117

function hasVowel(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (isVowel(s.charCodeAt(i))) return true
  return false
}

function undouble(s: string): string {
  const n = s.length
  if (n < 3) return s
  const c = s.charCodeAt(n - 1)
  // double consonant, except l, s, z ("stall", "pass", "buzz")
  if (c === s.charCodeAt(n - 2) && isConsonant(c) && c !== 108 && c !== 115 && c !== 122) return s.slice(0, -1)
  return s
}

/** Folds plurals and -ing/-ed endings; deterministic and applied to both keywords and messages. */
export function stem(w: string): string {
  const n = w.length
  if (n <= 3 || KEEP_AS_IS.has(w)) return w
  for (let i = 0; i < n; i++) {
    const c = w.charCodeAt(i)
    if (c >= 48 && c <= 57) return w // codes, model years, part numbers stay exact
  }
  let s = w
  if (n > 4 && (s.endsWith('ies') || s.endsWith('ied'))) s = s.slice(0, -3) + 'y'
  else if (s.endsWith('sses')) s = s.slice(0, -2)
  else if (s.endsWith('ches') || s.endsWith('shes') || s.endsWith('xes') || s.endsWith('zes')) s = s.slice(0, -2)
  else if (s.endsWith('s')) {
    if (!s.endsWith('ss') && !s.endsWith('us') && !s.endsWith('is')) s = s.slice(0, -1)
  } else if (n >= 6 && s.endsWith('ing') && hasVowel(s, n - 3)) s = undouble(s.slice(0, -3))
  else if (n >= 5 && s.endsWith('ed') && !s.endsWith('eed') && hasVowel(s, n - 2)) s = undouble(s.slice(0, -2))
  if (s.length > 3 && s.endsWith('e')) s = s.slice(0, -1)
  return s
}

const isAsciiWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
const isApostrophe = (c: number) => c === 39 || c === 8217
const wordCharCache = new Map<number, boolean>()

function isWordChar(c: number, text: string, i: number): boolean {
  if (c < 128) return isAsciiWordChar(c)
  if (c >= 0xd800 && c <= 0xdfff) return false // astral planes: emoji, not words
  let yes = wordCharCache.get(c)
  if (yes === undefined) {
    const ch = text[i]
    yes = LETTER_OR_DIGIT.test(ch) || MARK.test(ch)
    if (wordCharCache.size < 10_000) wordCharCache.set(c, yes)
  }
  return yes
}

/**
 * Splits text into word tokens with their offsets; stops after `maxChars` characters. A hand-written scanner:
 * JavaScriptCore runs the equivalent Unicode regex about ten times slower.
 */
export function tokenize(text: string, maxChars = Infinity): Token[] {
  const end = Math.min(text.length, maxChars)
  const out: Token[] = []
  let i = 0
  while (i < end) {
    let c = text.charCodeAt(i)
    if (!isWordChar(c, text, i)) { i++; continue }
    const start = i
    let ascii = true
    let apos = false
    while (i < end) {
      c = text.charCodeAt(i)
      if (isWordChar(c, text, i)) {
        if (c >= 128) ascii = false
        i++
      } else if (isApostrophe(c) && i + 1 < end && isWordChar(text.charCodeAt(i + 1), text, i + 1)) {
        apos = true
        i++
      } else break
    }
    const raw = text.slice(start, i)
    const word = ascii && !apos ? raw.toLowerCase() : normalizeWord(raw)
    if (word.length > 0) out.push({ word, stem: stem(word), start, end: i })
  }
  return out
}

/** Stems of the words of a keyword as a dealer wrote it; used when compiling phrases. */
export function keywordWords(keyword: string): string[] {
  const words: string[] = []
  WORD.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = WORD.exec(keyword)) !== null) words.push(normalizeWord(m[0]))
  return words
}

/** Small words that carry no topic, ignored when comparing two questions. */
export const STOPWORDS = new Set(
  ('a an the i im me my mine we our you your u ur it its is are was were be been am do does did to of for on in at ' +
    'and or but so if can could would will should just what whats how when where who why which that this there ' +
    'hi hey hello thanks thank pls please ok okay any some have has had get got with about from by up out not no yes').split(' '),
)
