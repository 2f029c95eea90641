import { stopwords as englishStopwords } from '@orama/stopwords/english'

/**
 * Groups rider questions the AI could not answer well by token-set similarity, so "do you sell tires for
 * a grizzly" and "do you have grizzly tires?" count as one gap in the content. Pure and fast: a page of
 * 500 questions groups in a few milliseconds, with no model to load.
 */

export interface Question { text: string; at: Date; conversationId: string; confidence: number }
export interface QuestionGroup {
  /** The most recent wording, shown as the group's title and prefilled into "add an answer". */
  representative: string
  count: number
  lastAsked: Date
  /** Up to five distinct other wordings. */
  examples: string[]
  conversationIds: string[]
}

const STOP = new Set([...englishStopwords, 'hi', 'hello', 'hey', 'thanks', 'thank', 'please', 'can', 'could', 'would', 'you', 'your', 'get', 'got', 'any', 'know', 'want', 'need', 'looking'])

/** Lower-case word stems without stop words: "Do you have Tires?" -> {tire}. */
export function tokens(text: string): Set<string> {
  const out = new Set<string>()
  for (const raw of text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/)) {
    if (!raw || STOP.has(raw)) continue
    out.add(stem(raw))
  }
  return out
}

/** A light suffix strip: enough for plurals and -ing/-ed forms of the words riders use. */
function stem(w: string): string {
  if (w.length <= 3 || /^\d/.test(w)) return w
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`
  if (w.endsWith('ing') && w.length > 5) return w.slice(0, -3)
  if (w.endsWith('ed') && w.length > 4) return w.slice(0, -2)
  if (w.endsWith('es') && /(ch|sh|x|ss)es$/.test(w)) return w.slice(0, -2)
  if (w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1)
  return w
}

/** Overlap of two token sets relative to the smaller one (a short question inside a long one still matches). */
export function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0
  let shared = 0
  for (const t of a) if (b.has(t)) shared++
  const jaccard = shared / (a.size + b.size - shared)
  const containment = shared / Math.min(a.size, b.size)
  // Containment alone would merge any one-word question into everything sharing that word.
  return Math.min(a.size, b.size) >= 2 ? Math.max(jaccard, containment * 0.8) : jaccard
}

/**
 * Greedy single pass, newest first: a question joins the most similar group when the similarity to the
 * group's first wording reaches `threshold`, else starts a group. Groups come back largest first.
 */
export function groupQuestions(questions: Question[], threshold = 0.5): QuestionGroup[] {
  const sorted = [...questions].sort((a, b) => b.at.getTime() - a.at.getTime())
  const groups: Array<QuestionGroup & { key: Set<string>; seen: Set<string> }> = []
  for (const q of sorted) {
    const t = tokens(q.text)
    const norm = q.text.trim().toLowerCase()
    let best: (typeof groups)[number] | undefined
    let bestScore = threshold
    for (const g of groups) {
      const score = g.seen.has(norm) ? 1 : similarity(t, g.key)
      if (score >= bestScore) { best = g; bestScore = score }
    }
    if (!best) {
      groups.push({ representative: q.text.trim(), count: 1, lastAsked: q.at, examples: [], conversationIds: [q.conversationId], key: t, seen: new Set([norm]) })
      continue
    }
    best.count++
    if (!best.conversationIds.includes(q.conversationId)) best.conversationIds.push(q.conversationId)
    if (!best.seen.has(norm)) {
      best.seen.add(norm)
      if (best.examples.length < 5) best.examples.push(q.text.trim())
    }
  }
  return groups
    .sort((a, b) => b.count - a.count || b.lastAsked.getTime() - a.lastAsked.getTime())
    .map(({ key: _k, seen: _s, ...g }) => g)
}
