import type Anthropic from '@anthropic-ai/sdk'
import { jsonSchemaOutputFormat } from '@anthropic-ai/sdk/helpers/json-schema'
import { detect } from '../escalation/detectors.ts'
import type { Citation, Focus, HistoryLine } from './contract.ts'
import { guessDepartment } from './failure.ts'
import { summarySystemPrompt, wrapRider, type StoreInfo } from './prompts.ts'
import { clip, sentences } from './text.ts'
import { timeLlm } from '../ops/metrics.ts'

/**
 * The handoff package: what staff need to act without reading the transcript, shaped by the reason for the
 * handoff. Extracted by rules and entity detectors offline; written by Claude when available (extraction fills gaps).
 */

export type SummaryKind = 'financing' | 'service' | 'parts' | 'trade_in' | 'sales' | 'general'

export interface SummaryField { label: string; value: string }

export interface HandoffSummary {
  kind: SummaryKind
  /** One line for the inbox card. */
  headline: string
  fields: SummaryField[]
  source: 'rules' | 'claude'
}

export interface SummaryInput {
  /** Department the conversation goes to (from the Decision or the answer's handoff). */
  department?: string
  /** Why it was handed off (Decision reasons or the guardrail's reason). */
  reason?: string
  tags?: string[]
  /** The rider's latest message and the conversation before it (both redacted). */
  text: string
  history: HistoryLine[]
  focus?: Focus
  citations?: Citation[]
}

export const FIELDS: Record<SummaryKind, string[]> = {
  financing: ['Unit of interest', 'Budget / down payment', 'Timing', 'Contact'],
  service: ['Machine', 'VIN', 'Hours / miles', 'Fault codes', 'Symptoms', 'Location (stranded)', 'Repair order', 'Contact'],
  parts: ['Part numbers', 'Machine', 'VIN', 'Quantity', 'Contact'],
  trade_in: ['Unit of interest', 'Trade-in unit', 'Condition described', 'Hours / miles', 'Contact'],
  sales: ['Unit of interest', 'Timing', 'Contact'],
  general: ['Request', 'Contact'],
}

const KIND_LABEL: Record<SummaryKind, string> = {
  financing: 'Financing', service: 'Service', parts: 'Parts', trade_in: 'Trade-in', sales: 'Sales', general: 'Question',
}

/** Credit data never reaches a handoff note, whatever the rider typed. */
const CREDIT = /\b(?:credit|score|fico|bankrupt\w*|income|salary|paycheck|ssn|social\s+security|date\s+of\s+birth|dob|born|repo\w*|collections?|delinquen\w*|card\s+number)\b|\[(?:card number|SSN|date of birth) removed\]/i
const TRADE = /\btrad(?:e|ing)(?:-|\s)?(?:in|ins)?\b/i
const BUDGET = /\b(?:budget|afford|down\s*payment|put\s+(?:down|\$?\d)|\bdown\b|monthly|a\s+month|per\s+month|spend|cash|max(?:imum)?|around|under|up\s+to)\b/i
const USAGE = /\b\d[\d,]*(?:\.\d+)?\s?k?\s*(?:hours|hrs|hr|miles|mi|km|kilometers)\b/gi
const SYMPTOM = /\b(?:won'?t|wont|doesn'?t|can'?t|isn'?t|not\s+(?:start|run|idle|shift|charg)\w*|keeps?|stall\w*|dies|died|bog\w*|smok\w*|leak\w*|nois\w*|squeal\w*|grind\w*|knock\w*|click\w*|overheat\w*|hot|light|flash\w*|blink\w*|problem|issue|trouble|broke\w*|stuck|rough|misfir\w*|vibrat\w*|slip\w*|code)\b/i
const STRANDED = /\b(?:stranded|stuck|broke(?:n)?\s+down|tow(?:ed|ing)?|side\s+of\s+the\s+(?:road|trail)|can'?t\s+get\s+(?:it\s+)?home|middle\s+of\s+nowhere)\b/i
const TIMING = /\b(?:today|tonight|tomorrow|this\s+(?:week(?:end)?|month|spring|summer|fall|winter|season|mon|tues|wednes|thurs|fri|satur|sun)\w*|next\s+(?:week(?:end)?|month|spring|summer|fall|winter|season|year)|asap|right\s+away|soon|by\s+(?:the\s+)?(?:weekend|end\s+of\s+\w+|mon|tues|wednes|thurs|fri|satur|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|in\s+(?:a|\d+|two|three|a\s+few)\s+(?:days?|weeks?|months?)|before\s+(?:the\s+)?\w+\s+\w+)/i
const CONDITION = /\b(?:condition|scratch\w*|dent\w*|runs?\s+(?:great|good|fine|well|rough)|mint|clean|new\s+(?:tires|battery|chain|belt|plastics)|rebuilt|crash\w*|garage\s+kept|stored\s+inside|mods?|modified|aftermarket|rust\w*|original|stock|damage\w*|wear|worn|needs?\s+\w+|paint|title|lien|owner|serviced|maintained)\b/i
const QTY = /\b(?:need|want|order|get|buy)\s+(\d{1,3}|two|three|four|five|six|eight|ten|a\s+pair\s+of|a\s+couple(?:\s+of)?)\b|\b(\d{1,3})\s*(?:x\b|pcs|pieces|sets?|of\s+(?:them|those|these)|quarts?|qts?|liters?|litres?|bottles?)|\bqty\.?\s*:?\s*(\d{1,3})/i
const MACHINE = /\b(?:19[6-9]\d|20[0-4]\d)(?:\s+(?!(?:and|with|that|it|is|has|was|but|or|for|on|in|at|the|a|i|my)\b)[A-Za-z0-9][\w-]*){1,4}/g

const riderLines = (input: SummaryInput) => [...input.history.filter((h) => h.author === 'customer').map((h) => h.text), input.text]
const unique = (xs: string[]) => [...new Set(xs.map((x) => x.trim()).filter(Boolean))]
const join = (xs: string[], max = 240) => clip(unique(xs).join('; '), max)

/** Which package fits: trade-in language wins within sales, then the department, then the rider's words. */
export function summaryKind(input: SummaryInput): SummaryKind {
  const all = riderLines(input).join('\n')
  const dept = (input.department ?? '').toLowerCase()
  const tags = (input.tags ?? []).map((t) => t.toLowerCase())
  if ((dept === 'sales' || dept === '' || tags.some((t) => t.includes('trade'))) && TRADE.test(all) && dept !== 'finance') return 'trade_in'
  if (dept.includes('financ')) return 'financing'
  if (dept.includes('service')) return 'service'
  if (dept.includes('part')) return 'parts'
  if (dept.includes('sales')) return 'sales'
  if (tags.some((t) => t.includes('financ'))) return 'financing'
  if (!all.trim()) return 'general'
  const guess = guessDepartment(all)
  return guess === 'finance' ? 'financing' : guess
}

function unitOfInterest(input: SummaryInput, lines: string[]): string {
  if (input.focus?.kind === 'unit') return `${input.focus.label} (stock #${input.focus.ref})`
  const cited = (input.citations ?? []).filter((c) => c.type === 'unit').map((c) => `${c.title}${c.stockNumber ? ` (stock #${c.stockNumber})` : ''}`)
  if (cited.length) return join(cited)
  const stock = lines.flatMap((l) => detect('stock_number', l).map((e) => `stock #${e.value}`))
  const wanted = lines.flatMap((l) => sentences(l)).filter((s) => !TRADE.test(s) && !/\bmy\s+(?:19|20)\d\d\b/i.test(s)).flatMap((s) => s.match(MACHINE) ?? [])
  return join([...stock, ...wanted])
}

const contact = (lines: string[]) => join(lines.flatMap((l) => [...detect('phone', l), ...detect('email', l)].map((e) => e.text)))
/** Clauses, so "I have $3,000 down and my credit score is 610" keeps the budget and drops the credit data. */
const clauses = (s: string) => s.split(/;\s*|,\s+(?=(?:and|but|my|i|i'm|im|the)\b)|\s+(?:and|but)\s+(?=(?:my|i|i'm|im|it|the|our)\b)/i).map((c) => c.trim()).filter(Boolean)
const pick = (lines: string[], re: RegExp, max = 240) =>
  join(lines.flatMap((l) => sentences(l)).flatMap((s) => (CREDIT.test(s) ? clauses(s) : [s])).filter((s) => re.test(s) && !CREDIT.test(s)), max)

/** Rules-and-entities extraction; works offline and is the fallback for Claude. */
export function extractSummary(input: SummaryInput): HandoffSummary {
  const kind = summaryKind(input)
  const lines = riderLines(input).filter((l) => l.trim())
  const all = lines.join('\n')
  const ents = (k: Parameters<typeof detect>[0]) => join(lines.flatMap((l) => detect(k, l).map((e) => e.value)))
  const machines = join(lines.flatMap((l) => l.match(MACHINE) ?? []))
  const usage = join(all.match(USAGE) ?? [])
  const values: Record<string, string> = {
    'Unit of interest': unitOfInterest(input, lines),
    'Budget / down payment': pick(lines, new RegExp(`${BUDGET.source}|\\$\\s?\\d|\\b\\d+\\s?k\\b`, 'i')),
    Timing: pick(lines, TIMING, 160),
    Contact: contact(lines),
    Machine: machines || (input.focus?.kind === 'unit' ? input.focus.label : ''),
    VIN: ents('vin'),
    'Hours / miles': usage,
    'Fault codes': ents('fault_code'),
    Symptoms: pick(lines, SYMPTOM, 300),
    'Location (stranded)': pick(lines, STRANDED, 200),
    'Repair order': ents('repair_order'),
    'Part numbers': join([...(input.focus?.kind === 'part' ? [input.focus.ref] : []), ...lines.flatMap((l) => detect('part_number', l).map((e) => e.value))]),
    Quantity: join(lines.flatMap((l) => { const m = QTY.exec(l); return m ? [m[0]] : [] })),
    'Trade-in unit': join(lines.flatMap((l) => sentences(l)).filter((s) => TRADE.test(s)).map((s) => (s.match(MACHINE) ?? [clip(s, 120)])[0])),
    'Condition described': pick(lines.flatMap((l) => sentences(l)).filter((s) => !/\b(?:looking|interested|want|buy)\b/i.test(s) || TRADE.test(s)), CONDITION, 300),
    Request: clip(input.text, 200),
  }
  const fields = FIELDS[kind].map((label) => ({ label, value: values[label] ?? '' })).filter((f) => f.value && !CREDIT.test(f.value))
  return { kind, headline: headline(kind, fields, input.reason), fields, source: 'rules' }
}

function headline(kind: SummaryKind, fields: SummaryField[], reason?: string): string {
  const first = fields.find((f) => f.label !== 'Contact')
  return clip(`${KIND_LABEL[kind]}: ${first ? first.value : reason ?? 'needs a person'}`, 140)
}

/** Claude writes the package (fast model, structured output); extraction fills empty fields and covers any failure. */
export async function summarizeWithClaude(
  client: Anthropic, model: string, store: StoreInfo, input: SummaryInput, opts: { signal?: AbortSignal; log?: (l: string) => void; timeoutMs?: number } = {},
): Promise<HandoffSummary> {
  // A hung API must not hold up the handoff: the extraction below is a fine summary too.
  const budget = AbortSignal.timeout(opts.timeoutMs ?? 8000)
  const extracted = extractSummary(input)
  const labels = FIELDS[extracted.kind]
  const keys = labels.map((_, i) => `f${i}`)
  const schema = {
    type: 'object', additionalProperties: false, required: ['headline', ...keys],
    properties: { headline: { type: 'string', description: 'One line for the inbox card' }, ...Object.fromEntries(keys.map((k, i) => [k, { type: 'string', description: labels[i] }])) },
  } as const
  try {
    const transcript = riderLines(input).map(wrapRider).join('\n')
    const msg = await timeLlm('summary', () => client.messages.parse({
      model, max_tokens: 600, system: summarySystemPrompt(store),
      messages: [{ role: 'user', content: `Handoff to ${input.department ?? 'staff'} (${input.reason ?? 'needs a person'}). Fields: ${labels.map((l, i) => `${keys[i]} = ${l}`).join('; ')}.\n\n${transcript}` }],
      output_config: { format: jsonSchemaOutputFormat(schema as never) },
    }, { signal: opts.signal ? AbortSignal.any([opts.signal, budget]) : budget }))
    const out = msg.parsed_output as Record<string, unknown> | null
    if (!out || typeof out.headline !== 'string') throw new Error('no structured output')
    const fields = labels.map((label, i) => {
      const said = typeof out[keys[i]] === 'string' ? clip(out[keys[i]] as string, 300) : ''
      return { label, value: said && !CREDIT.test(said) ? said : extracted.fields.find((f) => f.label === label)?.value ?? '' }
    }).filter((f) => f.value)
    const head = clip(out.headline, 140)
    return { kind: extracted.kind, headline: head && !CREDIT.test(head) ? head : extracted.headline, fields, source: 'claude' }
  } catch (err) {
    opts.log?.(`agent: Claude summary failed (${(err as Error).message}); using extraction`)
    return extracted
  }
}

/** The package as plain text for the staff note and the inbox card. */
export function formatSummary(s: HandoffSummary): string {
  return [s.headline, ...s.fields.map((f) => `${f.label}: ${f.value}`)].join('\n')
}
