import type { Services } from '../deps.ts'
import { recordEvent } from '../realtime/events.ts'
import { publishMessage } from './pipeline.ts'
import { getConversation, insertMessage, updateConversation, type Message } from './store.ts'

export interface StaffMember { id: string; storeId: string; name: string }

/** A staff reply takes the conversation over: the AI goes quiet and the rider sees who answers. */
export async function staffReply(
  s: Services, staff: StaffMember, input: { conversationId: string; body: string; clientId: string },
): Promise<{ message: Message; duplicate: boolean }> {
  const conv = await getConversation(s.db, staff.storeId, input.conversationId)
  const { message, duplicate } = await insertMessage(s.db, {
    conversationId: conv.id, author: 'staff', staffId: staff.id, body: input.body, clientId: input.clientId,
  })
  if (duplicate) return { message, duplicate }
  const updated = await updateConversation(s.db, conv.id, {
    lastMessageAt: message.createdAt, status: 'claimed', assigneeId: conv.assigneeId ?? staff.id, waitingSince: null,
  })
  await publishMessage(s, updated, message)
  if (conv.status !== 'claimed') {
    await recordEvent(s.db, s.bus, {
      storeId: conv.storeId, conversationId: conv.id, kind: 'status',
      data: { from: conv.status, to: 'claimed', staffId: staff.id, staffName: staff.name },
    })
  }
  return { message, duplicate }
}
