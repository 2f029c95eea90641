import { and, desc, eq, gt, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { events } from '../db/schema.ts'

/**
 * Analytics facts: rows in `events` that no live view renders, so they are stored without a bus
 * publish. Insights read them (and the handoff/status events) by (store_id, kind, created_at).
 */
export const FACT_KINDS = ['opened', 'answer', 'first_response', 'rating'] as const
export type FactKind = (typeof FACT_KINDS)[number]

export async function recordFact(db: Db, f: { storeId: string; conversationId: string; kind: FactKind; data?: Record<string, unknown>; at?: Date }) {
  await db.insert(events).values({
    storeId: f.storeId, conversationId: f.conversationId, kind: f.kind, data: f.data ?? {}, ...(f.at ? { createdAt: f.at } : {}),
  })
}

/**
 * The first public staff reply after a handoff from the AI: how long the rider waited, against the
 * priority's target recorded with the handoff. Later replies and replies without a handoff record nothing.
 */
export async function recordFirstResponse(db: Db, conv: { id: string; storeId: string }, reply: { id: string; createdAt: Date; staffId: string | null }) {
  const [handoff] = await db.select({ id: events.id, at: events.createdAt, data: events.data }).from(events)
    .where(and(eq(events.conversationId, conv.id), eq(events.kind, 'handoff'), sql`coalesce(${events.data}->>'from', 'bot') = 'bot'`))
    .orderBy(desc(events.id)).limit(1)
  if (!handoff) return
  const [answered] = await db.select({ id: events.id }).from(events)
    .where(and(eq(events.conversationId, conv.id), eq(events.kind, 'first_response'), gt(events.id, handoff.id))).limit(1)
  if (answered) return
  const d = handoff.data
  await recordFact(db, {
    storeId: conv.storeId, conversationId: conv.id, kind: 'first_response', at: reply.createdAt,
    data: {
      handoffId: handoff.id, messageId: reply.id, staffId: reply.staffId, priority: d.priority ?? null, department: d.department ?? null,
      targetMinutes: d.targetMinutes ?? null, waitedSeconds: Math.max(0, Math.round((reply.createdAt.getTime() - handoff.at.getTime()) / 1000)),
    },
  })
}
