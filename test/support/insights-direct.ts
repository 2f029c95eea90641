import { sql, type SQL } from 'drizzle-orm'
import { rows, type Db } from '../../src/db/client.ts'
import { startsFromRows } from '../../src/insights/queries.ts'
import type {
  BreachRow, HandoffCounts, HandoffDimension, HourCell, RatingRow, ResolutionRow, ResponseRow, Scope, StartsRow,
} from '../../src/insights/queries.ts'

/**
 * The insights queries as first written: every figure straight from `events` over the whole range. The
 * rollups (src/insights/rollup.ts) are tested against these, and bench/insights.ts uses them as its baseline.
 */

/**
 * One aggregate query in its own short transaction with JIT off and room to sort in memory: with JIT on,
 * PostgreSQL spends longer compiling these plans (a second, measured) than running them.
 */
async function analytic<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`)
    return rows<T>(tx as unknown as Db, query)
  })
}

const stores = (q: Scope) => sql`e.store_id in (${sql.join(q.storeIds.map((id) => sql`${id}`), sql`, `)})`
const start = (q: Scope) => sql`(${q.from}::timestamp at time zone ${q.timeZone})`
const end = (q: Scope) => sql`((${q.to}::date + 1)::timestamp at time zone ${q.timeZone})`
/** Events of one kind in the range, as the index reads them. */
const kindIn = (q: Scope, kind: string) => sql`${stores(q)} and e.kind = ${kind} and e.created_at >= ${start(q)} and e.created_at < ${end(q)}`
const bucketOf = (q: Scope, col: SQL = sql`e.created_at`) => sql`to_char(date_trunc(${q.bucket}, ${col} at time zone ${q.timeZone}), 'YYYY-MM-DD')`
/** A handoff from the AI (not a re-route of a conversation already waiting); older events have no `from`. */
const fromBot = sql`coalesce(e.data->>'from', 'bot') = 'bot'`


/**
 * Handoffs from the AI per bucket by tag, department and rule in one scan (a handoff with two tags counts
 * for each tag).
 */
export async function handoffs(db: Db, q: Scope): Promise<HandoffCounts> {
  const r = await analytic<{ dim: HandoffDimension; bucket: string; key: string; n: number }>(db, sql`
    select k.dim, ${bucketOf(q)} as bucket, k.key, count(*)::int as n
    from events e cross join lateral (
      select 'tag' as dim, t as key from jsonb_array_elements_text(coalesce(e.data->'tags', '[]'::jsonb)) t
      union all select 'rule', t from jsonb_array_elements_text(coalesce(e.data->'rules', '[]'::jsonb)) t
      union all select 'department', coalesce(e.data->>'department', '(none)')) k
    where ${kindIn(q, 'handoff')} and ${fromBot}
    group by 1, 2, 3 order by 1, 2, 3`)
  const out: HandoffCounts = { tag: [], department: [], rule: [] }
  for (const x of r) out[x.dim]?.push({ bucket: x.bucket, key: x.key, n: Number(x.n) })
  return out
}


/**
 * Conversations started in the range, by the day they started, and how many of them were handed to a
 * person (at any time since); and the same starts by weekday and hour.
 */
export async function conversationStarts(db: Db, q: Scope): Promise<{ resolution: ResolutionRow[]; hours: HourCell[] }> {
  const r = await analytic<StartsRow>(db, sql`
    with o as (select e.conversation_id, e.created_at at time zone ${q.timeZone} as local from events e where ${kindIn(q, 'opened')}),
    h as (select distinct e.conversation_id from events e where ${stores(q)} and e.kind = 'handoff' and e.created_at >= ${start(q)} and ${fromBot})
    select bucket, weekday, hour, count(*)::int as conversations, count(handed)::int as handed_off
    from (
      select to_char(date_trunc(${q.bucket}, o.local), 'YYYY-MM-DD') as bucket,
        extract(isodow from o.local)::int as weekday, extract(hour from o.local)::int as hour, h.conversation_id as handed
      from o left join h on h.conversation_id = o.conversation_id) x
    group by grouping sets ((bucket), (weekday, hour))`)
  return startsFromRows(r)
}


/** Time from a handoff to the first public staff reply, by priority, against the target recorded with the handoff. */
export async function firstResponse(db: Db, q: Scope): Promise<ResponseRow[]> {
  const r = await analytic<{ priority: string; responses: number; median: number; p90: number; target: number | null; late: number }>(db, sql`
    select coalesce(e.data->>'priority', '(none)') as priority, count(*)::int as responses,
      percentile_cont(0.5) within group (order by (e.data->>'waitedSeconds')::float8) as median,
      percentile_cont(0.9) within group (order by (e.data->>'waitedSeconds')::float8) as p90,
      max((e.data->>'targetMinutes')::float8) as target,
      count(*) filter (where (e.data->>'waitedSeconds')::float8 > (e.data->>'targetMinutes')::float8 * 60)::int as late
    from events e where ${kindIn(q, 'first_response')}
    group by 1 order by 1`)
  return r.map((x) => ({
    priority: x.priority, responses: Number(x.responses), medianSeconds: Number(x.median), p90Seconds: Number(x.p90),
    targetMinutes: x.target == null ? null : Number(x.target), late: Number(x.late),
  }))
}


/**
 * Handoffs with a target, by the bucket they happened in: answered after the target, or not answered at all
 * and already past it.
 */
export async function breaches(db: Db, q: Scope): Promise<BreachRow[]> {
  const r = await analytic<{ bucket: string; priority: string; handoffs: number; late: number; unanswered: number }>(db, sql`
    with h as (
      select e.id, e.created_at, coalesce(e.data->>'priority', '(none)') as priority, (e.data->>'targetMinutes')::float8 as target
      from events e where ${kindIn(q, 'handoff')} and ${fromBot} and e.data->>'targetMinutes' is not null),
    r as (
      select (e.data->>'handoffId')::bigint as handoff_id, (e.data->>'waitedSeconds')::float8 as waited
      from events e where ${stores(q)} and e.kind = 'first_response' and e.created_at >= ${start(q)})
    select ${bucketOf(q, sql`h.created_at`)} as bucket, h.priority, count(*)::int as handoffs,
      count(*) filter (where r.waited > h.target * 60)::int as late,
      count(*) filter (where r.handoff_id is null and h.created_at + make_interval(mins => h.target::int) < ${q.now.toISOString()}::timestamptz)::int as unanswered
    from h left join r on r.handoff_id = h.id
    group by 1, 2 order by 1, 2`)
  return r.map((x) => ({ bucket: x.bucket, priority: x.priority, handoffs: Number(x.handoffs), late: Number(x.late), unanswered: Number(x.unanswered) }))
}

/** Rider ratings per bucket and value; a changed vote counts once, as its latest value. */
export async function ratingCounts(db: Db, q: Scope): Promise<RatingRow[]> {
  const r = await analytic<{ bucket: string; kind: 'answer' | 'chat'; value: number; n: number }>(db, sql`
    with latest as (
      select distinct on (e.conversation_id, e.data->>'kind', coalesce(e.data->>'messageId', ''))
        e.created_at, e.data->>'kind' as kind, (e.data->>'value')::int as value
      from events e where ${kindIn(q, 'rating')}
      order by e.conversation_id, e.data->>'kind', coalesce(e.data->>'messageId', ''), e.id desc)
    select ${bucketOf(q, sql`latest.created_at`)} as bucket, kind, value, count(*)::int as n
    from latest group by 1, 2, 3 order by 1, 2, 3`)
  return r.map((x) => ({ bucket: x.bucket, kind: x.kind, value: Number(x.value), n: Number(x.n) }))
}
