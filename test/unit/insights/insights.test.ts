import { describe, expect, test } from 'bun:test'
import { breachChart, duration, heatmap, percent, pivot, ratingSummary, resolutionChart } from '../../../src/insights/aggregate.ts'
import { groupQuestions, similarity, tokens } from '../../../src/insights/group.ts'
import { bucketLabels, dayIn, resolveFilter, weekOf } from '../../../src/insights/range.ts'
import { hoursGridTable, seriesTable, toCsv } from '../../../src/insights/tables.ts'
import { livePlan, toRuns } from '../../../src/insights/rollup.ts'

const NOW = new Date('2026-11-20T15:00:00Z')
const ctx = { now: NOW, timeZone: 'America/Chicago', defaultStore: 'demo' }

describe('filters and buckets', () => {
  test('defaults: the last 30 days in the store time zone, daily', () => {
    const r = resolveFilter({}, ctx)
    expect(r).toEqual({ ok: true, filter: { from: '2026-10-22', to: '2026-11-20', bucket: 'day', store: 'demo' } })
  })
  test('the store day, not the UTC day', () => {
    expect(dayIn(new Date('2026-11-21T03:00:00Z'), 'America/Chicago')).toBe('2026-11-20')
    expect(dayIn(new Date('2026-11-21T03:00:00Z'), 'UTC')).toBe('2026-11-21')
  })
  test('ranges over a month default to weeks; a reversed or too long range is refused naming the field', () => {
    const long = resolveFilter({ from: '2026-01-01', to: '2026-03-01' }, ctx)
    expect(long.ok && long.filter.bucket).toBe('week')
    expect(resolveFilter({ from: '2026-11-10', to: '2026-11-01' }, ctx)).toEqual({ ok: false, error: 'from: must be on or before to' })
    const far = resolveFilter({ from: '2024-01-01', to: '2026-01-01' }, ctx)
    expect(far.ok).toBe(false)
    expect(!far.ok && far.error).toStartWith('to:')
  })
  test('every bucket of the range, empty ones included; weeks start on Monday like date_trunc', () => {
    expect(bucketLabels({ from: '2026-02-27', to: '2026-03-02', bucket: 'day' })).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'])
    expect(weekOf('2026-11-22')).toBe('2026-11-16') // a Sunday belongs to the week starting Monday the 16th
    expect(bucketLabels({ from: '2026-11-04', to: '2026-11-20', bucket: 'week' })).toEqual(['2026-11-02', '2026-11-09', '2026-11-16'])
  })
})

describe('aggregation', () => {
  const buckets = ['2026-11-01', '2026-11-02']
  test('pivot keeps the top keys, folds the rest into other, and zero-fills', () => {
    const rows = [
      { bucket: '2026-11-01', key: 'financing', n: 5 }, { bucket: '2026-11-02', key: 'financing', n: 1 },
      { bucket: '2026-11-02', key: 'service', n: 4 }, { bucket: '2026-11-01', key: 'parts', n: 1 }, { bucket: '2026-11-02', key: 'trade-in', n: 2 },
      { bucket: '2026-10-01', key: 'service', n: 99 }, // outside the buckets: ignored
    ]
    const c = pivot(rows, buckets, 3)
    expect(c.series).toEqual([
      { key: 'service', values: [0, 4] }, { key: 'financing', values: [5, 1] }, { key: 'other', values: [1, 2] },
    ])
    expect(pivot(rows.slice(0, 2), buckets).series).toEqual([{ key: 'financing', values: [5, 1] }])
  })
  test('resolution: AI-resolved and handed off add up to the conversations', () => {
    const r = resolutionChart([{ bucket: '2026-11-01', conversations: 10, handedOff: 3 }, { bucket: '2026-11-02', conversations: 4, handedOff: 4 }], buckets)
    expect(r.series.map((s) => s.values)).toEqual([[7, 0], [3, 4]])
    expect([r.conversations, r.aiResolved, r.handedOff]).toEqual([14, 7, 7])
    expect(percent(7, 14)).toBe('50%')
    expect(percent(1, 0)).toBe('–')
  })
  test('breaches sum late and unanswered per priority, in the rules order', () => {
    const c = breachChart([
      { bucket: '2026-11-01', priority: 'normal', handoffs: 5, late: 1, unanswered: 1 },
      { bucket: '2026-11-02', priority: 'stranded-rider', handoffs: 2, late: 1, unanswered: 0 },
    ], buckets, ['stranded-rider', 'hot-lead', 'normal'])
    expect(c.series).toEqual([{ key: 'stranded-rider', values: [0, 1] }, { key: 'normal', values: [2, 0] }])
  })
  test('heatmap is Monday-first, 7 x 24', () => {
    const g = heatmap([{ weekday: 1, hour: 9, n: 3 }, { weekday: 7, hour: 23, n: 2 }, { weekday: 8, hour: 1, n: 50 }])
    expect(g.length).toBe(7)
    expect(g[0][9]).toBe(3)
    expect(g[6][23]).toBe(2)
    expect(g.flat().reduce((a, b) => a + b)).toBe(5)
  })
  test('ratings: thumbs per bucket, star distribution and average', () => {
    const r = ratingSummary([
      { bucket: '2026-11-01', kind: 'answer', value: 1, n: 3 }, { bucket: '2026-11-02', kind: 'answer', value: -1, n: 1 },
      { bucket: '2026-11-01', kind: 'chat', value: 5, n: 2 }, { bucket: '2026-11-02', kind: 'chat', value: 2, n: 1 },
    ], buckets)
    expect(r.answers.series).toEqual([{ key: 'helpful', values: [3, 0] }, { key: 'not helpful', values: [0, 1] }])
    expect(r.stars).toEqual([0, 1, 0, 0, 2])
    expect(r.average).toBe(4)
    expect(ratingSummary([], buckets).average).toBeNull()
  })
  test('durations read like staff talk', () => {
    expect([duration(40), duration(600), duration(5400), duration(200000)]).toEqual(['40 s', '10 min', '1.5 h', '2.3 d'])
  })
})

describe('grouping unanswered questions', () => {
  const q = (text: string, minute: number) => ({ text, at: new Date(NOW.getTime() + minute * 60_000), conversationId: `c${minute}`, confidence: 0.1 })
  test('tokens drop stop words and light suffixes', () => {
    expect([...tokens('Do you have any Tires for my Grizzly?')].sort()).toEqual(['grizzly', 'tire'])
  })
  test('similar wordings group together; unrelated questions stay apart; largest group first', () => {
    const groups = groupQuestions([
      q('do you sell tires for a grizzly', 1),
      q('Do you have grizzly tires?', 2),
      q('grizzly tire prices', 3),
      q('can I rent a jet ski for the weekend', 4),
      q('do you rent jet skis', 5),
      q('what is your return policy on helmets', 6),
    ])
    expect(groups.map((g) => g.count)).toEqual([3, 2, 1])
    expect(groups[0].representative).toBe('grizzly tire prices') // the newest wording
    expect(groups[0].examples).toEqual(['Do you have grizzly tires?', 'do you sell tires for a grizzly'])
    expect(groups[1].representative).toBe('do you rent jet skis')
    expect(groups[2].conversationIds).toEqual(['c6'])
  })
  test('identical wording always joins, even when it has no content words', () => {
    const groups = groupQuestions([q('hello?', 1), q('Hello?', 2)])
    expect(groups.length).toBe(1)
    expect(groups[0].count).toBe(2)
    expect(similarity(new Set(), new Set(['a']))).toBe(0)
  })
})

describe('CSV', () => {
  test('quotes commas, quotes and newlines; defuses spreadsheet formulas in text', () => {
    const csv = toCsv({ columns: ['question', 'n'], rows: [['tires, tubes', 2], ['say "hi"\nnow', 1], ['=HYPERLINK("x")', 3], ['-5 off?', null]] })
    expect(csv).toBe('question,n\r\n"tires, tubes",2\r\n"say ""hi""\nnow",1\r\n"\'=HYPERLINK(""x"")",3\r\n\'-5 off?,\r\n')
  })

  test('the page tables show what the chart shows: a period per row, a column per series and the total', () => {
    const chart = pivot([{ bucket: 'd1', key: 'a', n: 2 }, { bucket: 'd2', key: 'b', n: 1 }, { bucket: 'd2', key: 'c', n: 4 }], ['d1', 'd2', 'd3'], 2)
    expect(seriesTable(chart)).toEqual({ columns: ['period', 'c', 'other', 'total'], rows: [['d1', 0, 2, 2], ['d2', 4, 1, 5], ['d3', 0, 0, 0]] })
    const grid = heatmap([{ weekday: 7, hour: 23, n: 3 }])
    const t = hoursGridTable(grid)
    expect(t.columns).toHaveLength(25)
    expect(t.rows.map((r) => r[0])).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])
    expect(t.rows[6][24]).toBe(3)
  })
})

describe('rollup plans', () => {
  test('days become inclusive runs, split where a day is missing (also across a month end)', () => {
    expect(toRuns('demo', ['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-03'])).toEqual([
      { storeId: 'demo', from: '2026-10-30', to: '2026-11-01' }, { storeId: 'demo', from: '2026-11-03', to: '2026-11-03' },
    ])
    expect(toRuns('demo', [])).toEqual([])
  })
  test('without rollups every store reads the whole range live', () => {
    expect(livePlan({ storeIds: ['a', 'b'], from: '2026-11-01', to: '2026-11-24' })).toEqual({
      rolled: [], live: [{ storeId: 'a', from: '2026-11-01', to: '2026-11-24' }, { storeId: 'b', from: '2026-11-01', to: '2026-11-24' }],
    })
  })
})
