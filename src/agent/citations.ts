import type { SearchHit } from '../search/contract.ts'
import type { Citation, Focus } from './contract.ts'

/** Turns search hits into the citation cards the widget renders and the focus carried to the next turn. */

const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : undefined)
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)

export function citationOf(hit: SearchHit): Citation {
  const f = hit.fields
  const c: Citation = { id: hit.id, type: hit.type, title: hit.title }
  const set = <K extends keyof Citation>(k: K, v: Citation[K] | undefined) => { if (v !== undefined) c[k] = v }
  switch (hit.type) {
    case 'unit':
      set('price', num(f.price)); set('status', str(f.status)); set('stockNumber', str(f.stockNumber)); set('dataAsOf', str(f.dataAsOf))
      break
    case 'part':
      set('price', num(f.price)); set('partNumber', str(f.partNumber)); set('onHand', num(f.onHand))
      break
    case 'bulletin': set('bulletinNumber', str(f.bulletinNumber)); break
    case 'recall': set('campaignId', str(f.campaignId)); set('agencyId', str(f.agencyId)); set('status', str(f.status)); break
    case 'policy': case 'faq': set('topic', str(f.topic)); break
    case 'guide': set('topic', str(f.kind)); break
    case 'price_sheet': set('topic', str(f.department)); set('expiresAt', hit.expiresAt ?? null); break
  }
  set('source', hit.source)
  return c
}

/** Citations in first-use order, each document once. */
export function citationsOf(hits: SearchHit[]): Citation[] {
  const seen = new Set<string>()
  return hits.filter((h) => !seen.has(h.id) && seen.add(h.id)).map(citationOf)
}

export function unitLabel(f: Record<string, unknown>): string {
  return [num(f.year), str(f.make), str(f.model), str(f.trim)].filter(Boolean).join(' ')
}

/** The unit or part a hit is about, as a focus for follow-up questions. */
export function focusOf(hit: SearchHit): Focus | undefined {
  const f = hit.fields
  if (hit.type === 'unit') {
    const ref = str(f.stockNumber)
    if (!ref) return undefined
    return { kind: 'unit', id: hit.id, ref, label: unitLabel(f) || hit.title, make: str(f.make), model: str(f.model), year: num(f.year) }
  }
  if (hit.type === 'part') {
    const ref = str(f.partNumber)
    if (!ref) return undefined
    return { kind: 'part', id: hit.id, ref, label: str(f.description) ?? hit.title, make: str(f.brand) }
  }
  return undefined
}

/** The focus a stored bot message's citations imply: its first unit or part. */
export function focusFromCitations(citations: readonly Citation[] | null | undefined): Focus | undefined {
  for (const c of citations ?? []) {
    if (c.type === 'unit' && c.stockNumber) return { kind: 'unit', id: c.id, ref: c.stockNumber, label: c.title }
    if (c.type === 'part' && c.partNumber) return { kind: 'part', id: c.id, ref: c.partNumber, label: c.title }
  }
  return undefined
}
