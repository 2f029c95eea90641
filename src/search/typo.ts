/**
 * Typo tolerance by query correction, with Meilisearch's rules: one typo from 5 letters, two from 9,
 * none for words with digits (identifiers, years, sizes). An unknown query word is replaced by the most
 * frequent indexed word within reach. Cheaper than a fuzzy index walk on every term, and never fuzzes IDs.
 */
export class Vocabulary {
  /** stem -> [document frequency, a surface word that stems to it] */
  private words = new Map<string, [number, string]>()
  private byLength = new Map<number, Set<string>>()

  constructor(private stem: (word: string) => string | undefined) {}

  add(text: string, delta = 1) {
    for (const [stem, surface] of this.stemsOf(text)) {
      const entry = this.words.get(stem)
      if (entry) {
        entry[0] += delta
        if (entry[0] <= 0) { this.words.delete(stem); this.byLength.get(stem.length)?.delete(stem) }
      } else if (delta > 0) {
        this.words.set(stem, [delta, surface])
        let set = this.byLength.get(stem.length)
        if (!set) this.byLength.set(stem.length, (set = new Set()))
        set.add(stem)
      }
    }
  }

  remove(text: string) { this.add(text, -1) }

  has(stem: string) { return this.words.has(stem) }

  /** How many documents use a word or phrase (its rarest word), 0 when some word never occurs. */
  frequency(phrase: string): number {
    let min = Infinity
    for (const w of phrase.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
      const s = this.stem(w)
      if (s === undefined) continue
      min = Math.min(min, this.words.get(s)?.[0] ?? 0)
    }
    return min === Infinity ? 0 : min
  }
  get size() { return this.words.size }

  private stemsOf(text: string): Map<string, string> {
    const out = new Map<string, string>()
    for (const w of text.toLowerCase().split(/[^a-z0-9àèéìòóù_'-]+/)) {
      if (!w || /\d/.test(w)) continue
      const s = this.stem(w)
      if (s && !out.has(s)) out.set(s, w)
    }
    return out
  }

  /** The query with misspelt words replaced; `corrections` lists what changed. */
  correct(q: string): { text: string; corrections: Array<[string, string]> } {
    const corrections: Array<[string, string]> = []
    const text = q.replace(/[A-Za-zàèéìòóù'_]+/g, (w) => {
      const lower = w.toLowerCase()
      if (lower.length < 5) return w
      const stem = this.stem(lower)
      if (!stem || this.words.has(stem)) return w
      const best = this.nearest(stem, lower.length >= 9 ? 2 : 1)
      if (!best) return w
      corrections.push([w, best])
      return best
    })
    return { text, corrections }
  }

  private nearest(stem: string, maxDist: number): string | undefined {
    let best: string | undefined, bestDist = maxDist + 1, bestFreq = 0
    for (let len = stem.length - maxDist; len <= stem.length + maxDist; len++) {
      for (const cand of this.byLength.get(len) ?? []) {
        const d = boundedLevenshtein(stem, cand, Math.min(maxDist, bestDist))
        if (d < 0) continue
        const freq = this.words.get(cand)![0]
        if (d < bestDist || (d === bestDist && freq > bestFreq)) { best = cand; bestDist = d; bestFreq = freq }
      }
    }
    return best ? this.words.get(best)![1] : undefined
  }
}

/** Edit distance counting an adjacent swap as one edit (as Meilisearch does), or -1 once it must exceed `max`. */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return -1
  let before: number[] = []
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1)
      cur.push(d)
      if (d < rowMin) rowMin = d
    }
    if (rowMin > max) return -1
    before = prev
    prev = cur
  }
  return prev[b.length] <= max ? prev[b.length] : -1
}
