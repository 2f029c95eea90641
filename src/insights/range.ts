import * as v from 'valibot'

/** The filters of the insights page: a date range in the store's time zone, a bucket size and a store. */

export const BUCKETS = ['day', 'week'] as const
export type Bucket = (typeof BUCKETS)[number]

export interface InsightsFilter {
  /** First and last calendar day (inclusive), YYYY-MM-DD in the store's time zone. */
  from: string
  to: string
  bucket: Bucket
  /** A store id, or 'all' for every store the viewer may see. */
  store: string
}

const DAY_MS = 86_400_000
export const MAX_RANGE_DAYS = 366
export const DEFAULT_RANGE_DAYS = 30

const isRealDay = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}
const Day = v.pipe(v.string('must be a date'), v.trim(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD'), v.check(isRealDay, 'is not a calendar date'))

export const FilterInput = v.object({
  from: v.optional(Day),
  to: v.optional(Day),
  bucket: v.optional(v.picklist(BUCKETS, `must be one of ${BUCKETS.join(', ')}`)),
  store: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a store id or all'))),
})

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}

export const addDays = (day: string, n: number) => new Date(new Date(`${day}T00:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10)
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)

/**
 * Fills defaults (the last 30 days, daily up to a month and weekly beyond, the viewer's store) and checks
 * the range; errors name the field.
 */
export function resolveFilter(
  input: v.InferOutput<typeof FilterInput>, ctx: { now: Date; timeZone: string; defaultStore: string },
): { ok: true; filter: InsightsFilter } | { ok: false; error: string } {
  const to = input.to ?? dayIn(ctx.now, ctx.timeZone)
  const from = input.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1))
  if (from > to) return { ok: false, error: 'from: must be on or before to' }
  const days = daysBetween(from, to) + 1
  if (days > MAX_RANGE_DAYS) return { ok: false, error: `to: the range may span at most ${MAX_RANGE_DAYS} days` }
  return { ok: true, filter: { from, to, bucket: input.bucket ?? (days > 31 ? 'week' : 'day'), store: input.store ?? ctx.defaultStore } }
}

/** Monday of the ISO week a day falls in (what PostgreSQL's date_trunc('week') returns). */
export function weekOf(day: string): string {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay()
  return addDays(day, -((dow + 6) % 7))
}

/** Every bucket label of the range, so charts show empty days and weeks as zero rather than skipping them. */
export function bucketLabels(f: Pick<InsightsFilter, 'from' | 'to' | 'bucket'>): string[] {
  const out: string[] = []
  const step = f.bucket === 'week' ? 7 : 1
  for (let d = f.bucket === 'week' ? weekOf(f.from) : f.from; d <= f.to; d = addDays(d, step)) out.push(d)
  return out
}

/** The filter as query-string pairs (links to CSV exports and bucket switches keep the rest). */
export function filterQuery(f: InsightsFilter, patch: Partial<InsightsFilter> = {}): string {
  const x = { ...f, ...patch }
  return new URLSearchParams({ from: x.from, to: x.to, bucket: x.bucket, store: x.store }).toString()
}
