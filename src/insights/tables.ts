import type { SeriesChart } from './aggregate.ts'
import type { QuestionGroup } from './group.ts'
import type { BreachRow, HourCell, KeyedCount, RatingRow, ResolutionRow, ResponseRow } from './queries.ts'

/** The table behind each chart: the CSV export (every key, one row per period and key) and the page's compact form. */

export type Cell = string | number | null
export interface Table { columns: string[]; rows: Cell[][] }

export const TABLE_NAMES = [
  'handoffs-by-tag', 'handoffs-by-department', 'handoffs-by-rule', 'resolution', 'first-response',
  'sla-breaches', 'busiest-hours', 'unanswered-questions', 'answer-ratings', 'chat-ratings',
] as const
export type TableName = (typeof TABLE_NAMES)[number]

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const minutes = (s: number) => Math.round((s / 60) * 10) / 10

export const keyedTable = (label: string, rows: KeyedCount[]): Table =>
  ({ columns: ['period', label, 'handoffs'], rows: rows.map((r) => [r.bucket, r.key, r.n]) })

export const resolutionTable = (rows: ResolutionRow[]): Table => ({
  columns: ['period', 'conversations', 'ai_resolved', 'handed_off'],
  rows: rows.map((r) => [r.bucket, r.conversations, r.conversations - r.handedOff, r.handedOff]),
})

export const responseTable = (rows: ResponseRow[]): Table => ({
  columns: ['priority', 'first_responses', 'median_minutes', 'p90_minutes', 'target_minutes', 'late'],
  rows: rows.map((r) => [r.priority, r.responses, minutes(r.medianSeconds), minutes(r.p90Seconds), r.targetMinutes, r.late]),
})

export const breachTable = (rows: BreachRow[]): Table => ({
  columns: ['period', 'priority', 'handoffs', 'replied_late', 'no_reply_past_target'],
  rows: rows.map((r) => [r.bucket, r.priority, r.handoffs, r.late, r.unanswered]),
})

export const hoursTable = (cells: HourCell[]): Table => ({
  columns: ['weekday', 'hour', 'conversations'],
  rows: [...cells].sort((a, b) => a.weekday - b.weekday || a.hour - b.hour).map((c) => [WEEKDAYS[c.weekday - 1] ?? String(c.weekday), c.hour, c.n]),
})

export const unansweredTable = (groups: QuestionGroup[]): Table => ({
  columns: ['question', 'times_asked', 'last_asked', 'other_wordings'],
  rows: groups.map((g) => [g.representative, g.count, g.lastAsked.toISOString(), g.examples.join(' | ')]),
})

export const answerRatingsTable = (rows: RatingRow[]): Table => {
  const by = new Map<string, [number, number]>()
  for (const r of rows.filter((x) => x.kind === 'answer')) {
    const v = by.get(r.bucket) ?? [0, 0]
    v[r.value > 0 ? 0 : 1] += r.n
    by.set(r.bucket, v)
  }
  return { columns: ['period', 'helpful', 'not_helpful'], rows: [...by].map(([b, [u, d]]) => [b, u, d]) }
}

export const chatRatingsTable = (stars: number[]): Table =>
  ({ columns: ['stars', 'chats'], rows: stars.map((n, i) => [i + 1, n]) })

/**
 * A chart's own figures as the page shows them under it: a period per row, a column per series (the chart's
 * top keys and "other") and the total; the CSV has every key. Wide, so a year is 53 rows, not one per key.
 */
export const seriesTable = (chart: SeriesChart): Table => ({
  columns: ['period', ...chart.series.map((s) => s.key), 'total'],
  rows: chart.buckets.map((b, i) => {
    const vals = chart.series.map((s) => s.values[i])
    return [b, ...vals, vals.reduce((a, x) => a + x, 0)]
  }),
})

/** The busiest-hours grid (Monday first) as a weekday per row and an hour per column. */
export const hoursGridTable = (grid: number[][]): Table => ({
  columns: ['weekday', ...Array.from({ length: 24 }, (_, h) => `${h}:00`)],
  rows: grid.map((row, d) => [WEEKDAYS[d], ...row]),
})

/**
 * RFC 4180 CSV. A text cell starting with = + - @ (or a tab/CR) gets a leading apostrophe: rider text
 * must not run as a formula when a dealer opens the file in a spreadsheet.
 */
export function toCsv(t: Table): string {
  const cell = (c: Cell) => {
    if (c === null || c === undefined) return ''
    if (typeof c === 'number') return String(c)
    const safe = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }
  return [t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}
