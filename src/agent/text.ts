import { STOPWORDS, tokenize } from '../escalation/text.ts'

/** Sentence-level text helpers shared by guardrails, summaries and the local answerer. */

/** Splits on sentence ends and line breaks; keeps decimals ($12.50) and abbreviations like "No." together. */
export function sentences(text: string): string[] {
  const out: string[] = []
  for (const line of text.split(/\n+/)) {
    const parts = line.split(/(?<=[.!?])\s+(?=["'(\[]?[A-Z0-9$])/)
    for (const p of parts) {
      const s = p.trim()
      if (s) out.push(s)
    }
  }
  return out
}

/** Stems of the words that carry meaning (stop words and one-letter words dropped). */
export function contentStems(text: string): string[] {
  return tokenize(text, 20_000).filter((t) => t.word.length > 1 && !STOPWORDS.has(t.word)).map((t) => t.stem)
}

/** A set of stems for fast grounding checks over many sentences. */
export function stemSet(texts: string[]): Set<string> {
  const s = new Set<string>()
  for (const t of texts) for (const w of contentStems(t)) s.add(w)
  return s
}

/** Share (0..1) of a sentence's content words found in the sources: 1 when it only restates them. */
export function groundedShare(sentence: string, sources: Set<string>): number {
  const words = contentStems(sentence)
  if (words.length === 0) return 1
  return words.filter((w) => sources.has(w)).length / words.length
}

/** Collapses whitespace and trims to `max` characters on a word boundary. */
export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim()
  if (t.length <= max) return t
  return t.slice(0, max).replace(/\s+\S*$/, '') + '…'
}

// toLocaleString with options builds a formatter on every call (a visible share of answering a price question).
const WHOLE = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
export const money = (n: number) => `$${(Number.isInteger(n) ? WHOLE : CENTS).format(n)}`

/** Removes Markdown decoration from a document passage before it is quoted to a rider. */
export const plain = (md: string) =>
  md.replace(/^---[\s\S]*?---/, '').replace(/^#{1,6}\s*/gm, '').replace(/[*_`>]+/g, '').replace(/\|/g, ' ').replace(/[ \t]+/g, ' ').trim()
