import { and, eq, sql } from 'drizzle-orm'
import * as v from 'valibot'
import { rows, type Db } from '../db/client.ts'
import { conversations, customers, messages, ratings } from '../db/schema.ts'
import { Forbidden } from '../conversations/store.ts'
import { recordFact } from './facts.ts'

/** Thumbs up/down on one AI answer, or 1-5 stars for a closed chat. */
export const RatingInput = v.variant('kind', [
  v.object({
    kind: v.literal('answer'),
    message_id: v.pipe(v.string('is required'), v.uuid('must be a UUID')),
    value: v.picklist(['up', 'down'], 'must be up or down'),
  }),
  v.object({
    kind: v.literal('chat'),
    value: v.pipe(v.union([v.string(), v.number()], 'must be 1 to 5'), v.transform(Number), v.integer('must be 1 to 5'), v.minValue(1, 'must be 1 to 5'), v.maxValue(5, 'must be 1 to 5')),
  }),
], 'kind: must be answer or chat')
export type RatingInputData = v.InferOutput<typeof RatingInput>

export class RatingRefused extends Error {}

/**
 * Stores the rider's verdict (a second vote replaces the first) and a `rating` event for the charts.
 * Only the conversation's own visitor may rate, only AI answers, and the whole chat only once it is closed.
 */
export async function rate(db: Db, who: { storeId: string; visitorId: string; conversationId: string }, input: RatingInputData): Promise<{ value: number }> {
  const [conv] = await db.select({ id: conversations.id, status: conversations.status }).from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(and(eq(conversations.id, who.conversationId), eq(conversations.storeId, who.storeId), eq(customers.visitorId, who.visitorId)))
  if (!conv) throw new Forbidden('not your conversation')
  let messageId: string | null = null
  let value: number
  if (input.kind === 'answer') {
    const [m] = await db.select({ author: messages.author, internal: messages.internal }).from(messages)
      .where(and(eq(messages.id, input.message_id), eq(messages.conversationId, conv.id)))
    if (!m || m.author !== 'bot' || m.internal) throw new RatingRefused('message_id: not an AI answer in this conversation')
    messageId = input.message_id
    value = input.value === 'up' ? 1 : -1
  } else {
    if (conv.status !== 'closed') throw new RatingRefused('kind: a chat can be rated once it is closed')
    value = input.value
  }
  // The unique index is on an expression (coalesce(message_id, zero uuid)), which drizzle's onConflict cannot name.
  await rows(db, sql`
    insert into ${ratings} (store_id, conversation_id, message_id, kind, value)
    values (${who.storeId}, ${conv.id}, ${messageId}, ${input.kind}, ${value})
    on conflict (conversation_id, kind, coalesce(message_id, '00000000-0000-0000-0000-000000000000'::uuid))
    do update set value = excluded.value, created_at = now()`)
  await recordFact(db, { storeId: who.storeId, conversationId: conv.id, kind: 'rating', data: { kind: input.kind, value, messageId } })
  return { value }
}

/** The visitor's current verdicts in a conversation: answer message id -> +1/-1, and the chat's stars. */
export async function ratingsOf(db: Db, conversationId: string): Promise<{ answers: Record<string, number>; chat: number | null }> {
  const r = await db.select({ kind: ratings.kind, messageId: ratings.messageId, value: ratings.value }).from(ratings).where(eq(ratings.conversationId, conversationId))
  const answers: Record<string, number> = {}
  let chat: number | null = null
  for (const x of r) {
    if (x.kind === 'answer' && x.messageId) answers[x.messageId] = x.value
    else if (x.kind === 'chat') chat = x.value
  }
  return { answers, chat }
}
