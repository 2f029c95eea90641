/**
 * Built-in entity detectors. Every pattern starts with a look-behind that only lets a match begin at the
 * start of a run, so a megabyte of digits or letters is scanned in linear time.
 */
import type { Entity, EntityKind } from './types.ts'

const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
}
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
const VIN_SHAPE = /^[A-HJ-NPR-Z0-9]{17}$/

/** The check digit (position 9) a VIN should carry, or undefined when it is not VIN-shaped (I, O, Q, length). */
export function vinCheckDigit(vin: string): string | undefined {
  const v = vin.toUpperCase()
  if (!VIN_SHAPE.test(v)) return undefined
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const c = v[i]
    const n = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : VIN_VALUES[c]
    sum += n * VIN_WEIGHTS[i]
  }
  const r = sum % 11
  return r === 10 ? 'X' : String(r)
}

/** A 17-character VIN (no I, O or Q) whose 9th character matches the check digit. */
export function isValidVin(vin: string): boolean {
  const expected = vinCheckDigit(vin)
  return expected !== undefined && vin.toUpperCase()[8] === expected && /\d/.test(vin) && /[A-Z]/i.test(vin)
}

type Finder = (text: string, out: Entity[]) => void

function scan(kind: EntityKind, re: RegExp, value: (m: RegExpExecArray) => string | undefined, group = 0): Finder {
  return (text, out) => {
    re.lastIndex = 0
    let m: RegExpExecArray | null
    while ((m = re.exec(text)) !== null) {
      const v = value(m)
      if (v !== undefined) {
        const whole = m[0]
        const part = m[group] ?? whole
        const offset = group === 0 ? 0 : whole.lastIndexOf(part)
        out.push({ kind, text: part, value: v, start: m.index + offset, end: m.index + offset + part.length })
      }
      if (m[0].length === 0) re.lastIndex++
    }
  }
}

const VIN_RE = /(?<![A-Za-z0-9])[A-HJ-NPR-Za-hj-npr-z0-9]{17}(?![A-Za-z0-9])/g

// OBD-II: P/B/C/U + 4 hex digits (first 0-3, as the standard assigns), optionally written P-0301.
const OBD_RE = /(?<![A-Za-z0-9])(?<!(?:stock|stk|part|p\/n|pn|unit|model|order|ro)\.?\s{0,2}[#:]?\s{0,2})([PBCUpbcu])-?([0-3][0-9A-Fa-f]{3})(?![A-Za-z0-9])/gi
// J1939 as shown on Polaris, Arctic Cat and Can-Am dashes: "SPN 520207 FMI 3".
const J1939_RE = /(?<![A-Za-z])spn\s*[#:]?\s*(\d{1,7})\s*[,/-]?\s*fmi\s*[#:]?\s*(\d{1,2})(?!\d)/gi
// Suzuki FI codes "FI C28", Yamaha/Kawasaki/Honda dash codes "error code 44", "throwing code 12", "dtc 21".
const SUZUKI_RE = /(?<![A-Za-z])(?:fi|code|error|err)\s*[:#]?\s*c-?(\d{2})(?![A-Za-z0-9])/gi
const DASH_CODE_RE =
  /(?<![A-Za-z])(?:(?:error|fault|trouble|diagnostic|diag|engine|fi|warning|service|dash|efi|ecu)\s+codes?|dtc|(?:throwing|throws|threw|showing|shows|showed|getting|gets|got|flashing|flashes|blinking|blinks|reading|reads|displaying|displays|pulled|set)\s+(?:an?\s+|the\s+|up\s+(?:an?\s+)?)?(?:error\s+|fault\s+)?codes?)\s*(?:#|no\.?|number)?\s*[:#]?\s*(\d{1,3})(?![\d.,])/gi

const PHONE_RE = /(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\s*([2-9]\d{2})\s*\)|([2-9]\d{2}))[\s.-]?([2-9]\d{2})[\s.-]?(\d{4})(?![\w])/g
const EMAIL_RE = /(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g
const STOCK_RE = /(?<![A-Za-z0-9])(?:stock|stk)\.?\s*(?:#|no\.?|num(?:ber)?\.?)?\s*[:#]?\s*([A-Za-z]{0,3}-?\d[\dA-Za-z-]{1,10})(?![\w-])/gi
const PART_KEYWORD_RE = /(?<![A-Za-z0-9])(?:part|p\/n|pn|oem)\s*(?:#|no\.?|num(?:ber)?\.?)?\s*[:#]?\s*([A-Za-z0-9]{0,6}\d[A-Za-z0-9-]{3,20})(?![\w-])/gi
const PART_SHAPE_RE = new RegExp(
  [
    '\\d{5}-[A-Za-z0-9]{3}-[A-Za-z0-9]{3,4}', // Honda 17210-MEN-A71
    '[A-Za-z0-9]{3}-[A-Za-z0-9]{5}-\\d{2}(?:-\\d{2})?', // Yamaha 5GH-14101-00-00, 1WS-E3440-00
    '\\d{5}-[A-Za-z0-9]{4,5}', // Kawasaki 11013-0755, Suzuki 13780-31J00
    '\\d{5}-\\d{2}[A-Za-z]{0,3}', // Harley-Davidson 27490-04, 92500-12A
  ].map((p) => `(?<![\\w-])${p}(?![\\w-])`).join('|'),
  'g',
)
const RO_RE = /(?<![A-Za-z0-9])(?:r\.?\s?o\.?|repair\s+order|work\s+order|w\.?o\.?|service\s+ticket|ticket)\s*(?:#|no\.?|num(?:ber)?\.?)?\s*[:#]?\s*(\d{4,8})(?![\w])/gi
const MONEY_DOLLAR_RE = /(?<![\w$])\$\s?(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,2}))?(?:\s?([kK])(?![A-Za-z]))?/g
const MONEY_WORD_RE = /(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,2}))?\s?(k|grand|bucks|dollars|usd)(?![A-Za-z])/gi

function amount(whole: string, cents: string | undefined, unit: string | undefined): string {
  let n = Number(whole.replace(/,/g, '')) + (cents ? Number(`0.${cents}`) : 0)
  const u = unit?.toLowerCase()
  if (u === 'k' || u === 'grand') n *= 1000
  return String(Math.round(n * 100) / 100)
}

const FINDERS: Record<EntityKind, Finder[]> = {
  vin: [scan('vin', VIN_RE, (m) => (isValidVin(m[0]) ? m[0].toUpperCase() : undefined))],
  fault_code: [
    scan('fault_code', OBD_RE, (m) => `${m[1]}${m[2]}`.toUpperCase()),
    scan('fault_code', J1939_RE, (m) => `SPN ${m[1]} FMI ${m[2]}`),
    scan('fault_code', SUZUKI_RE, (m) => `C${m[1]}`),
    scan('fault_code', DASH_CODE_RE, (m) => `code ${m[1]}`),
  ],
  phone: [scan('phone', PHONE_RE, (m) => `${m[1] ?? m[2]}${m[3]}${m[4]}`)],
  email: [scan('email', EMAIL_RE, (m) => m[0].toLowerCase())],
  stock_number: [scan('stock_number', STOCK_RE, (m) => m[1].toUpperCase(), 1)],
  part_number: [
    scan('part_number', PART_KEYWORD_RE, (m) => m[1].toUpperCase(), 1),
    scan('part_number', PART_SHAPE_RE, (m) => m[0].toUpperCase()),
  ],
  repair_order: [scan('repair_order', RO_RE, (m) => m[1], 1)],
  money: [
    scan('money', MONEY_DOLLAR_RE, (m) => amount(m[1], m[2], m[3])),
    scan('money', MONEY_WORD_RE, (m) => amount(m[1], m[2], m[3])),
  ],
}

/** Extra dealer patterns for a kind (from `entity_patterns` in the rules file), already checked as safe. */
export type ExtraPatterns = Partial<Record<EntityKind, RegExp[]>>

/** All entities of one kind in the text, in order of position, overlapping duplicates removed. */
export function detect(kind: EntityKind, text: string, extra?: ExtraPatterns): Entity[] {
  const out: Entity[] = []
  for (const f of FINDERS[kind]) f(text, out)
  for (const re of extra?.[kind] ?? []) {
    const g = re.global ? re : new RegExp(re.source, re.flags + 'g')
    scan(kind, g, (m) => m[0].toUpperCase())(text, out)
  }
  if (out.length < 2) return out
  out.sort((a, b) => a.start - b.start || b.end - a.end)
  const kept: Entity[] = []
  for (const e of out) {
    const last = kept[kept.length - 1]
    if (last && e.start < last.end) continue
    kept.push(e)
  }
  return kept
}

/** Every entity of the given kinds (all kinds by default). */
export function detectEntities(text: string, kinds: readonly EntityKind[] = Object.keys(FINDERS) as EntityKind[], extra?: ExtraPatterns): Entity[] {
  return kinds.flatMap((k) => detect(k, text, extra)).sort((a, b) => a.start - b.start)
}

export const ENTITY_LABELS: Record<EntityKind, string> = {
  vin: 'VIN', fault_code: 'fault code', phone: 'phone number', email: 'email address',
  stock_number: 'stock number', part_number: 'part number', repair_order: 'repair order', money: 'dollar amount',
}
