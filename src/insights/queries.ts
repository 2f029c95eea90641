import { sql, type SQL } from 'drizzle-orm'
import { rows, type Db } from '../db/client.ts'
import { FACT_COLUMNS, factsSql, METRICS, startOf, type FactGroup } from './daily.ts'
import type { Bucket } from './range.ts'
import { livePlan, type Plan } from './rollup.ts'

/**
 * The figures of the insights page, summed from daily facts (daily.ts): rolled-up days from
 * `insights_daily`, the rest (today) computed live from `events` by the same SQL, then grouped by day or
 * week here. Percentiles are exact: a rollup keeps every reply's waited time.
 */

export interface Scope {
  storeIds: string[]
  /** Inclusive calendar days in `timeZone`. */
  from: string
  to: string
  bucket: Bucket
  timeZone: string
  now: Date
  /** An AI answer below this retrieval confidence counts as unanswered (the rules' low_confidence default). */
  lowConfidence: number
  /** Which days come from rollups (rollup.ts planFor); without one, everything is computed live from `events`. */
  plan?: Plan
}

/**
 * One aggregate query in its own short transaction with JIT off, room to sort in memory and no parallel
 * workers: these queries read thousands of rows, and compiling or starting workers costs more than that.
 */
async function analytic<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('jit', 'off', true), set_config('work_mem', '32MB', true), set_config('max_parallel_workers_per_gather', '0', true)`)
    return rows<T>(tx as unknown as Db, query)
  })
}

/** The fact rows of one group for the scope: rolled-up days and live days, each named explicitly. */
function facts(q: Scope, group: FactGroup): SQL {
  const plan = q.plan ?? livePlan(q)
  const parts: SQL[] = []
  if (plan.rolled.length) {
    const days = plan.rolled.map((r) => sql`(store_id = ${r.storeId} and day between ${r.from}::date and ${r.to}::date)`)
    parts.push(sql`select ${FACT_COLUMNS} from insights_daily where time_zone = ${q.timeZone}
      and metric in (${sql.raw(METRICS[group].map((m) => `'${m}'`).join(', '))}) and (${sql.join(days, sql` or `)})`)
  }
  if (plan.live.length || !parts.length) parts.push(sql`select ${FACT_COLUMNS} from (${factsSql(group, plan.live, q.timeZone, 'live')}) l`)
  return sql.join(parts, sql` union all `)
}
/** The bucket label of a day or week (date_trunc('week') starts on Monday). */
const bucketOf = (b: SQL) => sql`to_char(${b}, 'YYYY-MM-DD')`
const truncated = (q: Scope) => sql`date_trunc(${q.bucket}, coalesce(f.local_day, f.day)::timestamp)`
const from = (q: Scope) => sql`${q.from}::date`
/** Events of one kind in the range, as the (store_id, kind, created_at) index reads them. */
const kindIn = (q: Scope, kind: string) => sql`e.store_id in (${sql.join(q.storeIds.map((id) => sql`${id}`), sql`, `)}) and e.kind = ${sql.raw(`'${kind}'`)}
  and e.created_at >= ${startOf(q.from, q.timeZone)} and e.created_at < ${startOf(sql`(${q.to}::date + 1)`, q.timeZone)}`

/** A chart's query: its SQL (ordered as the chart and CSV want it) and how its rows become the chart's input. */
interface Figure<R, T> { query: SQL; order: SQL; shape(rows: R[]): T }
const figure = <R, T>(f: Figure<R, T>) => f

export interface KeyedCount { bucket: string; key: string; n: number }
export type HandoffDimension = 'tag' | 'department' | 'rule'
export type HandoffCounts = Record<HandoffDimension, KeyedCount[]>

/** Handoffs from the AI per bucket by tag, department and rule (a handoff with two tags counts for each tag). */
const handoffsFigure = (q: Scope) => figure({
  query: sql`
    select dim, ${bucketOf(sql`b`)} as bucket, key, n from (
      select f.metric as dim, ${truncated(q)} as b, f.key, sum(f.n)::int as n from (${facts(q, 'handoffs')}) f group by 1, 2, 3) x`,
  order: sql`dim, bucket, key`,
  shape: (r: Array<{ dim: HandoffDimension; bucket: string; key: string; n: number }>) => {
    const out: HandoffCounts = { tag: [], department: [], rule: [] }
    for (const x of r) out[x.dim]?.push({ bucket: x.bucket, key: x.key, n: Number(x.n) })
    return out
  },
})

export interface ResolutionRow { bucket: string; conversations: number; handedOff: number }
export interface HourCell { weekday: number; hour: number; n: number }
export interface Starts { resolution: ResolutionRow[]; hours: HourCell[] }
export type StartsRow = { bucket: string | null; weekday: number | null; hour: number | null; conversations: number; handed_off: number }

/** Rows with a bucket are the resolution series; rows without one are heatmap cells. */
export function startsFromRows(r: StartsRow[]): Starts {
  const resolution: ResolutionRow[] = [], hours: HourCell[] = []
  for (const x of r) {
    if (x.bucket != null) resolution.push({ bucket: x.bucket, conversations: Number(x.conversations), handedOff: Number(x.handed_off) })
    else hours.push({ weekday: Number(x.weekday), hour: Number(x.hour), n: Number(x.conversations) })
  }
  resolution.sort((a, b) => a.bucket.localeCompare(b.bucket))
  return { resolution, hours }
}

/**
 * Conversations started in the range, by the day they started, and how many of them were handed to a
 * person (at any time since the range began); and the same starts by weekday and hour.
 */
const startsFigure = (q: Scope) => figure({
  query: sql`
    with f as (${facts(q, 'starts')})
    select ${bucketOf(sql`b`)} as bucket, weekday, hour, conversations, handed_off from (
      select ${truncated(q)} as b, null::int as weekday, null::int as hour, sum(f.n)::int as conversations,
        coalesce(sum(f.n) filter (where f.ref >= ${from(q)}), 0)::int as handed_off
      from f where f.metric = 'opened' group by 1
      union all
      select null, extract(isodow from coalesce(f.local_day, f.day))::int, h.hour::int - 1, sum(h.n)::int, 0
      from f cross join lateral unnest(f.waits) with ordinality as h(n, hour) where f.metric = 'hours' group by 2, 3 having sum(h.n) > 0) x`,
  order: sql`bucket, weekday, hour`,
  shape: startsFromRows,
})

export interface ResponseRow { priority: string; responses: number; medianSeconds: number; p90Seconds: number; targetMinutes: number | null; late: number }

/** Time from a handoff to the first public staff reply, by priority, against the target recorded with the handoff. */
const responseFigure = (q: Scope) => figure({
  query: sql`
    select key as priority, count(*)::int as responses,
      percentile_cont(0.5) within group (order by value) as median, percentile_cont(0.9) within group (order by value) as p90,
      max(target) as target, count(*) filter (where value > target * 60)::int as late
    from (select f.key, u.value, u.target from (${facts(q, 'response')}) f cross join lateral unnest(f.waits, f.targets) as u(value, target)) x
    group by 1`,
  order: sql`priority`,
  shape: (r: Array<{ priority: string; responses: number; median: number; p90: number; target: number | null; late: number }>): ResponseRow[] => r.map((x) => ({
    priority: x.priority, responses: Number(x.responses), medianSeconds: Number(x.median), p90Seconds: Number(x.p90),
    targetMinutes: x.target == null ? null : Number(x.target), late: Number(x.late),
  })),
})

export interface BreachRow { bucket: string; priority: string; handoffs: number; late: number; unanswered: number }

/**
 * Handoffs with a target, by the bucket they happened in: answered after the target, or not answered at all
 * and already past it. A reply counts when it falls on or after the range's first day; a handoff with none counts once.
 */
const breachFigure = (q: Scope) => {
  const replied = sql`f.metric = 'breach' and f.ref >= ${from(q)}`
  const unreplied = sql`f.metric = 'breach_handoff' and (f.ref is null or f.ref < ${from(q)})`
  return figure({
    query: sql`
      select ${bucketOf(sql`b`)} as bucket, priority, handoffs, late, unanswered from (
        select ${truncated(q)} as b, f.key as priority,
          (coalesce(sum(f.n) filter (where ${replied}), 0) + coalesce(sum(f.n) filter (where ${unreplied}), 0))::int as handoffs,
          coalesce(sum(f.late) filter (where ${replied}), 0)::int as late,
          coalesce(sum(f.n) filter (where ${unreplied} and f.due_at < ${q.now.toISOString()}::timestamptz), 0)::int as unanswered
        from (${facts(q, 'breach')}) f group by 1, 2) x`,
    order: sql`bucket, priority`,
    shape: (r: BreachRow[]): BreachRow[] => r.map((x) => ({ bucket: x.bucket, priority: x.priority, handoffs: Number(x.handoffs), late: Number(x.late), unanswered: Number(x.unanswered) })),
  })
}

export interface RatingRow { bucket: string; kind: 'answer' | 'chat'; value: number; n: number }

/** Rider ratings per bucket and value; a changed vote counts once, as its latest value inside the range. */
const ratingFigure = (q: Scope) => figure({
  query: sql`
    select ${bucketOf(sql`b`)} as bucket, kind, value, n from (
      select ${truncated(q)} as b, f.key as kind, f.value::int as value, sum(f.n)::int as n
      from (${facts(q, 'rating')}) f
      where (f.ref is null or f.ref > ${q.to}::date) and (f.ref2 is null or f.ref2 < ${from(q)})
      group by 1, 2, 3) x`,
  order: sql`bucket, kind, value`,
  shape: (r: RatingRow[]): RatingRow[] => r.map((x) => ({ bucket: x.bucket, kind: x.kind, value: Number(x.value), n: Number(x.n) })),
})

const one = async <R, T>(db: Db, f: Figure<R, T>): Promise<T> => f.shape(await analytic<R>(db, sql`${f.query} order by ${f.order}`))

export const handoffs = (db: Db, q: Scope) => one(db, handoffsFigure(q))
export const conversationStarts = (db: Db, q: Scope) => one(db, startsFigure(q))
export const firstResponse = (db: Db, q: Scope) => one(db, responseFigure(q))
export const breaches = (db: Db, q: Scope) => one(db, breachFigure(q))
export const ratingCounts = (db: Db, q: Scope) => one(db, ratingFigure(q))

export interface Figures { handoffs: HandoffCounts; starts: Starts; response: ResponseRow[]; breaches: BreachRow[]; ratings: RatingRow[] }

/**
 * All five charts in one statement (one round trip; PGlite runs queries one at a time anyway), each as a
 * JSON array in its chart's order. JSON keeps float8 exact: PostgreSQL prints the shortest round-trip form.
 */
export async function figures(db: Db, q: Scope): Promise<Figures> {
  const f = { handoffs: handoffsFigure(q), starts: startsFigure(q), response: responseFigure(q), breaches: breachFigure(q), ratings: ratingFigure(q) }
  const cols = Object.entries(f).map(([name, x]) =>
    sql`(select coalesce(json_agg(x order by ${x.order}), '[]') from (${x.query}) x) as ${sql.identifier(name)}`)
  const [r] = await analytic<Record<keyof Figures, unknown>>(db, sql`select ${sql.join(cols, sql`, `)}`)
  const arr = <T,>(v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T[]
  return {
    handoffs: f.handoffs.shape(arr(r.handoffs)), starts: f.starts.shape(arr(r.starts)), response: f.response.shape(arr(r.response)),
    breaches: f.breaches.shape(arr(r.breaches)), ratings: f.ratings.shape(arr(r.ratings)),
  }
}

export interface UnansweredRow { text: string; at: Date; conversationId: string; confidence: number }

/**
 * The newest rider questions whose AI answer had low retrieval confidence (the raw material for grouping):
 * live from `events`, bounded by `limit`, read newest first down the index whatever the range.
 */
export async function unanswered(db: Db, q: Scope, limit = 500): Promise<UnansweredRow[]> {
  const r = await analytic<{ text: string; at: string | Date; conversation_id: string; confidence: number }>(db, sql`
    select m.body as text, e.created_at as at, e.conversation_id, (e.data->>'confidence')::float8 as confidence
    from events e join messages m on m.id = (e.data->>'questionId')::uuid
    where ${kindIn(q, 'answer')} and (e.data->>'confidence')::float8 < ${q.lowConfidence}
    order by e.created_at desc limit ${limit}`)
  return r.map((x) => ({ text: x.text, at: new Date(x.at), conversationId: x.conversation_id, confidence: Number(x.confidence) }))
}
