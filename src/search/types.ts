import * as v from 'valibot'
import { isValidVin } from './vin.ts'

/** The kinds of DMS content Pitwall answers from. */
export const DOC_TYPES = ['unit', 'part', 'bulletin', 'recall', 'guide', 'faq', 'policy', 'price_sheet'] as const
export type DocType = (typeof DOC_TYPES)[number]

export const UNIT_CATEGORIES = ['street', 'dirt', 'atv', 'side_by_side', 'snowmobile', 'watercraft'] as const
export type UnitCategory = (typeof UNIT_CATEGORIES)[number]
export const UNIT_CONDITIONS = ['new', 'used'] as const
/** `withdrawn`: the unit vanished from a full inventory feed (sold or moved, the feed does not say). */
export const UNIT_STATUSES = ['in_stock', 'on_order', 'on_hold', 'sold', 'withdrawn'] as const
export type UnitStatus = (typeof UNIT_STATUSES)[number]
export const GUIDE_KINDS = ['troubleshooting', 'how_to', 'fault_codes', 'spec', 'maintenance'] as const

export const CATEGORY_LABELS: Record<UnitCategory, string> = {
  street: 'street motorcycle', dirt: 'dirt bike', atv: 'ATV', side_by_side: 'side-by-side UTV',
  snowmobile: 'snowmobile', watercraft: 'personal watercraft',
}

/** Meilisearch accepts only these characters in a primary key, so every engine uses the same rule. */
export const DOC_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/

const msg = (m: string) => m
const str = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, msg('must not be empty')), v.maxLength(max, `must be at most ${max} characters`))
const optStr = (max: number) => v.optional(str(max))
const year = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1950, 'must be 1950 or later'), v.maxValue(2100, 'must be 2100 or earlier'))
const money = v.pipe(v.number('must be a number'), v.minValue(0, 'must not be negative'), v.maxValue(10_000_000, 'is implausibly large'))
const count = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must not be negative'))
/** A calendar date or timestamp as text (CSV, YAML, JSON) or a Date; always yields a Date. */
export const DateInput = v.union([
  v.date(),
  v.pipe(
    v.string(),
    v.trim(),
    v.check((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be a date such as 2026-11-24'),
    v.transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s)),
  ),
], 'must be a date such as 2026-11-24')
const isoDay = v.pipe(DateInput, v.transform((d) => d.toISOString().slice(0, 10)))
const vin = v.pipe(
  v.string(), v.trim(), v.toUpperCase(),
  v.regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'must be 17 letters and digits (no I, O or Q)'),
  v.check(isValidVin, 'check digit (9th character) does not match'),
)
const stringList = v.array(str(120), 'must be a list of text')
const yearSpan = v.pipe(
  v.object({ from: year, to: year }),
  v.check((y) => y.from <= y.to, 'from must not be after to'),
)

export const UnitFields = v.object({
  stockNumber: str(40),
  vin: v.optional(vin),
  /** Watercraft carry a 12-character hull identification number instead of a VIN. */
  hin: v.optional(v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z0-9]{12}$/, 'must be 12 letters and digits'))),
  year,
  make: str(60),
  model: str(120),
  trim: optStr(120),
  category: v.picklist(UNIT_CATEGORIES, `must be one of ${UNIT_CATEGORIES.join(', ')}`),
  condition: v.picklist(UNIT_CONDITIONS, 'must be new or used'),
  color: optStr(60),
  price: v.optional(money),
  msrp: v.optional(money),
  status: v.picklist(UNIT_STATUSES, `must be one of ${UNIT_STATUSES.join(', ')}`),
  location: optStr(80),
  mileage: v.optional(count),
  hours: v.optional(count),
  /** The dealer's own words about this unit (feed comments). */
  description: optStr(4000),
  dataAsOf: isoDay,
  withdrawnAt: v.optional(isoDay),
})

export const Fitment = v.object({ make: str(60), model: str(120), yearFrom: year, yearTo: year })
export const PartFields = v.object({
  partNumber: str(40),
  brand: str(60),
  description: str(300),
  category: optStr(60),
  price: v.optional(money),
  onHand: count,
  bin: optStr(40),
  supersededBy: optStr(40),
  fitment: v.array(v.pipe(Fitment, v.check((f) => f.yearFrom <= f.yearTo, 'yearFrom must not be after yearTo')), 'must be a list'),
})

export const BulletinFields = v.object({
  bulletinNumber: str(40),
  makes: v.optional(stringList),
  models: v.optional(stringList),
  years: v.optional(yearSpan),
  severity: v.optional(v.picklist(['info', 'advisory', 'required'], 'must be info, advisory or required')),
})

export const RecallFields = v.object({
  campaignId: str(40),
  /** The agency's number, e.g. NHTSA 24V-512 or a CPSC recall number. */
  agencyId: optStr(40),
  make: str(60),
  models: stringList,
  years: yearSpan,
  vinRanges: v.optional(v.array(v.object({ from: vin, to: vin }), 'must be a list of {from, to}')),
  remedy: str(2000),
  status: v.optional(v.picklist(['open', 'closed'], 'must be open or closed'), 'open'),
})

export const GuideFields = v.object({
  kind: v.picklist(GUIDE_KINDS, `must be one of ${GUIDE_KINDS.join(', ')}`),
  faultCodes: v.optional(v.array(v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z0-9-]{2,20}$/, 'must be a code such as P0335')), 'must be a list')),
  makes: v.optional(stringList),
  models: v.optional(stringList),
  topics: v.optional(stringList),
})

export const FaqFields = v.object({ topic: optStr(60), question: optStr(300) })
export const PolicyFields = v.object({ topic: str(60) })
export const PriceSheetFields = v.object({
  department: optStr(60),
  items: v.optional(v.array(v.object({ item: str(200), price: money }), 'must be a list of {item, price}')),
})

const common = {
  id: v.pipe(v.string('must be text'), v.trim(), v.regex(DOC_ID_PATTERN, 'must be 1-200 letters, digits, - or _')),
  title: str(300),
  body: v.optional(v.pipe(v.string('must be text'), v.maxLength(200_000, 'is too long')), ''),
  source: optStr(300),
  effectiveAt: v.optional(DateInput),
  expiresAt: v.optional(v.nullable(DateInput)),
}

/** One document as importers and the JSON API accept it; `fields` is checked per `type`. */
export const DocumentInput = v.pipe(
  v.variant('type', [
    v.object({ ...common, type: v.literal('unit'), fields: UnitFields }),
    v.object({ ...common, type: v.literal('part'), fields: PartFields }),
    v.object({ ...common, type: v.literal('bulletin'), fields: BulletinFields }),
    v.object({ ...common, type: v.literal('recall'), fields: RecallFields }),
    v.object({ ...common, type: v.literal('guide'), fields: GuideFields }),
    v.object({ ...common, type: v.literal('faq'), fields: v.optional(FaqFields, {}) }),
    v.object({ ...common, type: v.literal('policy'), fields: PolicyFields }),
    v.object({ ...common, type: v.literal('price_sheet'), fields: v.optional(PriceSheetFields, {}) }),
  ], `type must be one of ${DOC_TYPES.join(', ')}`),
  v.check((d) => !d.expiresAt || !d.effectiveAt || d.expiresAt > d.effectiveAt, 'expiresAt must be after effectiveAt'),
)
export type DocumentInputData = v.InferOutput<typeof DocumentInput>

export type UnitFieldsData = v.InferOutput<typeof UnitFields>
export type PartFieldsData = v.InferOutput<typeof PartFields>
export type RecallFieldsData = v.InferOutput<typeof RecallFields>
export type GuideFieldsData = v.InferOutput<typeof GuideFields>

/** A stored, typed, dated document: the unit of import, indexing and search. */
export interface DmsDocument {
  id: string
  storeId: string
  type: DocType
  title: string
  body: string
  fields: Record<string, unknown>
  source: string
  effectiveAt: Date
  expiresAt: Date | null
}

export interface FieldIssue { field: string; message: string }

/** Validates one input; on failure returns every issue with its dotted field path (e.g. `fields.vin`). */
export function parseDocument(input: unknown): { ok: true; doc: DocumentInputData } | { ok: false; issues: FieldIssue[] } {
  const r = v.safeParse(DocumentInput, input)
  if (r.success) return { ok: true, doc: r.output }
  return {
    ok: false,
    issues: r.issues.map((i) => ({ field: v.getDotPath(i) ?? 'document', message: i.message })),
  }
}

/** Fills defaults the store decides (source, dates) and returns the stored shape. */
export function toDmsDocument(input: DocumentInputData, storeId: string, defaults: { source: string; now: Date }): DmsDocument {
  return {
    id: input.id,
    storeId,
    type: input.type,
    title: input.title,
    body: input.body,
    fields: input.fields as Record<string, unknown>,
    source: input.source ?? defaults.source,
    effectiveAt: input.effectiveAt ?? defaults.now,
    expiresAt: input.expiresAt ?? null,
  }
}

export const isDocType = (s: string): s is DocType => (DOC_TYPES as readonly string[]).includes(s)
