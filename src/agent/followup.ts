import type { SearchHit } from '../search/contract.ts'
import { detect } from '../escalation/detectors.ts'
import { normalizeIdentifier } from '../search/query.ts'
import { fitmentText } from '../search/record.ts'
import { citationOf, citationsOf, focusOf, unitLabel } from './citations.ts'
import type { DmsSource, Focus } from './contract.ts'
import { vehicleOf, type FollowUpIntent } from './context.ts'
import { sourcesOf, type Draft } from './draft.ts'
import { partLine, STATUS_LABEL, unitLine, fitmentVerdict } from './templates.ts'
import { money } from './text.ts'

/** Answers a follow-up about the unit or part under discussion straight from its current DMS record. */

const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : undefined)
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)

/** The focus document as it is now (sold units included, so "is it still there?" gets an honest no). */
export async function lookupFocus(source: DmsSource, storeId: string, focus: Focus, now: Date): Promise<SearchHit | undefined> {
  const r = await source.search({ q: focus.ref, storeId, now, type: focus.kind, includeUnavailable: true, limit: 5 })
  const want = normalizeIdentifier(focus.ref)
  const key = focus.kind === 'unit' ? 'stockNumber' : 'partNumber'
  return r.hits.find((h) => h.id === focus.id || normalizeIdentifier(String(h.fields[key] ?? '')) === want)
}

const IDENT_KEYS = ['stockNumber', 'vin', 'hin', 'partNumber', 'supersededBy']

/** Stock numbers, part numbers and VINs a message names, most specific first. */
export function namedIdentifiers(text: string): string[] {
  const found = [
    ...detect('stock_number', text).map((e) => e.value), ...detect('part_number', text).map((e) => e.value),
    ...(text.match(/(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+-[A-Za-z0-9-]+/g) ?? []),
    // A VIN last: in "does part X fit my VIN Y?" the part is the subject.
    ...detect('vin', text).map((e) => e.value),
  ]
  return [...new Map(found.map((f) => [normalizeIdentifier(f), f])).values()].slice(0, 3)
}

/** The unit or part with exactly this stock number, VIN or part number, sold units included. */
export async function lookupIdentifier(source: DmsSource, storeId: string, ref: string, now: Date): Promise<SearchHit | undefined> {
  const r = await source.search({ q: ref, storeId, now, type: ['unit', 'part'], includeUnavailable: true, limit: 5 })
  const want = normalizeIdentifier(ref)
  return r.hits.find((h) => IDENT_KEYS.some((k) => typeof h.fields[k] === 'string' && normalizeIdentifier(h.fields[k] as string) === want))
}

async function colours(source: DmsSource, storeId: string, unit: SearchHit, now: Date): Promise<Draft> {
  const f = unit.fields
  const make = str(f.make) ?? ''
  const model = str(f.model) ?? ''
  const r = await source.search({ q: `${make} ${model}`, storeId, now, type: 'unit', filters: { make, model }, limit: 20 })
  const same = r.hits.filter((h) => str(h.fields.color) && str(h.fields.model)?.toLowerCase() === model.toLowerCase())
  const byColour = new Map<string, SearchHit[]>()
  for (const h of same) byColour.set(str(h.fields.color)!, [...(byColour.get(str(h.fields.color)!) ?? []), h])
  const label = `${make} ${model}`.trim()
  if (!byColour.size) {
    const own = str(f.color)
    return {
      text: own ? `The ${unitLabel(f)} we have (stock #${str(f.stockNumber)}) is ${own}. For other factory colours, our sales team can check what the manufacturer offers.`
        : `Our inventory record for the ${unitLabel(f)} doesn't list a colour; our sales team can tell you.`,
      citations: [citationOf(unit)], confidence: 0.9, focus: focusOf(unit), sources: sourcesOf([unit]),
    }
  }
  const list = [...byColour].map(([c, hs]) => `${c} (stock #${hs.map((h) => str(h.fields.stockNumber)).join(', #')})`)
  const used = [...byColour.values()].flat()
  return {
    text: `In our current inventory the ${label} comes in ${list.join(', ')}. That's what we have on hand; our sales team can check other factory colours.`,
    citations: citationsOf([unit, ...used]), confidence: 0.9, focus: focusOf(unit), sources: sourcesOf([unit, ...used]),
  }
}

function unitFollowUp(unit: SearchHit, intent: FollowUpIntent): string {
  const f = unit.fields
  const name = `The ${unitLabel(f) || unit.title} (stock #${str(f.stockNumber)})`
  const asOf = `inventory data as of ${str(f.dataAsOf) ?? 'unknown'}`
  const status = str(f.status) ?? 'in_stock'
  switch (intent) {
    case 'availability':
      if (status === 'sold' || status === 'withdrawn') return `${name} is ${STATUS_LABEL[status]} (${asOf}). I can look for similar units if you like.`
      return `${name} is ${STATUS_LABEL[status] ?? status} (${asOf}).`
    case 'price': {
      const price = num(f.price)
      const msrp = num(f.msrp)
      if (price === undefined) return `${name} doesn't have a listed price in our inventory; our sales team can quote it.`
      return `${name} is listed at ${money(price)}${msrp && msrp !== price ? ` (MSRP ${money(msrp)})` : ''}; ${asOf}.`
    }
    case 'usage': {
      const u = [num(f.mileage) !== undefined ? `${num(f.mileage)!.toLocaleString('en-US')} miles` : '', num(f.hours) !== undefined ? `${num(f.hours)} hours` : ''].filter(Boolean)
      return u.length ? `${name} shows ${u.join(' and ')} (${asOf}).` : `${name} has no mileage or hours recorded in our inventory${str(f.condition) === 'new' ? ' — it is a new unit' : ''}.`
    }
    case 'location':
      return str(f.location) ? `${name} is at ${str(f.location)} (${asOf}).` : `Our inventory record doesn't say where ${name.slice(4)} is kept; our sales team can tell you.`
    default:
      return unitLine(unit)
  }
}

function partFollowUp(part: SearchHit, intent: FollowUpIntent, text: string): string {
  const f = part.fields
  const name = `Part ${str(f.partNumber)} (${str(f.description) ?? part.title})`
  const onHand = num(f.onHand) ?? 0
  switch (intent) {
    case 'fitment': {
      const rows = Array.isArray(f.fitment) ? fitmentText(f.fitment as never) : ''
      return `${name}: ${fitmentVerdict(part, vehicleOf(text)) ?? `listed fitment ${rows || 'not recorded'}. If your machine isn't listed there, our parts team can check.`}`
    }
    case 'availability': case 'quantity':
      return onHand > 0 ? `${name}: we have ${onHand} on hand.` : `${name}: none on hand right now; our parts team can order it.${str(f.supersededBy) ? ` It has been superseded by part ${str(f.supersededBy)}.` : ''}`
    case 'price':
      return num(f.price) !== undefined ? `${name} is ${money(num(f.price)!)}.` : `${name} has no listed price; our parts team can quote it.`
    default:
      return partLine(part, vehicleOf(text))
  }
}

/** A draft answering a question about one known unit or part document. */
export async function documentDraft(source: DmsSource, storeId: string, doc: SearchHit, intent: FollowUpIntent, text: string, now: Date): Promise<Draft> {
  if (doc.type === 'unit' && intent === 'colors') return colours(source, storeId, doc, now)
  const answer = doc.type === 'unit' ? unitFollowUp(doc, intent) : partFollowUp(doc, intent, text)
  return { text: answer, citations: [citationOf(doc)], confidence: 0.9, focus: focusOf(doc), sources: sourcesOf([doc]) }
}

/** A draft answering the follow-up, or undefined when the focus document can't be found any more. */
export async function followUpDraft(source: DmsSource, storeId: string, focus: Focus, intent: FollowUpIntent, text: string, now: Date): Promise<Draft | undefined> {
  const doc = await lookupFocus(source, storeId, focus, now)
  return doc ? documentDraft(source, storeId, doc, intent, text, now) : undefined
}
