import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { Database } from '../../../src/db/client.ts'
import { documents, embeddings } from '../../../src/db/schema.ts'
import { hashingTestEmbedder, memoryVectorCache } from '../../../src/search/embedder.ts'
import { importPaths, type ImportOptions } from '../../../src/search/import.ts'
import { OramaSearchIndex } from '../../../src/search/orama.ts'
import { withCheckDigit } from '../../../src/search/vin.ts'
import { freshPglite } from '../../support/db.ts'

const dir = mkdtempSync(join(tmpdir(), 'pw-import-'))
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p }
const v1 = withCheckDigit('4XASEE570TH100001'), v2 = withCheckDigit('3JBVKR3X0TJ100002'), v3 = withCheckDigit('JH2PC6800TK100003')
const header = 'Stock No,VIN,Model Year,Manufacturer,Model,Category,Condition,Selling Price,Status,As Of\n'
const row1 = `N26-0001,${v1},2026,Polaris,Sportsman 570,ATV,New,"$8,799.00",In Stock,11/20/2026\n`
const row2 = `U25-0002,${v2},2021,Can-Am,Maverick X3,UTV,Used,"$15,999.00",In Stock,11/20/2026\n`
const row3 = `N26-0003,${v3},2026,Honda,Rebel 500,Motorcycle,New,"$7,199.00",On Order,11/20/2026\n`
const badRow = `N26-0004,,2026,Honda,Rebel 500,Rocket,New,"$7,x99.00",In Stock,11/20/2026\n`

let db: Database
const embedder = hashingTestEmbedder()
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({ storeId: 'ridgeline', embedder, now: new Date('2026-11-24T10:00:00Z'), ...extra })
const unit = async (id: string) => (await db.db.select().from(documents).where(eq(documents.id, id)))[0]

beforeAll(async () => { db = await freshPglite() })
afterAll(async () => { await db.close(); rmSync(dir, { recursive: true, force: true }) })

describe('inventory feed', () => {
  test('imports good rows, reports the bad one with file, line and field, and sends changes to the index', async () => {
    const index = new OramaSearchIndex({ dims: 512 })
    const feed = file('inventory.csv', header + row1 + row2 + badRow + row3)
    const r = await importPaths(db, [feed], opts({ index }))
    expect(r).toMatchObject({ inserted: 3, updated: 0, unchanged: 0, failed: 1, withdrawn: 0 })
    expect(r.errors).toEqual(expect.arrayContaining([
      { file: feed, line: 4, field: 'Category', message: expect.stringContaining('"Rocket" is not a known category') },
      { file: feed, line: 4, field: 'Selling Price', message: '"$7,x99.00" is not a price' },
    ]))
    expect(await unit('unit-N260001')).toMatchObject({ storeId: 'ridgeline', type: 'unit', source: 'inventory.csv', title: '2026 Polaris Sportsman 570' })
    expect((await index.health()).documents).toBe(3)
    expect((await db.db.select().from(embeddings)).length).toBe(3)
  })

  test('re-importing the same file changes nothing (hash), a changed row is updated', async () => {
    const feed = file('inventory.csv', header + row1 + row2 + row3)
    const again = await importPaths(db, [feed], opts())
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, failed: 0, embedded: 0 })
    const before = await unit('unit-U250002')
    const changed = file('inventory.csv', header + row1 + row2.replace('$15,999.00', '$14,999.00') + row3)
    const r = await importPaths(db, [changed], opts({ now: new Date('2026-11-25T10:00:00Z') }))
    expect(r).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 })
    const after = await unit('unit-U250002')
    expect(after.fields).toMatchObject({ price: 14999 })
    expect(after.createdAt).toEqual(before.createdAt)
    expect(after.contentHash).not.toBe(before.contentHash)
  })

  test('units missing from a full feed are marked withdrawn; a partial feed or unreadable rows withdraw nothing', async () => {
    const partial = await importPaths(db, [file('inventory.csv', header + row1)], opts({ partialFeed: true }))
    expect(partial.withdrawn).toBe(0)
    const unsafe = await importPaths(db, [file('inventory.csv', header + row1 + ',,,,,,,,,\n')], opts())
    expect(unsafe.withdrawn).toBe(0)
    expect(unsafe.warnings[0]).toContain('no units were marked withdrawn')
    const full = await importPaths(db, [file('inventory.csv', header + row1 + row3)], opts())
    expect(full.withdrawn).toBe(1)
    const gone = await unit('unit-U250002')
    expect(gone.fields).toMatchObject({ status: 'withdrawn', withdrawnAt: '2026-11-24' })
    expect(gone.body).toContain('No longer listed')
    // back in the next feed: listed again
    const back = await importPaths(db, [file('inventory.csv', header + row1 + row2 + row3)], opts())
    expect(back).toMatchObject({ updated: 1, withdrawn: 0 })
    expect((await unit('unit-U250002')).fields).toMatchObject({ status: 'in_stock' })
  })
})

describe('parts, Markdown and JSONL', () => {
  test('each format imports; errors keep going; duplicate ids and other stores are refused', async () => {
    const parts = file('parts.csv', 'Part #,Brand,Description,Price,QOH,Fits\n2540086,Polaris,Oil Filter,14.99,6,2019-2026 Polaris Sportsman 570\n2540087,Polaris,Air Filter,abc,2,\n2540086,Polaris,Oil Filter,14.99,6,\n')
    const md = file('sb.md', '---\nid: sb-1\ntype: bulletin\ntitle: Hot restart\nbulletin_number: SB-1\n---\nText.\n')
    const mdBad = file('guide.md', '---\ntype: guide\ntitle: Codes\nkind: recipes\n---\nText.\n')
    const jsonl = file('faq.jsonl', [
      JSON.stringify({ id: 'faq-1', type: 'faq', title: 'Do you deliver?', body: 'Yes.', fields: { topic: 'sales' } }),
      '{not json',
      JSON.stringify({ id: 'faq 2', type: 'faq', title: 'x' }),
      JSON.stringify({ id: 'price-old', type: 'price_sheet', title: 'Old prices', body: 'x', effectiveAt: '2025-01-01', expiresAt: '2025-12-31' }),
    ].join('\n'))
    const r = await importPaths(db, [parts, md, mdBad, jsonl], opts())
    expect(r.inserted).toBe(4)
    expect(r.failed).toBe(5)
    expect(r.errors).toEqual(expect.arrayContaining([
      { file: parts, line: 3, field: 'Price', message: '"abc" is not a price' },
      { file: parts, line: 4, field: 'id', message: expect.stringContaining('duplicate id part-polaris-2540086') },
      { file: mdBad, line: 4, field: 'kind', message: expect.stringContaining('must be one of') },
      { file: jsonl, line: 2, message: expect.stringContaining('not valid JSON') },
      { file: jsonl, line: 3, field: 'id', message: expect.stringContaining('letters, digits') },
    ]))
    expect((await unit('price-old')).expiresAt).toEqual(new Date('2025-12-31T00:00:00Z'))
    const other = await importPaths(db, [md], opts({ storeId: 'elsewhere' }))
    expect(other.errors[0]).toMatchObject({ field: 'id', message: 'id sb-1 already belongs to store ridgeline' })
  })

  test('directories are walked; unsupported files and unknown CSVs are reported', async () => {
    const sub = join(dir, 'content')
    mkdirSync(sub, { recursive: true })
    writeFileSync(join(sub, 'hours.md'), '---\ntype: policy\ntopic: hours\n---\n# Hours\nOpen Monday to Saturday.\n')
    writeFileSync(join(sub, 'notes.docx'), 'x')
    writeFileSync(join(sub, 'README.md'), '# About these files\n')
    const odd = file('odd.csv', 'a,b\n1,2\n')
    const r = await importPaths(db, [sub, odd, join(dir, 'missing.csv')], opts({ cache: memoryVectorCache() }))
    expect(r.inserted).toBe(1)
    expect(r.errors.map((e) => e.message)).toEqual(expect.arrayContaining([
      'no such file or directory', expect.stringContaining('pass --type unit or --type part'),
    ]))
    expect(r.errors.some((e) => e.file.endsWith('notes.docx') || e.file.endsWith('README.md'))).toBe(false) // skipped when walking
  })
})
