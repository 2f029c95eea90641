/**
 * Writes the demo dealership's DMS export (deterministic: same output every run):
 *   demo/inventory.csv            ~340 units, a Lightspeed-style inventory feed
 *   demo/parts.csv                2,000+ parts with fitment
 *   demo/content/recalls/*.md     recall campaigns with VIN ranges matching the inventory's VIN scheme
 * Run: node_modules/.bin/bun demo/generate.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { withCheckDigit } from '../src/search/vin.ts'
import { CATALOGUE, VIN_YEAR, type Category, type Model } from './catalogue.ts'
import { PART_KINDS } from './parts-catalogue.ts'
import { RECALLS } from './recalls.ts'

const DIR = import.meta.dir
const AS_OF = '11/20/2026'

/** mulberry32: small, fast, deterministic. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  }
}
const R = rng(20261124)

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
const csv = (rows: unknown[][]) => rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n'
const price99 = (n: number) => Math.max(99, Math.round(n / 100) * 100 - 1)
const money = (n: number) => `$${n.toLocaleString('en-US')}.00`

/** Latest model year sold new: lines still current in 2025 carry on into 2026. */
export const lastYear = (m: Model) => (m.years[1] === 2025 ? 2026 : m.years[1])

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'
export function vinFor(m: Model, year: number, serial: number): string {
  return withCheckDigit(`${m.wmi}${m.vds}0${VIN_YEAR[year]}${m.plant}${String(serial).padStart(6, '0')}`)
}
function hinFor(m: Model, year: number): string {
  const serial = Array.from({ length: 5 }, () => R.pick([...VIN_CHARS.replace(/[A-Z]/g, '') + 'ABCDEFGH'])).join('')
  const month = 'ABCDEFGHIJKL'[R.int(0, 11)]
  return `${m.hin}${serial}${month}${(year - 1) % 10}${String(year).slice(2)}`
}

// ---------------------------------------------------------------- inventory
const TARGET: Record<Category, number> = { street: 70, dirt: 45, atv: 70, side_by_side: 75, snowmobile: 45, watercraft: 35 }
const LOCATIONS: Record<Category, string[]> = {
  street: ['Main Showroom', 'Main Showroom', 'Service Lot'], dirt: ['Main Showroom', 'Dirt Shed'],
  atv: ['Main Showroom', 'North Lot'], side_by_side: ['Main Showroom', 'North Lot'],
  snowmobile: ['Main Showroom', 'Sled Barn'], watercraft: ['Marine Annex'],
}
const USED_NOTES = [
  'One owner, service records available.', 'New tires last season.', 'Includes winch and plow mount.', 'Extended warranty transfers.',
  'Trade-in, inspected by our service department.', 'Garage kept, low hours.', 'Aftermarket exhaust; stock exhaust included.',
  'Fresh service: oil, filters and spark plugs.', 'Minor scuffs on the plastics.', 'Includes cover and tie-downs.',
]

function weightedPick(models: Model[]): Model {
  const total = models.reduce((s, m) => s + m.share, 0)
  let x = R.next() * total
  for (const m of models) if ((x -= m.share) < 0) return m
  return models[models.length - 1]
}

function inventory(): unknown[][] {
  const rows: unknown[][] = [[
    'Stock #', 'VIN/Serial', 'Year', 'Make', 'Model', 'Trim', 'Unit Type', 'New/Used', 'Color', 'Internet Price', 'MSRP',
    'Status', 'Location', 'Miles', 'Hours', 'Comments', 'Last Updated',
  ]]
  const typeLabel: Record<Category, string> = { street: 'Motorcycle', dirt: 'Dirt Bike', atv: 'ATV', side_by_side: 'Side x Side', snowmobile: 'Snowmobile', watercraft: 'PWC' }
  let seq = 100
  for (const cat of Object.keys(TARGET) as Category[]) {
    const models = CATALOGUE.filter((m) => m.category === cat)
    for (let i = 0; i < TARGET[cat]; i++) {
      const m = weightedPick(models)
      const current = lastYear(m) >= 2026
      const used = !current || R.chance(0.25)
      const year = used ? R.int(m.years[0], lastYear(m) - (current ? 1 : 0)) : R.chance(0.7) ? 2026 : 2025
      const [trim, baseMsrp] = R.pick(m.trims)
      const msrp = Math.round(baseMsrp * (1 + 0.025 * (year - 2025)) / 10) * 10 - 1
      const age = 2026 - year
      const priceValue = used ? price99(msrp * (0.86 - 0.07 * age) * (0.95 + 0.1 * R.next())) : price99(msrp * (1 - 0.07 * R.next()))
      const status = used ? (R.chance(0.9) ? 'Available' : R.chance(0.5) ? 'Hold' : 'Sold')
        : R.chance(0.78) ? 'Available' : R.chance(0.65) ? 'On Order' : R.chance(0.5) ? 'Hold' : 'Sold'
      const serial = R.int(100000, 189999)
      const id = m.hin ? hinFor(m, year) : vinFor(m, year, serial)
      const stock = `${used ? 'U' : 'N'}${year >= 2026 || !used ? '26' : '25'}-${String(seq++).padStart(4, '0')}`
      const miles = used && ['street', 'atv', 'side_by_side', 'snowmobile'].includes(cat) ? R.int(150, cat === 'street' ? 24000 : 6500) : ''
      const hours = used && ['dirt', 'atv', 'side_by_side', 'watercraft'].includes(cat) ? R.int(15, cat === 'dirt' ? 160 : 420) : ''
      rows.push([
        stock, id, year, m.make, m.model, trim, typeLabel[cat], used ? 'Used' : 'New', R.pick(m.colors),
        R.chance(0.02) ? 'Call' : money(priceValue), money(msrp), status,
        status === 'On Order' ? 'In Transit' : R.pick(LOCATIONS[cat]), miles, hours,
        used && R.chance(0.5) ? R.pick(USED_NOTES) : '', AS_OF,
      ])
    }
  }
  return rows
}

// ---------------------------------------------------------------- parts
const ALNUM = 'ABCDEFGHJKLMNPRSTUVWXYZ'
const digits = (n: number) => Array.from({ length: n }, () => R.int(0, 9)).join('')
const letters = (n: number) => Array.from({ length: n }, () => R.pick([...ALNUM])).join('')
const OEM_FORMAT: Record<string, () => string> = {
  Honda: () => `${digits(5)}-${letters(3)}-${letters(1)}${digits(2)}`,
  Yamaha: () => `${letters(1)}${digits(1)}${letters(1)}-${digits(5)}-${digits(2)}-00`,
  Kawasaki: () => `${digits(5)}-${digits(4)}`,
  Suzuki: () => `${digits(5)}-${digits(2)}${letters(1)}${digits(2)}`,
  Polaris: () => `${R.pick(['2', '3', '5'])}${digits(6)}`,
  'Can-Am': () => `${R.pick(['4', '7'])}${digits(8)}`, 'Sea-Doo': () => `${R.pick(['2', '4'])}${digits(8)}`, 'Ski-Doo': () => `${R.pick(['5', '4'])}${digits(8)}`,
  KTM: () => digits(11), Husqvarna: () => digits(11),
  'Arctic Cat': () => `${digits(4)}-${digits(3)}`,
  'Harley-Davidson': () => `${digits(5)}-${digits(2)}`,
  Indian: () => `2${digits(6)}`, Triumph: () => `T${digits(7)}`, BMW: () => digits(11),
}

function parts(): unknown[][] {
  const rows: unknown[][] = [['Part Number', 'Brand', 'Description', 'Category', 'Retail', 'QOH', 'Bin', 'Superseded By', 'Fitment']]
  const used = new Set<string>()
  const unique = (brand: string, make: () => string) => {
    for (;;) { const pn = make(); if (!used.has(`${brand}|${pn}`)) { used.add(`${brand}|${pn}`); return pn } }
  }
  const span = (m: Model, from: number, to: number) => `${from === to ? from : `${from}-${to}`} ${m.make} ${m.model}`
  const bin = () => `${R.pick(['A', 'B', 'C', 'D', 'E'])}${R.int(1, 24)}-${R.int(1, 6)}`
  const qoh = () => (R.chance(0.3) ? 0 : R.int(1, 14))
  const price = ([lo, hi]: [number, number]) => (lo + R.next() * (hi - lo)).toFixed(2)
  for (const kind of PART_KINDS) {
    for (const m of CATALOGUE) {
      if (!kind.cats.includes(m.category) || (kind.applies && !kind.applies(m))) continue
      const first = m.years[0], last = lastYear(m)
      const desc = kind.key === 'drive-belt' && m.category === 'snowmobile' ? 'Drive Belt' : kind.desc
      if (kind.generations && last - first >= 5) {
        const mid = first + Math.floor((last - first) / 2)
        const newer = unique(m.make, OEM_FORMAT[m.make])
        const older = unique(m.make, OEM_FORMAT[m.make])
        rows.push([older, m.make, desc, kind.category, price(kind.price), qoh(), bin(), newer, span(m, first, mid)])
        rows.push([newer, m.make, desc, kind.category, price(kind.price), qoh(), bin(), '', span(m, mid + 1, last)])
      } else {
        rows.push([unique(m.make, OEM_FORMAT[m.make]), m.make, desc, kind.category, price(kind.price), qoh(), bin(), '', span(m, first, last)])
      }
    }
    // Aftermarket lines fit every model of one make and category (one row per line and group).
    for (const line of kind.aftermarket ?? []) {
      const groups = new Map<string, Model[]>()
      for (const m of CATALOGUE) {
        if (!kind.cats.includes(m.category) || (kind.applies && !kind.applies(m))) continue
        if (line.brand === 'Twin Air' && m.category !== 'dirt') continue
        if (['Maxxis'].includes(line.brand) && ['street', 'dirt'].includes(m.category)) continue
        if (['Dunlop'].includes(line.brand) && !['street', 'dirt'].includes(m.category)) continue
        const key = `${m.make}|${m.category}`
        groups.set(key, [...(groups.get(key) ?? []), m])
      }
      for (const models of groups.values()) {
        for (let i = 0; i < models.length; i += 2) {
          const fits = models.slice(i, i + 2)
          const pn = unique(line.brand, () => line.brand === 'Gates' ? `${R.int(20, 48)}G${digits(4)}` : line.brand === 'NGK' ? digits(4) : `${line.prefix}${digits(line.digits)}`)
          const desc = line.brand === 'NGK' ? `Spark Plug ${R.pick(['CR', 'LKAR', 'BR', 'DCPR'])}${R.int(6, 9)}${R.pick(['E', 'EIX', 'HSA', 'ES'])}` : kind.desc
          rows.push([pn, line.brand, desc, kind.category, price(line.price), qoh(), bin(), '', fits.map((m) => span(m, m.years[0], lastYear(m))).join('; ')])
        }
      }
    }
  }
  return rows
}

// ---------------------------------------------------------------- recalls
function recallFiles(dir: string) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const r of RECALLS) {
    const m = CATALOGUE.find((x) => x.make === r.make && x.model === r.model)
    if (!m) throw new Error(`recall ${r.campaignId}: no catalogue model ${r.make} ${r.model}`)
    const ranges: string[] = []
    if (r.serials && m.wmi) {
      for (let y = r.years[0]; y <= r.years[1]; y++) ranges.push(`  - { from: ${vinFor(m, y, r.serials[0])}, to: ${vinFor(m, y, r.serials[1])} }`)
    }
    const yrs = r.years[0] === r.years[1] ? `${r.years[0]}` : `${r.years[0]}-${r.years[1]}`
    const agency = r.agencyId.includes('V') ? 'NHTSA' : 'CPSC'
    const text = `---
id: recall-${r.campaignId.toLowerCase()}
type: recall
title: "Recall ${r.campaignId}: ${yrs} ${r.make} ${r.model} ${r.title}"
campaign_id: ${r.campaignId}
agency_id: "${r.agencyId}"
make: ${r.make}
models: [${r.model}]
years: { from: ${r.years[0]}, to: ${r.years[1]} }
${ranges.length ? `vin_ranges:\n${ranges.join('\n')}\n` : ''}remedy: "${r.remedy}"
status: open
effective: ${r.effective}
source: ${r.make} recall notice ${r.campaignId} (${agency} ${r.agencyId})
---
# Recall ${r.campaignId}: ${r.title}

**Affected:** ${yrs} ${r.make} ${r.model}${ranges.length ? ' with VINs in the ranges below' : ''}.
${agency} number ${r.agencyId}. Manufacturer campaign ${r.campaignId}.

## What is wrong
${r.risk}

## Signs to watch for
${r.symptoms}

## What to do
Stop riding if you notice any of the signs above and call our service department to book the free repair.
Bring the vehicle, the key, and your registration. Recall work is free whether or not you bought the unit here,
and it is done even if the vehicle is out of warranty.

## Remedy
${r.remedy}

## Is my vehicle included?
${ranges.length
    ? 'Give us your full 17-character VIN (on the frame and on your registration). Vehicles are included when the VIN matches one of these ranges:\n\n' + ranges.map((l) => l.replace('  - { from: ', '- ').replace(', to: ', ' to ').replace(' }', '')).join('\n')
    : 'Give us your 12-character hull identification number (HIN), stamped on the transom. Our service desk checks it against the manufacturer list.'}
`
    writeFileSync(join(dir, `recall-${r.campaignId.toLowerCase()}.md`), text)
  }
}

if (import.meta.main) {
  const inv = inventory()
  writeFileSync(join(DIR, 'inventory.csv'), csv(inv))
  const p = parts()
  writeFileSync(join(DIR, 'parts.csv'), csv(p))
  recallFiles(join(DIR, 'content/recalls'))
  console.log(`demo: ${inv.length - 1} units, ${p.length - 1} parts, ${RECALLS.length} recalls`)
}
