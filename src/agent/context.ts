import { detect } from '../escalation/detectors.ts'
import { normalizeIdentifier } from '../search/query.ts'
import type { Focus, HistoryLine } from './contract.ts'
import { contentStems } from './text.ts'
import { subjectStems } from './retrieve.ts'

/**
 * Multi-turn context: "what colours does it come in?" and "is that one in stock?" have no subject of their
 * own; they are about the unit or part under discussion, carried from the last answer (or its transcript).
 */

export type FollowUpIntent = 'colors' | 'availability' | 'price' | 'usage' | 'fitment' | 'quantity' | 'location' | 'details'

export interface Resolved {
  /** The message leans on the focus rather than naming a subject of its own. */
  followUp: boolean
  intent: FollowUpIntent
  focus?: Focus
  /** What to search for: the rider's words, plus the focus when it is a follow-up. */
  query: string
}

const INTENTS: Array<[FollowUpIntent, RegExp]> = [
  ['colors', /\b(?:colou?rs?|paint|finish(?:es)?|graphics|come\s+in\s+(?!stock)\w+|what\s+colou?r)\b/i],
  ['fitment', /\b(?:fit|fits|fitment|compatible|work\s+(?:on|with)|go\s+on)\b/i],
  ['usage', /\b(?:miles|mileage|hours|hrs|odometer|km|kilometers|used\s+much|ridden)\b/i],
  ['quantity', /\bhow\s+many\b|\bquantity\b|\bqty\b/i],
  ['availability', /\b(?:in\s+stock|available|availability|still\s+(?:there|have|around|for\s+sale|got)|sold|on\s+hand|on\s+the\s+(?:lot|floor)|have\s+(?:it|one|any|that|this)|got\s+(?:it|one|any)|on\s+order|on\s+hold|arriv\w*)\b/i],
  ['price', /\b(?:how\s+much|price|priced|cost|msrp|sticker|asking|\$)\b/i],
  ['location', /\b(?:where\s+is|which\s+(?:store|location|lot)|location|located)\b/i],
]

/** Words that only say what is being asked about the focus. */
const INTENT_WORDS = new Set(contentStems(
  'colour colours color colors paint finish finishes graphics come comes fit fits fitment compatible work go on miles mileage hours hrs ' +
  'odometer km kilometers ridden used many quantity qty stock available availability still there around sold hand lot floor order ' +
  'hold arrive arriving arrived much price priced cost msrp sticker asking where location located which store it that this one ' +
  'them they those these same mentioned about details spec specs more info tell',
))

const REFERENCE = /\b(?:it|its|it's|that|this|they|them|those|these|the\s+same|same\s+one|one\s+you\s+(?:mentioned|said|showed)|the\s+one|that\s+one|this\s+one)\b/i

export function intentOf(text: string): FollowUpIntent {
  for (const [intent, re] of INTENTS) if (re.test(text)) return intent
  return 'details'
}

/** Year / make / model the rider names for their own machine ("my 2019 Outlander 570"). */
export function vehicleOf(text: string): { year?: number; words: string[] } {
  const m = /\b(19[6-9]\d|20[0-4]\d)\b/.exec(text)
  const year = m ? Number(m[1]) : undefined
  return { year, words: contentStems(text) }
}

/** A stock or part number in the text that differs from the focus means a new subject. */
function namesOtherIdentifier(text: string, focus: Focus): boolean {
  const ref = normalizeIdentifier(focus.ref)
  const ids = [
    ...detect('stock_number', text).map((e) => e.value), ...detect('part_number', text).map((e) => e.value),
    // Hyphenated codes with digits (N26-0188, 17690-ESH-H70); a year next to a model name is not one.
    ...(text.match(/(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+-[A-Za-z0-9-]+/g) ?? []),
  ].map(normalizeIdentifier)
  return ids.some((id) => id !== ref && !ref.includes(id) && !id.includes(ref)) || detect('vin', text).length > 0
}

export function resolveFollowUp(text: string, focus: Focus | undefined): Resolved {
  const intent = intentOf(text)
  if (!focus) return { followUp: false, intent, query: text }
  const label = new Set(contentStems(`${focus.label} ${focus.make ?? ''} ${focus.model ?? ''} ${focus.ref}`))
  const own = subjectStems(text).filter((w) => !INTENT_WORDS.has(w) && !label.has(w))
  // The rider's own vehicle in a fitment question is not a new subject ("does it fit my 2019 Rancher?"); a pronoun excuses one stray word.
  const tolerance = REFERENCE.test(text) ? 1 : 0
  const newSubject = !(intent === 'fitment' && focus.kind === 'part') && own.length > tolerance
  const followUp = !namesOtherIdentifier(text, focus) && !newSubject
  return { followUp, intent, focus: followUp ? focus : undefined, query: followUp ? `${focus.label} ${focus.ref} ${text}` : text }
}

/** Recovers the focus from the transcript when the caller has none: the last stock or part number the bot cited. */
export function focusFromHistory(history: readonly HistoryLine[]): Focus | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const line = history[i]
    if (line.author !== 'bot' && line.author !== 'customer') continue
    const stock = detect('stock_number', line.text)
    if (stock.length) return { kind: 'unit', ref: stock[stock.length - 1].value, label: stock[stock.length - 1].value }
    const part = detect('part_number', line.text)
    if (part.length) return { kind: 'part', ref: part[part.length - 1].value, label: part[part.length - 1].value }
  }
  return undefined
}
