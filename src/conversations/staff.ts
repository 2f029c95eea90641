import { and, eq, inArray, isNull, or } from 'drizzle-orm'
import type { Services } from '../deps.ts'
import { conversations, staffUsers } from '../db/schema.ts'
import { recordEvent } from '../realtime/events.ts'
import { publishMessage } from './say.ts'
import { conversationEvent } from '../integrations/outbound.ts'
import { recordFirstResponse } from '../insights/facts.ts'
import { fromStatuses, InvalidTransition, nextStatus, type ConversationAction } from './state.ts'
import { getConversation, insertMessage, updateConversation, type Conversation, type Message } from './store.ts'

export interface StaffMember { id: string; storeId: string; name: string }

export class ClaimedByOther extends Error {
  constructor(readonly holder: string | null) { super(`already claimed${holder ? ` by ${holder}` : ''}`) }
}

async function statusEvent(s: Services, conv: Conversation, from: string, to: string, data: Record<string, unknown> = {}) {
  await recordEvent(s.db, s.bus, { storeId: conv.storeId, conversationId: conv.id, kind: 'status', data: { from, to, ...data } })
}

/** A note in the transcript for staff only ("claimed by Dana"); the rider never sees it. */
async function staffNote(s: Services, conv: Conversation, body: string, key: string) {
  const { message, duplicate } = await insertMessage(s.db, { conversationId: conv.id, author: 'system', body, clientId: key, internal: true })
  if (!duplicate) await publishMessage(s, conv, message)
}

/**
 * Claim is one conditional UPDATE: of two staff claiming at once exactly one row update succeeds, and
 * the other is told who holds the conversation.
 */
export async function claim(s: Services, staff: StaffMember, conversationId: string): Promise<Conversation> {
  const before = await getConversation(s.db, staff.storeId, conversationId)
  const [won] = await s.db.update(conversations)
    .set({ status: 'claimed', assigneeId: staff.id, waitingSince: null, updatedAt: s.now() })
    .where(and(
      eq(conversations.id, conversationId), eq(conversations.storeId, staff.storeId),
      inArray(conversations.status, fromStatuses('claim')),
      or(isNull(conversations.assigneeId), eq(conversations.assigneeId, staff.id)),
    ))
    .returning()
  if (!won) {
    const now = await getConversation(s.db, staff.storeId, conversationId)
    if (now.status === 'claimed' && now.assigneeId === staff.id) return now
    if (now.status === 'claimed') throw new ClaimedByOther(await holderName(s, now.assigneeId))
    throw new InvalidTransition('claim', now.status)
  }
  await statusEvent(s, won, before.status, 'claimed', { staffId: staff.id, staffName: staff.name })
  await conversationEvent(s, won, 'claim', { staff: { id: staff.id, name: staff.name } })
  await staffNote(s, won, `Claimed by ${staff.name}`, `claim:${staff.id}:${Date.now()}`)
  return won
}

async function holderName(s: Services, id: string | null): Promise<string | null> {
  if (!id) return null
  const [row] = await s.db.select({ name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.id, id))
  return row?.name ?? null
}

/** A staff reply takes the conversation over: the AI goes quiet and the rider sees who answers. */
export async function staffReply(
  s: Services, staff: StaffMember, input: { conversationId: string; body: string; clientId: string; internal?: boolean },
): Promise<{ message: Message; duplicate: boolean }> {
  const conv = await getConversation(s.db, staff.storeId, input.conversationId)
  if (conv.status === 'claimed' && conv.assigneeId && conv.assigneeId !== staff.id && !input.internal) {
    throw new ClaimedByOther(await holderName(s, conv.assigneeId))
  }
  if (!input.internal) nextStatus(conv.status, 'reply')
  const { message, duplicate } = await insertMessage(s.db, {
    conversationId: conv.id, author: 'staff', staffId: staff.id, body: input.body, clientId: input.clientId, internal: !!input.internal,
  })
  if (duplicate) return { message, duplicate }
  if (input.internal) {
    await publishMessage(s, conv, message)
    return { message, duplicate }
  }
  const updated = await updateConversation(s.db, conv.id, {
    lastMessageAt: message.createdAt, status: 'claimed', assigneeId: staff.id, waitingSince: null,
  })
  await publishMessage(s, updated, message)
  if (conv.status !== 'claimed') {
    await statusEvent(s, updated, conv.status, 'claimed', { staffId: staff.id, staffName: staff.name })
    // Replying takes the conversation over: receivers see it as a claim.
    await conversationEvent(s, updated, 'claim', { staff: { id: staff.id, name: staff.name } })
  }
  await recordFirstResponse(s.db, updated, message)
  return { message, duplicate }
}

/** Moves that need no extra data: hand back to the AI, close. */
export async function simpleAction(
  s: Services, staff: StaffMember, conversationId: string, action: Extract<ConversationAction, 'hand_back' | 'close'>,
): Promise<Conversation> {
  const conv = await getConversation(s.db, staff.storeId, conversationId)
  const to = nextStatus(conv.status, action)
  const updated = await updateConversation(s.db, conv.id, {
    status: to, assigneeId: null, waitingSince: null, ...(to === 'closed' ? { closedAt: s.now() } : {}),
  })
  await statusEvent(s, updated, conv.status, to, { staffId: staff.id, staffName: staff.name, action })
  if (to === 'closed') await conversationEvent(s, updated, 'close', { staff: { id: staff.id, name: staff.name } })
  await staffNote(s, updated, action === 'close' ? `Closed by ${staff.name}` : `Handed back to the AI by ${staff.name}`, `${action}:${staff.id}:${Date.now()}`)
  return updated
}

/** Transfer to another department (back to the waiting queue) or to a named colleague (claimed by them). */
export async function transfer(
  s: Services, staff: StaffMember, conversationId: string, to: { department?: string; assigneeId?: string; assigneeName?: string },
): Promise<Conversation> {
  const conv = await getConversation(s.db, staff.storeId, conversationId)
  nextStatus(conv.status, 'transfer')
  const updated = await updateConversation(s.db, conv.id, to.assigneeId
    ? { status: 'claimed', assigneeId: to.assigneeId, ...(to.department ? { department: to.department } : {}) }
    : { status: 'waiting', assigneeId: null, department: to.department ?? conv.department, waitingSince: s.now() })
  await statusEvent(s, updated, conv.status, updated.status, { staffId: staff.id, action: 'transfer', ...to })
  const target = to.assigneeName ?? to.department ?? 'the queue'
  await staffNote(s, updated, `Transferred to ${target} by ${staff.name}`, `transfer:${staff.id}:${Date.now()}`)
  return updated
}

/** Staff set tags and priority by hand; a priority must be one the rules define (its rank orders the queue). */
export async function relabel(
  s: Services, staff: StaffMember, conversationId: string, input: { tags: string[]; priority: string }, priorities: string[],
): Promise<Conversation> {
  const conv = await getConversation(s.db, staff.storeId, conversationId)
  if (input.priority && priorities.length && !priorities.includes(input.priority)) throw new BadInput(`priority: '${input.priority}' is not a priority in the rules`)
  const rank = input.priority ? Math.max(0, priorities.indexOf(input.priority)) : 1000
  const updated = await updateConversation(s.db, conv.id, { tags: input.tags, priority: input.priority || null, priorityRank: input.priority ? rank : 1000 })
  await recordEvent(s.db, s.bus, { storeId: conv.storeId, conversationId: conv.id, kind: 'labels', data: { tags: input.tags, priority: input.priority || null, staffId: staff.id } })
  return updated
}

export class BadInput extends Error {}
