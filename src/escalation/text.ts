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

/** Words whose naive stem collides with an unrelated word ("tired" is not "tire"). */
const KEEP_AS_IS = new Set(['tired', 'fired', 'wired', 'hired', 'made', 'used', 'news', 'yes', 'bus', 'gas', 'this', 'thus', 'less', 'unless', 'always', 'series', 'species', 'ties'])

export function normalizeWord(raw: string): string {
  let w = raw.toLowerCase()
  if (w.includes("'") || w.includes('’')) w = w.replace(APOSTROPHES, '')
  if (NON_ASCII.test(w)) w = w.normalize('NFD').replace(MARKS, '')
  return w
}

const VOWEL = /[aeiouy]/
const isConsonant = (c: string) => c >= 'a' && c <= 'z' && !'aeiou'.includes(c)

function undouble(s: string): string {
  const n = s.length
  if (n >= 3 && s[n - 1] === s[n - 2] && isConsonant(s[n - 1]) && !'lsz'.includes(s[n - 1])) return s.slice(0, -1)
  return s
}

/** Folds plurals and -ing/-ed endings; deterministic and applied to both keywords and messages. */
export function stem(w: string): string {
  if (w.length <= 3 || KEEP_AS_IS.has(w)) return w
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (c >= 48 && c <= 57) return w // codes, model years, part numbers stay exact
  }
  let s = w
  if (s.length > 4 && (s.endsWith('ies') || s.endsWith('ied'))) s = s.slice(0, -3) + 'y'
  else if (s.endsWith('sses')) s = s.slice(0, -2)
  else if (s.endsWith('ches') || s.endsWith('shes') || s.endsWith('xes') || s.endsWith('zes')) s = s.slice(0, -2)
  else if (s.endsWith('s')) {
    if (!s.endsWith('ss') && !s.endsWith('us') && !s.endsWith('is')) s = s.slice(0, -1)
  } else if (s.endsWith('ing') && s.length >= 6 && VOWEL.test(s.slice(0, -3))) s = undouble(s.slice(0, -3))
  else if (s.endsWith('ed') && !s.endsWith('eed') && s.length >= 5 && VOWEL.test(s.slice(0, -2))) s = undouble(s.slice(0, -2))
  if (s.length > 3 && s.endsWith('e')) s = s.slice(0, -1)
  return s
}

/** Splits text into word tokens with their offsets; stops after `maxChars` characters. */
export function tokenize(text: string, maxChars = Infinity): Token[] {
  const src = text.length > maxChars ? text.slice(0, maxChars) : text
  const out: Token[] = []
  WORD.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = WORD.exec(src)) !== null) {
    const word = normalizeWord(m[0])
    if (word.length === 0) continue
    out.push({ word, stem: stem(word), start: m.index, end: m.index + m[0].length })
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
