import { describe, expect, test } from 'bun:test'
import { headerKey, mapHeaders, parseDate, parseInteger, parseMoney } from '../../../src/search/importers/csv.ts'
import { INVENTORY_HEADERS, parseCategory, parseCondition, parseInventoryRow, parseStatus } from '../../../src/search/importers/inventory.ts'
import { parseMarkdown } from '../../../src/search/importers/markdown.ts'
import { PARTS_HEADERS, parseFitment, parsePartRow } from '../../../src/search/importers/parts.ts'
import { withCheckDigit } from '../../../src/search/vin.ts'

describe('tolerant header mapping', () => {
  test.each([
    [['Stock #', 'VIN/Serial', 'Year', 'Make', 'Model', 'Internet Price', 'New/Used', 'Unit Type']],
    [['StockNumber', 'vin', 'ModelYear', 'Manufacturer', 'Model Name', 'Selling Price', 'Condition', 'Category']],
    [['stock_no', 'Serial Number', 'MY', 'Mfr', 'model', 'Sale Price', 'N/U', 'Vehicle Type']],
  ])('%j', (headers) => {
    const m = mapHeaders(headers, INVENTORY_HEADERS)
    expect(Object.keys(m.column).sort()).toEqual(['category', 'condition', 'make', 'model', 'price', 'stockNumber', 'vin', 'year'])
    expect(m.unknown).toEqual([])
  })
  test('unknown columns are reported, not guessed', () => {
    expect(mapHeaders(['Stock #', 'Floorplan Lender'], INVENTORY_HEADERS).unknown).toEqual(['Floorplan Lender'])
    expect(headerKey('Stock #')).toBe('stockno')
  })
})

describe('values as DMS exports write them', () => {
  test('money, whole numbers, dates', () => {
    expect(parseMoney('$12,499.00')).toBe(12499)
    expect(parseMoney('8999')).toBe(8999)
    expect(parseMoney('Call')).toBeUndefined()
    expect(parseMoney('12.4.9')).toBe('invalid')
    expect(parseInteger('1,204')).toBe(1204)
    expect(parseInteger('12 hrs')).toBe('invalid')
    expect(parseDate('11/20/2026')).toBe('2026-11-20')
    expect(parseDate('2026-11-20T08:00')).toBe('2026-11-20')
    expect(parseDate('1/5/26')).toBe('2026-01-05')
    expect(parseDate('yesterday')).toBe('invalid')
  })
  test('categories, conditions and statuses in their many spellings', () => {
    expect(parseCategory('Side x Side', 'Polaris')).toBe('side_by_side')
    expect(parseCategory('UTV', undefined)).toBe('side_by_side')
    expect(parseCategory('Quad', undefined)).toBe('atv')
    expect(parseCategory('PWC', undefined)).toBe('watercraft')
    expect(parseCategory(undefined, 'Sea-Doo')).toBe('watercraft')
    expect(parseCategory('Boat', undefined)).toBe('invalid')
    expect(parseCondition('Pre-Owned')).toBe('used')
    expect(parseCondition('N')).toBe('new')
    expect(parseStatus('In Transit')).toBe('on_order')
    expect(parseStatus('Deal Pending')).toBe('on_hold')
    expect(parseStatus(undefined)).toBe('in_stock')
  })
})

const invMap = mapHeaders(['Stock #', 'VIN/Serial', 'Year', 'Make', 'Model', 'Trim', 'Unit Type', 'New/Used', 'Internet Price', 'MSRP', 'Status', 'Last Updated', 'Comments'], INVENTORY_HEADERS)
const vin = withCheckDigit('3NSRAE990RM120500')

describe('inventory rows', () => {
  test('a good row becomes a unit with a generated body', () => {
    const r = parseInventoryRow(7, ['N26-0101', vin, '2024', 'Polaris', 'RZR XP 1000', 'Premium', 'Side x Side', 'New', '$24,499.00', '$25,999.00', 'Available', '11/20/2026', 'Demo ride available.'], invMap, '2026-11-24', 'feed.csv')
    expect(r.issues).toEqual([])
    expect(r.doc).toMatchObject({
      id: 'unit-N260101', type: 'unit', title: '2024 Polaris RZR XP 1000 Premium',
      fields: { stockNumber: 'N26-0101', vin, year: 2024, category: 'side_by_side', condition: 'new', price: 24499, msrp: 25999, status: 'in_stock', dataAsOf: '2026-11-20' },
    })
    expect(r.doc!.body).toContain('side-by-side UTV')
    expect(r.doc!.body).toContain('Demo ride available.')
    expect(r.doc!.effectiveAt?.toISOString().slice(0, 10)).toBe('2026-11-20')
  })
  test('a watercraft hull id in the VIN column is taken as a HIN', () => {
    const r = parseInventoryRow(3, ['N26-0407', 'YDV4B224F526', '2026', 'Sea-Doo', 'Spark', '', 'PWC', 'New', '$7,899.00', '', 'Available', '', ''], invMap, '2026-11-24', 'feed.csv')
    expect(r.doc?.fields).toMatchObject({ hin: 'YDV4B224F526', category: 'watercraft', dataAsOf: '2026-11-24' })
  })
  test('errors name the column as the file calls it, and keep the id for withdrawal safety', () => {
    const bad = parseInventoryRow(9, ['N26-0102', vin.slice(0, 16) + (vin[16] === '1' ? '2' : '1'), '24', 'Polaris', 'RZR', '', 'Hovercraft', 'New', '$2x', '', 'Available', '', ''], invMap, '2026-11-24', 'feed.csv')
    expect(bad.id).toBe('unit-N260102')
    expect(bad.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['Year', 'Unit Type', 'Internet Price']))
    const badVin = parseInventoryRow(10, ['N26-0103', vin.slice(0, 16) + (vin[16] === '1' ? '2' : '1'), '2024', 'Polaris', 'RZR', '', 'UTV', 'New', '', '', 'Available', '', ''], invMap, '2026-11-24', 'feed.csv')
    expect(badVin.issues).toEqual([{ field: 'VIN/Serial', message: 'check digit (9th character) does not match', line: undefined }])
  })
})

describe('parts rows and fitment', () => {
  test('fitment lists with year spans and multi-word makes', () => {
    expect(parseFitment('2019-2023 Polaris RZR XP 1000; 2021 Can-Am Maverick X3 | 2020-22 Arctic Cat Riot 8000')).toEqual({
      entries: [
        { make: 'Polaris', model: 'RZR XP 1000', yearFrom: 2019, yearTo: 2023 },
        { make: 'Can-Am', model: 'Maverick X3', yearFrom: 2021, yearTo: 2021 },
        { make: 'Arctic Cat', model: 'Riot 8000', yearFrom: 2020, yearTo: 2022 },
      ], errors: [],
    })
    expect(parseFitment('Polaris RZR').errors).toHaveLength(1)
    expect(parseFitment('2023-2019 Polaris RZR').errors[0]).toContain('backwards')
  })
  const pmap = mapHeaders(['Part Number', 'Brand', 'Description', 'Retail', 'QOH', 'Fitment'], PARTS_HEADERS)
  test('a part row', () => {
    const r = parsePartRow(2, ['2540086', 'Polaris', 'Oil Filter', '14.99', '6', '2019-2026 Polaris Sportsman 570'], pmap, 'parts.csv')
    expect(r.doc).toMatchObject({ id: 'part-polaris-2540086', title: 'Oil Filter (Polaris 2540086)', fields: { onHand: 6, price: 14.99 } })
    expect(r.doc!.body).toContain('Fits 2019-2026 Polaris Sportsman 570')
  })
  test('a bad part row names the fields', () => {
    const r = parsePartRow(3, ['2540087', 'Polaris', 'Oil Filter', 'cheap', '-', 'Sportsman'], pmap, 'parts.csv')
    expect(r.issues.map((i) => i.field)).toEqual(['Retail', 'QOH', 'Fitment'])
  })
})

describe('Markdown with front matter', () => {
  test('front matter fields, snake_case, title from front matter, dates', () => {
    const r = parseMarkdown(`---
id: sb-24-011
type: bulletin
title: Hot restart
bulletin_number: SB-24-011
years: { from: 2021, to: 2024 }
effective: 2024-03-18
---
# Hot restart

Body text.`, 'sb.md')
    expect(r.issues).toEqual([])
    expect(r.doc).toMatchObject({ id: 'sb-24-011', type: 'bulletin', fields: { bulletinNumber: 'SB-24-011', years: { from: 2021, to: 2024 } } })
    expect(r.doc!.effectiveAt?.toISOString()).toBe('2024-03-18T00:00:00.000Z')
    expect(r.doc!.body).toStartWith('# Hot restart')
  })
  test('errors carry the line of the offending key', () => {
    const r = parseMarkdown(`---
type: recall
title: Bad recall
campaign_id: R1
make: Polaris
models: [RZR]
years: { from: 2024, to: 2021 }
---
text`, 'r.md')
    expect(r.line).toBe(7)
    expect(r.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'years', line: 7 }), expect.objectContaining({ field: 'remedy' })]))
  })
  test('id from the file name, type from --type, title from the first heading; YAML errors have a line', () => {
    const r = parseMarkdown('# Winter hours\n\nClosed Sundays.', '/x/Winter Hours.md', 'faq')
    expect(r.doc).toMatchObject({ id: 'winter-hours', type: 'faq', title: 'Winter hours' })
    const broken = parseMarkdown('---\ntype: faq\ntitle: [unclosed\n---\nx', 'b.md')
    expect(broken.issues[0].field).toBe('front matter')
    expect(broken.line).toBeGreaterThan(1)
  })
})
