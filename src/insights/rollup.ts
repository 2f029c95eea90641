import { sql } from 'drizzle-orm'
import { rows, type Db } from '../db/client.ts'
import { FACT_COLUMNS, FACT_GROUPS, factsSql, storeDay, type Run } from './daily.ts'
import { addDays, dayIn } from './range.ts'

/**
 * Keeps `insights_daily` (daily.ts) filled for complete store days and says, for a page's range, which days
 * to read from it and which live from `events` (today, and any day not rolled up yet or made stale).
 *
 * Staleness: `insights_watermarks` holds, per time zone, the last `events.id` the rollups include. Every
 * refresh looks at the newer analytics events and drops the rolled-up days they change: their own day, the
 * start day of a conversation that was handed off, the day of a handoff that got its reply, the days of
 * earlier votes a new vote replaces. Dropped days are rebuilt when a range needs them, read live until then.
 */

/** Which days of a range come from rollups and which live from `events`, per store. */
export interface Plan { rolled: Run[]; live: Run[]; refresh?: RefreshResult }

/** Everything live (the oracle and a fallback). */
export const livePlan = (q: { storeIds: string[]; from: string; to: string }): Plan =>
  ({ rolled: [], live: q.storeIds.map((storeId) => ({ storeId, from: q.from, to: q.to })) })

const ANALYTIC_KINDS = sql.raw(`('opened', 'handoff', 'first_response', 'rating')`)
const inList = (ids: string[]) => sql`(${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`

/** Events younger than this are left for the next refresh (see `committedMark`). */
const SETTLE = '1 minute'

/**
 * An `events.id` below which every insert has committed: the newest event created over a minute ago. Ids are
 * taken at insert and `created_at` is the transaction's start, so an event could still appear below the mark only
 * from a transaction open for over a minute; the pipeline's transactions last milliseconds. No lock is taken, so
 * a page load never holds up riders' messages.
 */
async function committedMark(db: Db): Promise<{ id: number; safe: boolean }> {
  const [r] = await rows<{ id: string | number }>(db, sql`
    select coalesce((select id from events where created_at < now() - ${SETTLE}::interval order by id desc limit 1), 0) as id`)
  return { id: Number(r.id), safe: true }
}

/** Drops the rolled-up days that events in (after, upTo] change (see the header). */
async function invalidate(db: Db, tz: string, after: number, upTo: number): Promise<number> {
  const r = await rows<{ n: number }>(db, sql`
    with n as (select id, store_id, conversation_id, kind, data, created_at from events where id > ${after} and id <= ${upTo} and kind in ${ANALYTIC_KINDS}),
    t as (
      select store_id, created_at from n
      union all select o.store_id, o.created_at from n join events o on o.conversation_id = n.conversation_id and o.kind = 'opened' and o.store_id = n.store_id
        where n.kind = 'handoff'
      union all select h.store_id, h.created_at from n join events h on h.id = (n.data->>'handoffId')::bigint and h.store_id = n.store_id
        where n.kind = 'first_response'
      union all select r.store_id, r.created_at from n join events r on r.conversation_id = n.conversation_id and r.kind = 'rating' and r.store_id = n.store_id and r.id < n.id
        where n.kind = 'rating'),
    d as (select distinct store_id, ${storeDay(sql`created_at`, tz)} as day from t),
    gone as (delete from insights_daily f using d where f.time_zone = ${tz} and f.store_id = d.store_id and f.day = d.day),
    stale as (delete from insights_days s using d where s.time_zone = ${tz} and s.store_id = d.store_id and s.day = d.day returning 1)
    select count(*)::int as n from stale`)
  return Number(r[0]?.n ?? 0)
}

/** Consecutive days (YYYY-MM-DD, sorted) as inclusive runs. */
export function toRuns(storeId: string, days: string[]): Run[] {
  const out: Run[] = []
  for (const d of days) {
    const last = out.at(-1)
    if (last && addDays(last.to, 1) === d) last.to = d
    else out.push({ storeId, from: d, to: d })
  }
  return out
}

function eachDay(from: string, to: string): string[] {
  const out: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d)
  return out
}

async function builtDays(db: Db, storeIds: string[], tz: string, from: string, to: string): Promise<Map<string, Set<string>>> {
  const r = await rows<{ store_id: string; day: string }>(db, sql`
    select store_id, to_char(day, 'YYYY-MM-DD') as day from insights_days
    where time_zone = ${tz} and store_id in ${inList(storeIds)} and day between ${from}::date and ${to}::date`)
  const by = new Map(storeIds.map((id) => [id, new Set<string>()]))
  for (const x of r) by.get(x.store_id)?.add(x.day)
  return by
}

/** Rolls up the given store days from `events` (one INSERT ... SELECT per fact group) and records them as built. */
async function build(db: Db, tz: string, runs: Run[]) {
  for (const group of FACT_GROUPS) {
    await db.execute(sql`insert into insights_daily (time_zone, ${FACT_COLUMNS}) select ${tz}, ${FACT_COLUMNS} from (${factsSql(group, runs, tz, 'build')}) f`)
  }
  for (const r of runs) {
    await db.execute(sql`insert into insights_days (store_id, time_zone, day)
      select ${r.storeId}, ${tz}, d::date from generate_series(${r.from}::date, ${r.to}::date, interval '1 day') d on conflict do nothing`)
  }
}

export interface RefreshResult {
  invalidated: number
  built: number
  safe: boolean
  /** Per store, the days of [from, to] the rollups hold now. */
  held: Map<string, Set<string>>
}

/**
 * Brings the rollups of `storeIds` up to date for the complete days in [from, to] (days before `today` in
 * `tz`): drops stale days, builds missing ones. One refresh per time zone at a time (advisory lock).
 */
export async function refreshRollups(db: Db, o: { storeIds: string[]; timeZone: string; from: string; to: string; today: string }): Promise<RefreshResult> {
  const tz = o.timeZone
  const to = o.to < o.today ? o.to : addDays(o.today, -1)
  const mark = await committedMark(db)
  return db.transaction(async (t) => {
    const tx = t as unknown as Db
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pitwall:insights:${tz}`})), set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`)
    const [w] = await rows<{ event_id: string | number }>(tx, sql`select event_id from insights_watermarks where time_zone = ${tz}`)
    const watermark = w ? Number(w.event_id) : null
    let invalidated = 0
    if (watermark !== null && mark.id > watermark) invalidated = await invalidate(tx, tz, watermark, mark.id)
    const held = o.from > to ? new Map(o.storeIds.map((id) => [id, new Set<string>()])) : await builtDays(tx, o.storeIds, tz, o.from, to)
    // With no watermark yet, rollups can only start from a mark that nothing can slip under.
    if (watermark === null && !mark.safe) return { invalidated, built: 0, safe: false, held }
    if (mark.safe && (watermark === null || mark.id > watermark)) {
      await tx.execute(sql`insert into insights_watermarks (time_zone, event_id) values (${tz}, ${mark.id})
        on conflict (time_zone) do update set event_id = excluded.event_id, updated_at = now()`)
    }
    if (o.from > to) return { invalidated, built: 0, safe: mark.safe, held }
    const missing = o.storeIds.flatMap((id) => toRuns(id, eachDay(o.from, to).filter((d) => !held.get(id)!.has(d))))
    if (missing.length) await build(tx, tz, missing)
    let built = 0
    for (const r of missing) for (const d of eachDay(r.from, r.to)) { held.get(r.storeId)!.add(d); built++ }
    // Fresh statistics after a big build, or the planner takes the table for empty (PGlite has no autovacuum).
    if (built > 7) await tx.execute(sql`analyze insights_daily`)
    return { invalidated, built, safe: mark.safe, held }
  })
}

/**
 * Refreshes, then splits the range: days the rollups hold are read from them, the rest (today, days after
 * it, days not built) live. Both halves name their days explicitly, so a day that another refresh builds
 * meanwhile is never counted twice.
 */
export async function planFor(db: Db, q: { storeIds: string[]; timeZone: string; from: string; to: string; now: Date }): Promise<Plan> {
  const refresh = await refreshRollups(db, { ...q, today: dayIn(q.now, q.timeZone) })
  const days = eachDay(q.from, q.to)
  const held = (id: string) => refresh.held.get(id)!
  return {
    rolled: q.storeIds.flatMap((id) => toRuns(id, days.filter((d) => held(id).has(d)))),
    live: q.storeIds.flatMap((id) => toRuns(id, days.filter((d) => !held(id).has(d)))),
    refresh,
  }
}
