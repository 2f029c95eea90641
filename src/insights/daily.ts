import { sql, type SQL } from 'drizzle-orm'

/**
 * Daily facts: the additive pieces every insights figure is summed from, per store day. The same SQL fills
 * `insights_daily` for complete days (rollup.ts) and computes the uncovered days (today) live from `events`,
 * so a figure read from rollups and one read live cannot drift apart.
 *
 * Every fact row has: store_id; day, the store day of the counted event (see `storeDay`); local_day, the
 * calendar day to chart it on when that differs; metric; n, how many events. Per metric:
 *   tag | department | rule  handoffs from the AI            key = tag / department / rule
 *   opened                   conversations started           ref = store day of the conversation's latest handoff from the AI
 *   hours                    conversations started           waits = the day's 24 counts by hour (0-23): one row a day, not 24
 *   response                 first staff replies             key = priority, waits / targets = each reply's waited seconds and
 *                                                            target minutes (every value kept: percentiles stay exact)
 *   breach                   replies to handoffs with a target key = priority, ref = store day of the reply, late = replied after the target
 *   breach_handoff           handoffs with a target          key = priority, ref = store day of their latest reply,
 *                                                            due_at = when the target passes (only when no reply on or after the day)
 *   rating                   rider ratings                   key = answer | chat, value = the rating, ref / ref2 = store day of the
 *                                                            earliest later vote on or after the day / latest later vote before it
 * `ref` days let one rollup row answer "was there a handoff / reply / newer vote inside the range?" for any range.
 * Assumes what the pipeline guarantees: a conversation's events share its store, and a reply's handoff is in its conversation.
 */

/** An inclusive run of store days of one store, in the scope's time zone. */
export interface Run { storeId: string; from: string; to: string }

export const FACT_COLUMNS = sql.raw('store_id, day, local_day, metric, key, ref, ref2, value, due_at, n, late, waits, targets')

export const startOf = (day: SQL | string, tz: string) => sql`(${day}::timestamp at time zone ${tz})`
const localDate = (t: SQL, tz: string) => sql`(${t} at time zone ${tz})::date`

/**
 * The store day an instant belongs to: the day D with start(D) <= t < start(D + 1), which is what the range
 * filter `created_at >= start(from)` selects. It is the local date except when midnight repeats (PostgreSQL
 * takes the later one), e.g. America/Havana falling back from 01:00 to 00:00.
 */
export function storeDay(t: SQL, tz: string): SQL {
  const d = localDate(t, tz)
  return sql`(case when ${t} < ${startOf(d, tz)} then ${d} - 1 when ${t} >= ${startOf(sql`(${d} + 1)`, tz)} then ${d} + 1 else ${d} end)`
}
const localIfOther = (t: SQL, tz: string) => sql`nullif(${localDate(t, tz)}, ${storeDay(t, tz)})`

/** Events of one kind in the runs' days, as the (store_id, kind, created_at) index reads them. */
export function inRuns(alias: string, kind: string, runs: Run[], tz: string): SQL {
  const e = sql.raw(alias)
  if (!runs.length) return sql`false`
  const each = runs.map((r) => sql`(${e}.store_id = ${r.storeId} and ${e}.created_at >= ${startOf(r.from, tz)} and ${e}.created_at < ${startOf(sql`(${r.to}::date + 1)`, tz)})`)
  return sql`${e}.kind = ${sql.raw(`'${kind}'`)} and (${sql.join(each, sql` or `)})`
}

const storesOf = (runs: Run[]) => sql`(${sql.join([...new Set(runs.map((r) => r.storeId))].map((id) => sql`${id}`), sql`, `)})`
/** A handoff from the AI (not a re-route of a conversation already waiting); older events have no `from`. */
const fromBot = (alias: string) => sql.raw(`coalesce(${alias}.data->>'from', 'bot') = 'bot'`)

const HOURS = Array.from({ length: 24 }, (_, h) => h)

export const FACT_GROUPS = ['handoffs', 'starts', 'response', 'breach', 'rating'] as const
export type FactGroup = (typeof FACT_GROUPS)[number]
export const METRICS: Record<FactGroup, string[]> = {
  handoffs: ['tag', 'department', 'rule'], starts: ['opened', 'hours'], response: ['response'], breach: ['breach', 'breach_handoff'], rating: ['rating'],
}

/**
 * The fact rows of one group for the runs' days, straight from `events` (columns as FACT_COLUMNS). Both modes give
 * the same figures; 'build' (complete days only) folds the due times of targets passed before the day ended.
 */
export function factsSql(group: FactGroup, runs: Run[], tz: string, mode: 'build' | 'live'): SQL {
  // Lookups into a conversation's other events: one hash join over the store's events when rolling up
  // many days, an index probe per event (events_conversation_idx) for the few events of today.
  const probe = mode === 'live'
  const day = (t: string) => storeDay(sql.raw(t), tz)
  const local = (t: string) => localIfOther(sql.raw(t), tz)
  // A rolled-up day is read only once it is over, so every target passing before its end has passed whenever it
  // is read: one value for all of them keeps one row per day and priority instead of one per unanswered handoff.
  const dueAt = (due: SQL) => (probe ? due : sql`(case when ${due} < ${startOf(sql`(day + 1)`, tz)} then ${startOf(sql`day`, tz)} else ${due} end)`)
  switch (group) {
    case 'handoffs': return sql`
      select e.store_id, ${day('e.created_at')} as day, ${local('e.created_at')} as local_day, k.dim as metric, k.key,
        null::date as ref, null::date as ref2, null::float8 as value, null::timestamptz as due_at, count(*)::int as n, 0 as late, null::float8[] as waits, null::float8[] as targets
      from events e cross join lateral (
        select 'tag' as dim, t as key from jsonb_array_elements_text(coalesce(e.data->'tags', '[]'::jsonb)) t
        union all select 'rule', t from jsonb_array_elements_text(coalesce(e.data->'rules', '[]'::jsonb)) t
        union all select 'department', coalesce(e.data->>'department', '(none)')) k
      where ${inRuns('e', 'handoff', runs, tz)} and ${fromBot('e')}
      group by 1, 2, 3, 4, 5`
    case 'starts': return sql`
      select * from (
        with o as (select e.id, e.store_id, e.conversation_id, e.created_at from events e where ${inRuns('e', 'opened', runs, tz)}),
        ol as (${probe ? sql`
          select o.id, o.store_id, o.created_at, hl.last from o cross join lateral (
            select max(h.created_at) as last from events h
            where h.conversation_id = o.conversation_id and h.kind = 'handoff' and h.store_id = o.store_id and ${fromBot('h')}) hl` : sql`
          select o.id, o.store_id, o.created_at, max(h.created_at) as last
          from o left join events h on h.conversation_id = o.conversation_id and h.kind = 'handoff' and h.store_id in ${storesOf(runs)}
            and h.store_id = o.store_id and ${fromBot('h')}
          group by o.id, o.store_id, o.created_at`})
        select store_id, ${day('created_at')} as day, ${local('created_at')} as local_day, 'opened' as metric, null::text as key,
          ${day('last')} as ref, null::date as ref2, null::float8 as value, null::timestamptz as due_at, count(*)::int as n, 0 as late, null::float8[] as waits, null::float8[] as targets
        from ol group by 1, 2, 3, 6
        union all
        select store_id, day, local_day, 'hours', null, null, null, null, null, count(*)::int, 0, array[${HOURS.map((h) => sql`count(*) filter (where hour = ${sql.raw(String(h))})`).reduce((a, b) => sql`${a}, ${b}`)}]::float8[], null
        from (select store_id, ${day('created_at')} as day, ${local('created_at')} as local_day, extract(hour from created_at at time zone ${tz})::int as hour from o) oh
        group by 1, 2, 3) s`
    case 'response': return sql`
      select e.store_id, ${day('e.created_at')} as day, ${local('e.created_at')} as local_day, 'response' as metric,
        coalesce(e.data->>'priority', '(none)') as key, null::date as ref, null::date as ref2, null::float8 as value,
        null::timestamptz as due_at, count(*)::int as n, 0 as late,
        array_agg((e.data->>'waitedSeconds')::float8) as waits, array_agg((e.data->>'targetMinutes')::float8) as targets
      from events e where ${inRuns('e', 'first_response', runs, tz)}
      group by 1, 2, 3, 5`
    case 'breach': return sql`
      select * from (
        with h as (
          select e.id, e.store_id, e.conversation_id, e.created_at, coalesce(e.data->>'priority', '(none)') as priority, (e.data->>'targetMinutes')::float8 as target
          from events e where ${inRuns('e', 'handoff', runs, tz)} and ${fromBot('e')} and e.data->>'targetMinutes' is not null),
        hr as (${probe ? sql`
          select h.*, r.rid, r.replied, r.waited from h left join lateral (
            select r.id as rid, r.created_at as replied, (r.data->>'waitedSeconds')::float8 as waited from events r
            where r.conversation_id = h.conversation_id and r.kind = 'first_response' and r.store_id = h.store_id and (r.data->>'handoffId')::bigint = h.id) r on true` : sql`
          select h.*, r.id as rid, r.created_at as replied, (r.data->>'waitedSeconds')::float8 as waited
          from h left join events r on r.conversation_id = h.conversation_id and r.kind = 'first_response' and r.store_id in ${storesOf(runs)}
            and r.store_id = h.store_id and (r.data->>'handoffId')::bigint = h.id`}),
        hd as (
          select store_id, created_at, priority, target, ${day('created_at')} as day, ${local('created_at')} as local_day, ${day('max(replied)')} as last
          from hr group by id, store_id, created_at, priority, target)
        select store_id, ${day('created_at')} as day, ${local('created_at')} as local_day, 'breach' as metric, priority as key,
          ${day('replied')} as ref, null::date as ref2, null::float8 as value, null::timestamptz as due_at,
          count(*)::int as n, (count(*) filter (where waited > target * 60))::int as late, null::float8[] as waits, null::float8[] as targets
        from hr where rid is not null group by 1, 2, 3, 5, 6
        union all
        select store_id, day, local_day, 'breach_handoff', priority, last, null, null,
          case when last is null or last < day then ${dueAt(sql`created_at + make_interval(mins => target::int)`)} end, count(*)::int, 0, null, null
        from hd group by 1, 2, 3, 5, 6, 9) s`
    case 'rating': return sql`
      select e.store_id, ${day('e.created_at')} as day, ${local('e.created_at')} as local_day, 'rating' as metric, e.data->>'kind' as key,
        v.ref, v.ref2, (e.data->>'value')::int::float8 as value, null::timestamptz as due_at, count(*)::int as n, 0 as late,
        null::float8[] as waits, null::float8[] as targets
      from events e cross join lateral (
        select min(l.day) filter (where l.day >= ${day('e.created_at')}) as ref, max(l.day) filter (where l.day < ${day('e.created_at')}) as ref2
        from (select ${day('x.created_at')} as day from events x
          where x.conversation_id = e.conversation_id and x.kind = 'rating' and x.id > e.id and x.store_id = e.store_id
            and (x.data->>'kind') is not distinct from (e.data->>'kind') and coalesce(x.data->>'messageId', '') = coalesce(e.data->>'messageId', '')) l) v
      where ${inRuns('e', 'rating', runs, tz)}
      group by 1, 2, 3, 5, 6, 7, 8`
  }
}
