import { basename } from 'node:path'
import { normalizeIdentifier } from '../query.ts'
import { CATEGORY_LABELS, type UnitCategory } from '../types.ts'
import { cell, headerKey, parseDate, parseInteger, parseMoney, readMappedCsv, type HeaderMap, type HeaderSynonyms } from './csv.ts'
import { validateRow, type FileImporter, type ParsedRow } from './types.ts'

/** Inventory feed CSV. Header names vary by DMS; these are the spellings recognised (see docs/import.md). */
export const INVENTORY_HEADERS = {
  stockNumber: ['stock number', 'stock #', 'stock no', 'stock', 'stocknum', 'stk #', 'stk no', 'stk', 'unit number', 'unit #', 'inventory number', 'inv #'],
  vin: ['vin', 'vin #', 'vin number', 'vin/serial', 'serial number', 'serial #', 'serial', 'frame number', 'chassis number'],
  hin: ['hin', 'hull id', 'hull number', 'hull identification number', 'hull #'],
  year: ['year', 'model year', 'yr', 'my', 'unit year'],
  make: ['make', 'manufacturer', 'mfr', 'mfg', 'brand', 'oem'],
  model: ['model', 'model name', 'model description', 'unit model'],
  trim: ['trim', 'trim level', 'package', 'edition', 'submodel', 'sub model', 'model trim', 'version'],
  category: ['category', 'unit type', 'vehicle type', 'type', 'class', 'segment', 'product line'],
  condition: ['condition', 'new/used', 'new used', 'n/u', 'usage', 'stock type', 'inventory type'],
  color: ['color', 'colour', 'exterior color', 'ext color', 'paint', 'primary color'],
  price: ['price', 'internet price', 'sale price', 'selling price', 'our price', 'advertised price', 'web price', 'asking price', 'list price', 'retail price'],
  msrp: ['msrp', 'msrp price', 'suggested retail', 'mfr suggested retail price', 'sticker price'],
  status: ['status', 'stock status', 'unit status', 'inventory status', 'availability'],
  location: ['location', 'lot', 'lot location', 'store', 'branch', 'site', 'dealer location', 'rooftop'],
  dataAsOf: ['as of', 'as of date', 'last updated', 'updated', 'date updated', 'last modified', 'export date', 'inventory date', 'feed date'],
  mileage: ['mileage', 'miles', 'odometer', 'odometer miles'],
  hours: ['hours', 'engine hours', 'hour meter', 'hrs'],
  description: ['description', 'comments', 'notes', 'remarks', 'seller notes', 'web description', 'marketing description'],
} satisfies HeaderSynonyms<string>
export type InventoryField = keyof typeof INVENTORY_HEADERS
const REQUIRED: InventoryField[] = ['stockNumber', 'year', 'make', 'model']

const CATEGORY_WORDS: Record<UnitCategory, string[]> = {
  street: ['street', 'motorcycle', 'streetbike', 'onroad', 'cruiser', 'sport', 'sportbike', 'touring', 'adventure', 'adv', 'dualsport', 'standard', 'naked', 'streetmotorcycle'],
  dirt: ['dirt', 'dirtbike', 'offroad', 'offroadmotorcycle', 'mx', 'motocross', 'enduro', 'trail', 'trailbike', 'competition', 'offroadbike'],
  atv: ['atv', 'quad', 'fourwheeler', 'allterrainvehicle', 'youthatv', 'utilityatv', 'sportatv'],
  side_by_side: ['sidebyside', 'sxs', 'utv', 'sidexside', 'rov', 'multipurpose', 'recutility', 'sportsidebyside', 'utilitysidebyside'],
  snowmobile: ['snowmobile', 'sled', 'snow', 'snowmachine'],
  watercraft: ['watercraft', 'pwc', 'personalwatercraft', 'jetski', 'waverunner'],
}
const MAKE_CATEGORY: Record<string, UnitCategory> = { seadoo: 'watercraft', skidoo: 'snowmobile', lynx: 'snowmobile' }

export function parseCategory(raw: string | undefined, make: string | undefined): UnitCategory | undefined | 'invalid' {
  if (!raw) return make ? MAKE_CATEGORY[headerKey(make)] : undefined
  const k = headerKey(raw)
  for (const [cat, words] of Object.entries(CATEGORY_WORDS) as Array<[UnitCategory, string[]]>) if (words.includes(k)) return cat
  return 'invalid'
}

export function parseCondition(raw: string | undefined): 'new' | 'used' | undefined | 'invalid' {
  if (!raw) return undefined
  const k = headerKey(raw)
  if (['new', 'n', 'brandnew'].includes(k)) return 'new'
  if (['used', 'u', 'preowned', 'demo', 'certified', 'cpo', 'certifiedpreowned', 'consignment'].includes(k)) return 'used'
  return 'invalid'
}

export function parseStatus(raw: string | undefined): 'in_stock' | 'on_order' | 'on_hold' | 'sold' | 'invalid' {
  if (!raw) return 'in_stock' // a feed lists what the dealer has
  const k = headerKey(raw)
  if (['instock', 'available', 'a', 'is', 'stock', 'yes', 'y', 'onfloor', 'onlot', 'active'].includes(k)) return 'in_stock'
  if (['onorder', 'ordered', 'intransit', 'oo', 'incoming', 'pipeline', 'due', 'inbound'].includes(k)) return 'on_order'
  if (['hold', 'onhold', 'pending', 'dealpending', 'deposit', 'reserved', 'salepending'].includes(k)) return 'on_hold'
  if (['sold', 'delivered', 's', 'closed'].includes(k)) return 'sold'
  return 'invalid'
}

const money = (n: number) => `$${n.toLocaleString('en-US', { maximumFractionDigits: 2 })}`

const STATUS_TEXT: Record<string, string> = { in_stock: 'In stock', on_order: 'On order', on_hold: 'On hold', sold: 'Sold', withdrawn: 'No longer listed' }

/** The text riders' questions are matched against: the feed's facts in words, then the dealer's comments. */
export function unitBody(f: Record<string, unknown>): string {
  const cat = CATEGORY_LABELS[f.category as UnitCategory]
  const parts = [
    `${f.condition === 'used' ? 'Pre-owned' : 'New'} ${f.year} ${f.make} ${f.model}${f.trim ? ` ${f.trim}` : ''} ${cat}${f.color ? ` in ${f.color}` : ''}.`,
    `Stock ${f.stockNumber}${f.vin ? `, VIN ${f.vin}` : f.hin ? `, HIN ${f.hin}` : ''}.`,
    typeof f.price === 'number' ? `Price ${money(f.price)}${typeof f.msrp === 'number' && f.msrp > f.price ? ` (MSRP ${money(f.msrp)})` : ''}.` : '',
    typeof f.mileage === 'number' ? `${f.mileage.toLocaleString('en-US')} miles.` : '',
    typeof f.hours === 'number' ? `${f.hours.toLocaleString('en-US')} hours.` : '',
    `${STATUS_TEXT[f.status as string] ?? 'In stock'}${f.location && f.status !== 'sold' ? ` at ${f.location}` : ''}.`,
    typeof f.description === 'string' ? f.description : '',
  ]
  return parts.filter(Boolean).join(' ')
}

export const unitId = (stock: string) => `unit-${normalizeIdentifier(stock)}`

export const inventoryImporter: FileImporter = {
  kind: 'inventory',
  async *rows(path, ctx): AsyncGenerator<ParsedRow> {
    for await (const r of readMappedCsv(path, INVENTORY_HEADERS, REQUIRED)) {
      yield 'missing' in r ? { line: r.line, issues: r.missing } : parseInventoryRow(r.line, r.cells, r.map, ctx.asOf, basename(path))
    }
  },
}

export function parseInventoryRow(line: number, row: string[], map: HeaderMap<InventoryField>, asOf: string, source: string): ParsedRow {
  const issues: ParsedRow['issues'] = []
  const label = (f: InventoryField) => map.label[f] ?? f
  const get = (f: InventoryField) => cell(row, map, f)
  const num = <T>(f: InventoryField, v: T | 'invalid', what: string): T | undefined => {
    if (v === 'invalid') { issues.push({ field: label(f), message: `"${get(f)}" is not ${what}` }); return undefined }
    return v
  }
  const stock = get('stockNumber')
  const yearText = get('year')
  const year = yearText && /^\d{4}$/.test(yearText) ? Number(yearText) : undefined
  if (yearText && year === undefined) issues.push({ field: label('year'), message: `"${yearText}" is not a four-digit year` })
  const make = get('make')
  const category = num('category', parseCategory(get('category'), make), `a known category (street, dirt, ATV, UTV/side-by-side, snowmobile, watercraft)`)
  const condition = num('condition', parseCondition(get('condition')), 'new or used')
  const status = num('status', parseStatus(get('status')), 'a known status (in stock, on order, on hold, sold)')
  const dataAsOf = num('dataAsOf', parseDate(get('dataAsOf')), 'a date such as 11/24/2026 or 2026-11-24') ?? asOf
  // DMS exports put a watercraft's 12-character hull id in the VIN/serial column.
  const serial = get('vin')?.replace(/[\s-]/g, '').toUpperCase()
  const isHin = !!serial && serial.length === 12 && !get('hin')
  const fields: Record<string, unknown> = {
    stockNumber: stock, vin: isHin ? undefined : serial, hin: isHin ? serial : get('hin'), year, make, model: get('model'),
    trim: get('trim'), category, condition: condition ?? (get('condition') ? undefined : 'new'), color: get('color'),
    price: num('price', parseMoney(get('price')), 'a price'), msrp: num('msrp', parseMoney(get('msrp')), 'a price'),
    status, location: get('location'), mileage: num('mileage', parseInteger(get('mileage')), 'a whole number'),
    hours: num('hours', parseInteger(get('hours')), 'a whole number'), description: get('description'), dataAsOf,
  }
  for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k]
  const id = stock ? unitId(stock) : undefined
  if (issues.length) return { line, issues, id }
  const title = [fields.year, make, fields.model, fields.trim].filter(Boolean).join(' ')
  const input = { id: id ?? '', type: 'unit', title, body: unitBody(fields), source, effectiveAt: dataAsOf, fields }
  const fieldLabel = (path: string) => {
    const key = path.replace(/^fields\./, '').split('.')[0]
    if (key === 'id') return label('stockNumber')
    return key in INVENTORY_HEADERS ? label(key as InventoryField) : path
  }
  return validateRow(line, input, fieldLabel)
}
