import type { Services } from '../deps.ts'
import { recordEvent, type NewEvent } from '../realtime/events.ts'
import { insertMessage, updateConversation, type Conversation, type Message } from './store.ts'

/** A message from the assistant (or a system notice) in the rider's conversation. */
export async function botSays(
  s: Services, conv: Conversation, body: string, clientId: string, author: 'bot' | 'system' = 'bot', extra: { decision?: unknown; citations?: unknown } = {},
): Promise<Message> {
  const { message, duplicate } = await insertMessage(s.db, { conversationId: conv.id, author, body, clientId, ...extra })
  if (!duplicate) {
    await updateConversation(s.db, conv.id, { lastMessageAt: message.createdAt })
    await publishMessage(s, conv, message)
  }
  return message
}

export function publishMessage(s: Services, conv: Conversation, m: Message) {
  return recordEvent(s.db, s.bus, messageEvent(conv, m))
}

/** The `events` row that puts a message on every live view. */
export const messageEvent = (conv: Conversation, m: Message): NewEvent => ({
  storeId: conv.storeId, conversationId: conv.id, kind: 'message',
  data: { messageId: m.id, author: m.author, internal: m.internal },
})
