import type { SearchHit } from '../search/contract.ts'
import { fitmentText } from '../search/record.ts'
import { unitLabel } from './citations.ts'
import { coverage, matched, subjectStems } from './retrieve.ts'
import { clip, money, plain } from './text.ts'

/** Per-type answer templates for the local answerer: only facts from the documents, worded plainly. */

const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : undefined)
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)

export const STATUS_LABEL: Record<string, string> = {
  in_stock: 'in stock', on_order: 'on order', on_hold: 'on hold for another customer', sold: 'sold', withdrawn: 'no longer listed',
}

/** "2024 Yamaha Grizzly EPS (new, Tactical Black) — $12,999, in stock, stock #G24-101; inventory data as of 2026-11-20." */
export function unitLine(hit: SearchHit): string {
  const f = hit.fields
  const details = [str(f.condition), str(f.color)].filter(Boolean).join(', ')
  const price = num(f.price)
  const usage = [num(f.mileage) !== undefined ? `${num(f.mileage)!.toLocaleString('en-US')} miles` : '', num(f.hours) !== undefined ? `${num(f.hours)} hours` : ''].filter(Boolean).join(', ')
  const facts = [price !== undefined ? money(price) : 'price not listed — ask our sales team', STATUS_LABEL[str(f.status) ?? ''] ?? str(f.status), usage, `stock #${str(f.stockNumber)}`]
  return `${unitLabel(f) || hit.title}${details ? ` (${details})` : ''} — ${facts.filter(Boolean).join(', ')}; inventory data as of ${str(f.dataAsOf) ?? 'unknown'}.`
}

interface FitRow { make: string; model: string; yearFrom: number; yearTo: number }
const fitRows = (x: unknown): FitRow[] => (Array.isArray(x) ? (x as FitRow[]) : [])

/** Whether the published fitment lists the rider's year/model (never a VIN check). */
export function fitmentVerdict(hit: SearchHit, vehicle: { year?: number; words: string[] }): string | undefined {
  const rows = fitRows(hit.fields.fitment)
  if (!rows.length || vehicle.words.length === 0) return undefined
  const named = rows.filter((r) => coverage(subjectStems(r.model), vehicle.words.join(' ')) >= 0.5 || vehicle.words.includes(r.model.toLowerCase()))
  if (!named.length) return undefined
  const match = named.find((r) => vehicle.year === undefined || (vehicle.year >= r.yearFrom && vehicle.year <= r.yearTo))
  if (match) return `Our fitment data lists it for ${fitmentText([match])}${vehicle.year ? `, which includes ${vehicle.year}` : ''}.`
  return `Our fitment data lists it for ${fitmentText(named)}, which doesn't include ${vehicle.year}.`
}

export function partLine(hit: SearchHit, vehicle?: { year?: number; words: string[] }): string {
  const f = hit.fields
  const onHand = num(f.onHand) ?? 0
  const price = num(f.price)
  const stock = onHand > 0 ? `${onHand} on hand` : 'none on hand right now (our parts team can order it)'
  const rows = fitRows(f.fitment)
  const parts = [
    `${str(f.description) ?? hit.title} — ${str(f.brand) ?? ''} part ${str(f.partNumber)}: ${price !== undefined ? `${money(price)}, ` : ''}${stock}.`.replace(/ {2,}/g, ' '),
  ]
  if (str(f.supersededBy)) parts.push(`It has been superseded by part ${str(f.supersededBy)}.`)
  const verdict = vehicle ? fitmentVerdict(hit, vehicle) : undefined
  if (verdict) parts.push(verdict)
  else if (rows.length) parts.push(`Listed fitment: ${clip(fitmentText(rows), 200)}.`)
  return parts.join(' ')
}

interface Block { heading?: string; text: string; kind: 'para' | 'item' | 'row' }

const cellsOf = (line: string) => line.replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim())

/** Blocks of a Markdown body: paragraphs, and list items or table rows on their own, each with its section heading. */
function blocks(body: string): Block[] {
  const out: Block[] = []
  let heading: string | undefined
  let header: string[] | undefined
  let para: string[] = []
  const flush = () => { if (para.length) out.push({ heading, text: para.join(' '), kind: 'para' }); para = [] }
  const lines = body.replace(/^---[\s\S]*?---/, '').split('\n').map((l) => l.trim())
  lines.forEach((line, i) => {
    if (!line) { flush(); return }
    // Only section headings (##…) name a passage; the top heading just repeats the title.
    const h = /^(#{1,6})\s+(.*)$/.exec(line)
    if (h) { flush(); heading = h[1].length > 1 ? h[2] : undefined; header = undefined; return }
    if (/^\|?\s*:?-{3,}/.test(line)) return
    if (line.startsWith('|')) {
      flush()
      if (/^\|?\s*:?-{3,}/.test(lines[i + 1] ?? '')) { header = cellsOf(line); return }
      const cells = cellsOf(line)
      // A row reads "P0563 — Meaning: System voltage high; Common cause: …" with the header's names.
      const text = header && header.length === cells.length
        ? `${cells[0]} — ${cells.slice(1).map((c, j) => `${header![j + 1]}: ${c}`).join('; ')}`
        : cells.join(' — ')
      out.push({ heading, text, kind: 'row' })
      return
    }
    if (/^([-*+]|\d+[.)])\s+/.test(line)) { flush(); out.push({ heading, text: line.replace(/^([-*+]|\d+[.)])\s+/, ''), kind: 'item' }); return }
    para.push(line)
  })
  flush()
  return out
}

/** The most relevant passage of a document for the question (an identifier such as a fault code wins outright). */
export function passage(body: string, q: string, max = 420, identifiers: string[] = []): string | undefined {
  const bs = blocks(body)
  if (!bs.length) return undefined
  const subject = subjectStems(q)
  const found = bs.map((b) => matched(subject, `${b.heading ?? ''} ${b.text}`))
  // Words found in few blocks say more about which block answers than words found everywhere.
  const weight = (w: string) => 1 + Math.log((bs.length + 1) / (found.filter((f) => f.has(w)).length + 1))
  const total = subject.reduce((n, w) => n + weight(w), 0) || 1
  let best = -1
  let bestScore = -1
  bs.forEach((b, i) => {
    const flat = b.text.toUpperCase().replace(/[^A-Z0-9]/g, '')
    // A table row whose first cell is the code ("12", "P0107 / P0108") is the code's own line.
    const first = b.kind === 'row' ? b.text.split(' — ')[0].toUpperCase().split(/[^A-Z0-9]+/) : b.kind === 'item' ? b.text.split(':')[0].toUpperCase().split(/[^A-Z0-9]+/) : []
    const idHit = identifiers.some((id) => (id.length >= 4 && flat.includes(id)) || first.includes(id)) ? 2 : 0
    const score = idHit + [...found[i]].reduce((n, w) => n + weight(w), 0) / total - i * 0.001
    if (score > bestScore) { bestScore = score; best = i }
  })
  const pick = bs[best]
  let text = plain(pick.text)
  // A short paragraph or list item reads better with the next one of the same section; table rows stand alone.
  const next = bs[best + 1]
  if (pick.kind === 'para' && text.length < 140 && next && next.heading === pick.heading && next.kind === 'para') text = `${text} ${plain(next.text)}`
  const head = pick.heading && !text.toLowerCase().startsWith(pick.heading.toLowerCase()) ? `${plain(pick.heading)}: ` : ''
  return clip(`${head}${text}`, max)
}

/** Lines of a price sheet whose item matches the question. */
export function priceItems(hit: SearchHit, q: string): string[] {
  const items = Array.isArray(hit.fields.items) ? (hit.fields.items as Array<{ item: string; price: number }>) : []
  const subject = subjectStems(q)
  const scored = items.map((it) => ({ it, c: coverage(subject, it.item) })).filter((x) => x.c > 0).sort((a, b) => b.c - a.c)
  const top = scored.length ? scored.filter((x) => x.c >= scored[0].c - 0.01).slice(0, 4) : []
  return top.map(({ it }) => `${it.item}: ${money(it.price)}`)
}

const through = (hit: SearchHit) => (hit.expiresAt ? `, valid through ${hit.expiresAt.slice(0, 10)}` : '')

/** The answer sentence(s) for one knowledge document: bulletin, recall, guide, FAQ, policy or price sheet. */
export function knowledgeAnswer(hit: SearchHit, body: string, q: string, identifiers: string[]): string {
  const f = hit.fields
  const text = passage(body, q, 420, identifiers) ?? clip(plain(body), 300)
  switch (hit.type) {
    case 'bulletin': {
      const num = str(f.bulletinNumber)
      return `${num && !hit.title.includes(num) ? `Service bulletin ${num} — ` : 'Service bulletin '}${hit.title}: ${text}`
    }
    case 'recall': {
      const num = str(f.campaignId)
      const agency = str(f.agencyId) ? `agency number ${str(f.agencyId)}, ` : ''
      const remedy = str(f.remedy) ? ` Published remedy: ${clip(str(f.remedy)!, 220)}` : ''
      return `${num && !hit.title.includes(num) ? `Recall ${num} — ` : ''}${hit.title} (${agency}status: ${str(f.status) ?? 'open'}): ${text}${remedy}`
    }
    case 'price_sheet': {
      const lines = priceItems(hit, q)
      return lines.length ? `From our ${hit.title}${through(hit)}: ${lines.join('; ')}.` : `From our ${hit.title}${through(hit)}: ${text}`
    }
    case 'policy': return `From our ${hit.title}: ${text}`
    case 'guide': return `From our ${hit.title}: ${text}`
    default: return text
  }
}
