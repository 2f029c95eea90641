import type { BreachRow, HourCell, KeyedCount, ResolutionRow, ResponseRow, RatingRow } from './queries.ts'

/** Pure shaping of query rows into chart series and CSV tables (tested without a database). */

export interface Series { key: string; values: number[] }
export interface SeriesChart { buckets: string[]; series: Series[] }

export const OTHER = 'other'

/** Buckets x keys, the `top` keys by total kept and the rest summed into "other"; missing buckets are zero. */
export function pivot(rows: KeyedCount[], buckets: string[], top = 6): SeriesChart {
  const totals = new Map<string, number>()
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.n)
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k)
  const keep = new Set(ranked.length > top ? ranked.slice(0, top - 1) : ranked)
  const keys = [...ranked.filter((k) => keep.has(k)), ...(ranked.length > keep.size ? [OTHER] : [])]
  const index = new Map(buckets.map((b, i) => [b, i]))
  const series = keys.map((key) => ({ key, values: buckets.map(() => 0) }))
  const byKey = new Map(series.map((s) => [s.key, s]))
  for (const r of rows) {
    const i = index.get(r.bucket)
    if (i === undefined) continue
    byKey.get(keep.has(r.key) ? r.key : OTHER)!.values[i] += r.n
  }
  return { buckets, series }
}

export interface ResolutionSummary extends SeriesChart { conversations: number; aiResolved: number; handedOff: number }

/** Resolved by the AI (never handed to a person) vs handed off, per bucket and in total. */
export function resolutionChart(rows: ResolutionRow[], buckets: string[]): ResolutionSummary {
  const index = new Map(buckets.map((b, i) => [b, i]))
  const ai = buckets.map(() => 0), handed = buckets.map(() => 0)
  for (const r of rows) {
    const i = index.get(r.bucket)
    if (i === undefined) continue
    ai[i] += r.conversations - r.handedOff; handed[i] += r.handedOff
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  return {
    buckets,
    series: [{ key: 'AI resolved', values: ai }, { key: 'handed off', values: handed }],
    conversations: sum(ai) + sum(handed), aiResolved: sum(ai), handedOff: sum(handed),
  }
}

/** Share as a whole percentage ("62%"), or "–" when there is nothing to divide. */
export const percent = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–')

/** Late replies and unanswered-past-target handoffs per bucket, one series per priority (ordered as the rules order them). */
export function breachChart(rows: BreachRow[], buckets: string[], priorityOrder: string[]): SeriesChart {
  const keys = [...new Set(rows.map((r) => r.priority))].sort((a, b) => rank(priorityOrder, a) - rank(priorityOrder, b))
  const index = new Map(buckets.map((b, i) => [b, i]))
  const series = keys.map((key) => ({ key, values: buckets.map(() => 0) }))
  for (const r of rows) {
    const i = index.get(r.bucket)
    if (i !== undefined) series[keys.indexOf(r.priority)].values[i] += r.late + r.unanswered
  }
  return { buckets, series }
}

const rank = (order: string[], k: string) => (order.includes(k) ? order.indexOf(k) : order.length)

export const sortByPriority = (rows: ResponseRow[], order: string[]) => [...rows].sort((a, b) => rank(order, a.priority) - rank(order, b.priority))

/** 7 x 24 counts, Monday first, in the store's time zone. */
export function heatmap(cells: HourCell[]): number[][] {
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0))
  for (const c of cells) if (c.weekday >= 1 && c.weekday <= 7 && c.hour >= 0 && c.hour < 24) grid[c.weekday - 1][c.hour] += c.n
  return grid
}

export interface RatingSummary { answers: SeriesChart; helpful: number; notHelpful: number; stars: number[]; chats: number; average: number | null }

/** Thumbs on AI answers per bucket, and the 1-5 distribution of whole-chat ratings. */
export function ratingSummary(rows: RatingRow[], buckets: string[]): RatingSummary {
  const index = new Map(buckets.map((b, i) => [b, i]))
  const up = buckets.map(() => 0), down = buckets.map(() => 0)
  const stars = [0, 0, 0, 0, 0]
  for (const r of rows) {
    if (r.kind === 'answer') {
      const i = index.get(r.bucket)
      if (i !== undefined) (r.value > 0 ? up : down)[i] += r.n
    } else if (r.value >= 1 && r.value <= 5) stars[r.value - 1] += r.n
  }
  const chats = stars.reduce((a, b) => a + b, 0)
  return {
    answers: { buckets, series: [{ key: 'helpful', values: up }, { key: 'not helpful', values: down }] },
    helpful: up.reduce((a, b) => a + b, 0), notHelpful: down.reduce((a, b) => a + b, 0),
    stars, chats, average: chats ? stars.reduce((a, n, i) => a + n * (i + 1), 0) / chats : null,
  }
}

/** "4 min", "1.5 h", "45 s": response times as staff read them. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–'
  if (seconds < 90) return `${Math.round(seconds)} s`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`
  return `${(seconds / 86400).toFixed(1).replace(/\.0$/, '')} d`
}
