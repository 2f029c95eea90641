import { describe, expect, test } from 'bun:test'
import { detect, detectEntities, isValidVin, vinCheckDigit, type EntityKind } from '../../../src/escalation/index.ts'

describe('VIN check digit', () => {
  const valid = [
    '1HGCM82633A004352', // the textbook example
    '1M8GDM9AXKP042788', // check digit X
    '5YJSA1E18HF000001',
    'JH2SC5940BK300123', // Honda motorcycle pattern
    'JKAZXCE17HA012345', // Kawasaki pattern
    '1hgcm82633a004352', // lower case is fine
  ]
  const invalid: [string, string][] = [
    ['1HGCM82643A004352', 'wrong check digit'],
    ['1HGCM82633A00435', '16 characters'],
    ['1HGCM82633A0043521', '18 characters'],
    ['1HGCM8263IA004352', 'contains I'],
    ['1HGCM8263OA004352', 'contains O'],
    ['1HGCM8263QA004352', 'contains Q'],
    ['1M8GDM9A1KP042788', 'X check digit replaced'],
    ['11111111111111111', 'check digit fits but no letters, never a real VIN'],
    ['ABCDEFGHJKLMNPRST', 'no digits'],
  ]
  for (const v of valid) test(`valid ${v}`, () => expect(isValidVin(v)).toBe(true))
  for (const [v, why] of invalid) test(`invalid ${v} (${why})`, () => expect(isValidVin(v)).toBe(false))
  test('check digit computation', () => {
    expect(vinCheckDigit('1HGCM82633A004352')).toBe('3')
    expect(vinCheckDigit('1M8GDM9AXKP042788')).toBe('X')
    expect(vinCheckDigit('1HGCM8263IA004352')).toBeUndefined()
  })
  test('found in text only when valid, as a whole word', () => {
    expect(detect('vin', 'vin: 1hgcm82633a004352.').map((e) => e.value)).toEqual(['1HGCM82633A004352'])
    expect(detect('vin', 'vin: 1HGCM82643A004352')).toEqual([])
    expect(detect('vin', 'x1HGCM82633A004352')).toEqual([])
  })
})

const FOUND: [EntityKind, string, string[]][] = [
  ['fault_code', 'CEL with P0301 and p0420', ['P0301', 'P0420']],
  ['fault_code', 'codes B1325, C0035, U0100, P-0171', ['B1325', 'C0035', 'U0100', 'P0171']],
  ['fault_code', 'hybrid P0A80', ['P0A80']],
  ['fault_code', 'Polaris says SPN 520207 FMI 4', ['SPN 520207 FMI 4']],
  ['fault_code', 'spn:65590/fmi:2 on the dash', ['SPN 65590 FMI 2']],
  ['fault_code', 'suzuki FI C28 and code c12', ['C28', 'C12']],
  ['fault_code', 'throwing code 12 after the battery swap', ['code 12']],
  ['fault_code', 'error code #44', ['code 44']],
  ['fault_code', 'dtc 21 on my skidoo', ['code 21']],
  ['fault_code', 'blinking a code 7', ['code 7']],
  ['fault_code', 'promo code 10, zip code 75001, P4301, stock #U2345, part P0301X', []],
  ['phone', 'call 940-555-0142 or (940) 555 0143 or +1 940.555.0144 or 9405550145', ['9405550142', '9405550143', '9405550144', '9405550145']],
  ['phone', 'order 12345678901234 and 123-4567', []],
  ['email', 'Joe.Rider+quad@Gmail.com, not joe@', ['joe.rider+quad@gmail.com']],
  ['stock_number', 'stock #U2345, stk 23-1187, Stock No. P4521', ['U2345', '23-1187', 'P4521']],
  ['part_number', 'part # 2205149, pn 0450-234', ['2205149', '0450-234']],
  ['part_number', 'honda 17210-MEN-A71, yamaha 5GH-14101-00-00 and 1WS-E3440-00, kawasaki 11013-0755, suzuki 13780-31J00, harley 27490-04', [
    '17210-MEN-A71', '5GH-14101-00-00', '1WS-E3440-00', '11013-0755', '13780-31J00', '27490-04']],
  ['repair_order', 'RO 45821, R.O.#45822, ro# 45823, repair order 45824, work order 45825', ['45821', '45822', '45823', '45824', '45825']],
  ['repair_order', 'pro 12345 and bro 1234', []],
  ['money', '$12,499.99, $8500, 12k, 5 grand, 500 bucks, $300/mo, 2.5K', ['12499.99', '8500', '12000', '5000', '500', '300', '2500']],
]

describe('entities', () => {
  for (const [kind, text, values] of FOUND) {
    test(`${kind}: ${text}`, () => {
      const found = detect(kind, text)
      expect(found.map((e) => e.value)).toEqual(values)
      for (const e of found) expect(text.slice(e.start, e.end)).toBe(e.text)
    })
  }

  test('detectEntities returns every kind in text order', () => {
    const text = 'VIN 1HGCM82633A004352 threw P0301, RO 45821, call 940-555-0142'
    expect(detectEntities(text).map((e) => e.kind)).toEqual(['vin', 'fault_code', 'repair_order', 'phone'])
  })

  test('a megabyte of digits, letters or dots is scanned in linear time', () => {
    for (const big of ['9'.repeat(1_000_000), 'a'.repeat(1_000_000), 'a.'.repeat(500_000), 'stock '.repeat(170_000), '$'.repeat(1_000_000)]) {
      const t0 = performance.now()
      detectEntities(big)
      expect(performance.now() - t0).toBeLessThan(1500)
    }
  })
})
