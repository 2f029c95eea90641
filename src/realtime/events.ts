import { and, asc, desc, eq, gt, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { preparedRows } from '../db/prepared.ts'
import { events } from '../db/schema.ts'
import type { Bus, BusEvent } from './bus.ts'

export interface NewEvent {
  storeId: string
  conversationId?: string | null
  kind: string
  data?: Record<string, unknown>
}

/** Appends to `events` (the replay and analytics source), then publishes the id on the bus. */
export async function recordEvent(db: Db, bus: Bus, e: NewEvent): Promise<BusEvent> {
  const published = await appendEvent(db, e)
  await bus.publish(published).catch(() => { /* the event is stored; SSE replay will deliver it */ })
  return published
}

/** Appends to `events` only: inside a transaction, publish once it has committed (or listeners see nothing yet). */
export async function appendEvent(db: Db, e: NewEvent): Promise<BusEvent> {
  const [row] = await db.insert(events)
    .values({ storeId: e.storeId, conversationId: e.conversationId ?? null, kind: e.kind, data: e.data ?? {} })
    .returning({ id: events.id })
  return { id: row.id, storeId: e.storeId, conversationId: e.conversationId ?? null, kind: e.kind }
}

/**
 * How far below a stream's position (in ids) an event that has not been sent yet is still taken as a late commit. Ids
 * come from a sequence when a row is inserted and transactions commit (and publish) in their own order, so a
 * statement that took id 7 can be published after one that took id 8; a stream that sent 8 must still send 7.
 */
export const LATE_COMMIT_IDS = 10_000

/**
 * Events after `afterId` for a store (optionally one conversation), oldest first. With `running` (a page's position):
 * also the events of those transactions at or below it. With `resumed` (a stream that was away, for one conversation:
 * a browser reconnecting from its Last-Event-ID, or the bus reconnecting): also the events below it from transactions
 * not yet committed when the event at the position was stored (its `horizon`), which may have committed after the
 * stream sent it, while it was away. A few of those may have been sent already: the pages add a line once and render
 * status from the conversation as it is. `newest`: only the newest of them (a view rendered whole needs no more).
 */
export async function eventsSince(
  db: Db, q: { storeId: string; conversationId?: string; afterId: number; limit?: number; running?: number[]; resumed?: boolean; newest?: boolean },
): Promise<BusEvent[]> {
  // Late commits are looked for this far below the position at most (either way, the `or` below covers what is above).
  const window = gt(events.id, q.afterId - LATE_COMMIT_IDS)
  const after: SQL[] = [gt(events.id, q.afterId)]
  if (q.running?.length) after.push(and(window, sql`(${XMIN}) in (${sql.join(q.running.map((x) => sql`${x}`), sql`, `)})`)!)
  // Not the event's own transaction (its events were sent with it). xmin is 32 bits and wraps: "at or after the
  // horizon" is a difference below 2^31, modulo 2^32.
  if (q.resumed) {
    after.push(and(window, lt(events.id, q.afterId), sql`exists (select 1 from ${events} h where h.id = ${q.afterId} and h.xmin::text::bigint <> ${XMIN}
      and ((${XMIN}) - h.horizon % 4294967296 + 4294967296) % 4294967296 < 2147483648)`)!)
  }
  const conds: SQL[] = [eq(events.storeId, q.storeId), after.length > 1 ? or(...after)! : after[0]]
  if (q.conversationId) conds.push(eq(events.conversationId, q.conversationId))
  return db.select({ id: events.id, storeId: events.storeId, conversationId: events.conversationId, kind: events.kind })
    .from(events).where(and(...conds)).orderBy(q.newest ? desc(events.id) : asc(events.id)).limit(q.newest ? 1 : q.limit ?? 500)
}

/** The 32-bit id of the transaction that stored an event. */
const XMIN = sql`"events"."xmin"::text::bigint`

/**
 * Where a page's live stream starts: the store's newest event id, and the transactions that were still running when
 * it was read (their 32-bit ids, as `events.xmin` holds them). Event ids are taken at insert and transactions commit
 * in their own order, so one of those may hold a lower id and commit after the page read its position: the stream
 * replays their events too. PGlite runs one transaction at a time, so there it is always empty.
 */
export interface StreamPosition { after: number; running: number[] }

/**
 * The store's newest event id, 0 if none: the greatest (store_id, id) at or below (the store,
 * the largest id), which only the (store_id, id) index can answer in one step. `max(id) where store_id = …` let the
 * planner walk the primary key backwards through every other store's newer events (it takes a store's rows to be
 * spread evenly over the ids), however many (test/integration/store-position-index.test.ts).
 */
const newestId = (storeId: unknown) => sql`coalesce((select case when t.store_id = ${storeId} then t.id end from (select store_id, id from ${events}
    where (store_id, id) <= (${storeId}, 9223372036854775807) order by store_id desc, id desc limit 1) t), 0)`

/** The statement that reads it (`latestEventId`), for a store id or a placeholder. */
export const newestIdSql = (storeId: unknown) => sql`select ${newestId(storeId)} as id`
const STORE_ID = sql.placeholder('storeId')

/** At most this many running transactions ride along in a page's stream URL (a busy shared server has more: the rest are not looked for). */
export const MAX_RUNNING = 64

export async function streamPosition(db: Db, storeId: string): Promise<StreamPosition> {
  // One statement, one snapshot: the transactions listed are exactly those whose rows the newest-id read could not see.
  const [row] = await preparedRows<{ id: string | number; running: string[] | null }>(db, 'pw_stream_position', () => sql`select ${newestId(STORE_ID)} as id,
    (select array_agg((x::text::bigint % 4294967296)::text) from (select pg_snapshot_xip(pg_current_snapshot()) as x limit ${MAX_RUNNING}) r) as running`, { storeId })
  return { after: Number(row?.id ?? 0), running: (row?.running ?? []).map(Number) }
}

/** The stream URL's query for a position (`after`, and `running` when any transaction was). */
export const positionQuery = (p: StreamPosition): string => `after=${p.after}${p.running.length ? `&running=${p.running.join(',')}` : ''}`

/** The running transactions a stream request carries (`running=1,2`); anything malformed is ignored, not an error. */
const RUNNING_QUERY = new RegExp(`^\\d{1,10}(,\\d{1,10}){0,${MAX_RUNNING - 1}}$`)
export function runningFromQuery(raw: string | undefined): number[] {
  if (!raw || !RUNNING_QUERY.test(raw)) return []
  return raw.split(',').map(Number).filter((n) => n < 4294967296)
}

/** The newest event id of a store: a stream without a position from its page starts after it. */
export async function latestEventId(db: Db, storeId: string): Promise<number> {
  const [row] = await preparedRows<{ id: string | number }>(db, 'pw_latest_event', () => newestIdSql(STORE_ID), { storeId })
  return Number(row?.id ?? 0)
}
