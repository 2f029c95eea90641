import { describe, expect, test } from 'bun:test'
import { formatDuration, progressReporter } from '../../../src/search/progress.ts'
import { contentHash, embeddingText, makeSnippet, NEVER, toRecord } from '../../../src/search/record.ts'
import { fuse } from '../../../src/search/orama.ts'
import { CORPUS } from '../../support/search-contract.ts'

describe('import progress', () => {
  test('plain lines with rows, rate and ETA when not a terminal', () => {
    const lines: string[] = []
    let t = 0
    const p = progressReporter({ write: (l) => lines.push(l), isTTY: false }, { now: () => t, plainEveryMs: 1000 })
    p.start(1000)
    t = 500; p.advance(100)
    t = 2000; p.advance(300, 'parts.csv')
    p.finish()
    expect(lines).toEqual([
      'import: 400/1,000 rows  200 rows/s  ETA 3s (40%) parts.csv',
      'import: 400/1,000 rows  200 rows/s  ETA 3s (40%) parts.csv',
    ])
  })
  test('a bar redrawn in place on a terminal', () => {
    const lines: string[] = []
    let t = 0
    const p = progressReporter({ write: (l) => lines.push(l), isTTY: true }, { now: () => t })
    p.start(10)
    t = 1000; p.advance(5)
    t = 2000; p.advance(5)
    expect(lines[0]).toStartWith('[############............] 5/10 rows  5 rows/s  ETA 1s')
    expect(lines[1]).toStartWith('\x1b[1A\x1b[2K[########################] 10/10 rows')
    expect(formatDuration(125)).toBe('2m05s')
  })
})

describe('indexed record', () => {
  test('flattens fields, identifiers and dates for both engines', () => {
    const unit = toRecord(CORPUS[0])
    expect(unit).toMatchObject({ make: 'polaris', model: 'sportsman 570', category: 'atv', status: 'in_stock', year: 2026, price: 8799, expiresAt: NEVER })
    expect(unit.ident).toEqual(['N260001', '4XASEE570TH100001', 'TH100001', '100001'])
    expect(unit.keywords).toContain('ATV')
    const part = toRecord(CORPUS[3])
    expect(part.fitment).toEqual(expect.arrayContaining(['polaris|sportsman 570', 'polaris|sportsman 570|2021', 'polaris']))
    expect(part.keywords).toContain('2021')
    expect(toRecord(CORPUS[6]).expiresAt).toBe(Date.parse('2025-12-31'))
  })
  test('content hash ignores key order and changes with content', () => {
    const a = contentHash({ type: 'faq', title: 't', body: 'b', fields: { a: 1, b: 2 } })
    expect(contentHash({ type: 'faq', title: 't', body: 'b', fields: { b: 2, a: 1 } })).toBe(a)
    expect(contentHash({ type: 'faq', title: 't', body: 'b!', fields: { a: 1, b: 2 } })).not.toBe(a)
  })
  test('embedding text stays short for catalogue rows', () => {
    expect(embeddingText(CORPUS[0])).toBe('2026 Polaris Sportsman 570 ATV, new')
    expect(embeddingText(CORPUS[3])).toBe('Oil Filter for Polaris Sportsman 570')
    expect(embeddingText(CORPUS[4]).split(' ').length).toBeLessThanOrEqual(40)
  })
  test('snippets show the body around the first query word', () => {
    const s = makeSnippet('a '.repeat(200) + 'the radiator fins are packed with mud ' + 'b '.repeat(200), 'radiator mud')!
    expect(s).toContain('radiator fins')
    expect(s.startsWith('…')).toBe(true)
  })
})

describe('hybrid fusion', () => {
  test('convex combination of max-normalized sides; ratio 0 and 1 are pure', () => {
    const kw = new Map([['a', 10], ['b', 5]])
    const vec = new Map([['b', 0.8], ['c', 0.4]])
    expect(fuse(kw, vec, 1, 0)).toEqual([['a', 1], ['b', 0.5]])
    expect(fuse(kw, vec, 0, 1)).toEqual([['b', 1], ['c', 0.5]])
    expect(fuse(kw, vec, 0.5, 0.5)).toEqual([['b', 0.75], ['a', 0.5], ['c', 0.25]])
  })
})
