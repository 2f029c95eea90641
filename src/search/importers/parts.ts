import { basename } from 'node:path'
import { normalizeIdentifier } from '../query.ts'
import { fitmentText } from '../record.ts'
import { cell, parseInteger, parseMoney, readMappedCsv, type HeaderMap, type HeaderSynonyms } from './csv.ts'
import { validateRow, type FileImporter, type ParsedRow } from './types.ts'

/** Parts (with fitment) CSV. Header names vary by DMS; these are the spellings recognised (see docs/import.md). */
export const PARTS_HEADERS = {
  partNumber: ['part number', 'part #', 'part no', 'partno', 'pn', 'p/n', 'sku', 'item number', 'item #', 'item', 'mfr part number', 'mfg part #', 'oem part number'],
  brand: ['brand', 'manufacturer', 'mfr', 'mfg', 'vendor', 'supplier', 'line', 'oem', 'make'],
  description: ['description', 'desc', 'part description', 'item description', 'part name', 'name', 'title'],
  category: ['category', 'class', 'group', 'part type', 'department'],
  price: ['price', 'retail', 'retail price', 'list', 'list price', 'msrp', 'sell price', 'unit price'],
  onHand: ['on hand', 'qty on hand', 'qoh', 'on hand qty', 'quantity', 'qty', 'stock', 'in stock', 'available'],
  bin: ['bin', 'bin location', 'location', 'shelf'],
  supersededBy: ['superseded by', 'supersession', 'replaced by', 'new part number', 'supersedes to'],
  fitment: ['fitment', 'fits', 'application', 'applications', 'compatibility', 'compatible models', 'vehicle fitment', 'models'],
} satisfies HeaderSynonyms<string>
export type PartField = keyof typeof PARTS_HEADERS
const REQUIRED: PartField[] = ['partNumber', 'brand', 'description']

/** Makes whose names have more than one word (the rest are the first word of a fitment entry). */
const MULTI_WORD_MAKES = ['Arctic Cat', 'Harley-Davidson', 'Royal Enfield', 'Indian Motorcycle', 'Can-Am', 'Sea-Doo', 'Ski-Doo']

export interface FitmentEntry { make: string; model: string; yearFrom: number; yearTo: number }

/** `2019-2023 Polaris RZR XP 1000; 2021 Can-Am Maverick X3` -> entries; a bad entry is reported, not guessed. */
export function parseFitment(text: string | undefined): { entries: FitmentEntry[]; errors: string[] } {
  const entries: FitmentEntry[] = []
  const errors: string[] = []
  for (const raw of (text ?? '').split(/[;|]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{4})(?:\s*[-–]\s*(\d{2}|\d{4}))?\s+(.+)$/.exec(raw)
    if (!m) { errors.push(`"${raw}" should look like "2019-2023 Polaris RZR XP 1000"`); continue }
    const yearFrom = Number(m[1])
    const yearTo = m[2] ? Number(m[2].length === 2 ? m[1].slice(0, 2) + m[2] : m[2]) : yearFrom
    const rest = m[3].trim()
    const multi = MULTI_WORD_MAKES.find((mk) => rest.toLowerCase().startsWith(mk.toLowerCase() + ' '))
    const make = multi ?? rest.split(/\s+/)[0]
    const model = rest.slice(make.length).trim()
    if (!model) { errors.push(`"${raw}" names no model`); continue }
    if (yearTo < yearFrom) { errors.push(`"${raw}": years run backwards`); continue }
    entries.push({ make, model, yearFrom, yearTo })
  }
  return { entries, errors }
}

export const partId = (brand: string, partNumber: string) => `part-${normalizeIdentifier(brand).toLowerCase()}-${normalizeIdentifier(partNumber)}`

export const partsImporter: FileImporter = {
  kind: 'parts',
  async *rows(path): AsyncGenerator<ParsedRow> {
    for await (const r of readMappedCsv(path, PARTS_HEADERS, REQUIRED)) {
      yield 'missing' in r ? { line: r.line, issues: r.missing } : parsePartRow(r.line, r.cells, r.map, basename(path))
    }
  },
}

export function parsePartRow(line: number, row: string[], map: HeaderMap<PartField>, source: string): ParsedRow {
  const issues: ParsedRow['issues'] = []
  const label = (f: PartField) => map.label[f] ?? f
  const get = (f: PartField) => cell(row, map, f)
  const price = parseMoney(get('price'))
  if (price === 'invalid') issues.push({ field: label('price'), message: `"${get('price')}" is not a price` })
  const onHand = parseInteger(get('onHand'))
  if (onHand === 'invalid') issues.push({ field: label('onHand'), message: `"${get('onHand')}" is not a whole number` })
  const fit = parseFitment(get('fitment'))
  for (const e of fit.errors) issues.push({ field: label('fitment'), message: e })
  const partNumber = get('partNumber'), brand = get('brand')
  const id = partNumber && brand ? partId(brand, partNumber) : undefined
  if (issues.length) return { line, issues, id }
  const fields: Record<string, unknown> = {
    partNumber, brand, description: get('description'), category: get('category'),
    price: price === 'invalid' ? undefined : price, onHand: onHand === 'invalid' ? 0 : (onHand ?? 0),
    bin: get('bin'), supersededBy: get('supersededBy'), fitment: fit.entries,
  }
  for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k]
  const fitsText = fit.entries.length ? ` Fits ${fitmentText(fit.entries)}.` : ' Universal fit.'
  const stockText = (fields.onHand as number) > 0 ? ` ${fields.onHand} on hand.` : ' Special order.'
  const input = {
    id: id ?? '', type: 'part', source,
    title: `${fields.description} (${brand} ${partNumber})`,
    body: `${brand} part ${partNumber}: ${fields.description}${fields.category ? ` (${fields.category})` : ''}.${fitsText}${stockText}${fields.supersededBy ? ` Superseded by ${fields.supersededBy}.` : ''}`,
    fields,
  }
  const fieldLabel = (path: string) => {
    const key = path.replace(/^fields\./, '').split('.')[0]
    if (key === 'id') return label('partNumber')
    return key in PARTS_HEADERS ? label(key as PartField) : path
  }
  return validateRow(line, input, fieldLabel)
}
