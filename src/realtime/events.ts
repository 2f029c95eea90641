import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
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

/** Events after `afterId` for a store (optionally one conversation), oldest first. */
export async function eventsSince(
  db: Db, q: { storeId: string; conversationId?: string; afterId: number; limit?: number },
): Promise<BusEvent[]> {
  const conds: SQL[] = [eq(events.storeId, q.storeId), gt(events.id, q.afterId)]
  if (q.conversationId) conds.push(eq(events.conversationId, q.conversationId))
  return db.select({ id: events.id, storeId: events.storeId, conversationId: events.conversationId, kind: events.kind })
    .from(events).where(and(...conds)).orderBy(asc(events.id)).limit(q.limit ?? 500)
}

/** The newest event id of a store: pages render up to it and their SSE streams start after it. */
export async function latestEventId(db: Db, storeId: string): Promise<number> {
  const [row] = await prepared(db, 'pw_latest_event', (d) => d.select({ id: sql<number>`coalesce(max(${events.id}), 0)` }).from(events)
    .where(eq(events.storeId, sql.placeholder('storeId')))).execute({ storeId })
  return Number(row?.id ?? 0)
}
