import type { Services } from '../deps.ts'
import { recordEvent, type NewEvent } from '../realtime/events.ts'
import { storeMessage, type Conversation, type Message, type NewMessage } from './store.ts'

/** A message from the assistant (or a system notice) in the rider's conversation. */
export async function botSays(
  s: Services, conv: Conversation, body: string, clientId: string, author: 'bot' | 'system' = 'bot', extra: { decision?: unknown; citations?: unknown } = {},
): Promise<Message> {
  return (await sayAndPublish(s, conv, { conversationId: conv.id, author, body, clientId, ...extra })).message
}

/** Stores a message with the conversation's activity and its live event (one statement), then publishes the event. */
export async function sayAndPublish(s: Services, conv: Conversation, m: NewMessage, opts: Parameters<typeof storeMessage>[3] = {}) {
  const r = await storeMessage(s.db, conv.storeId, m, { ...opts, notify: s.bus.notifyChannel })
  if (r.eventId && !r.notified) await s.bus.publish({ id: r.eventId, storeId: conv.storeId, conversationId: conv.id, kind: 'message' }).catch(() => { /* stored: SSE replay delivers it */ })
  return r
}

export function publishMessage(s: Services, conv: Conversation, m: Message) {
  return recordEvent(s.db, s.bus, messageEvent(conv, m))
}

/** The `events` row that puts a message on every live view. */
export const messageEvent = (conv: Conversation, m: Message): NewEvent => ({
  storeId: conv.storeId, conversationId: conv.id, kind: 'message',
  data: { messageId: m.id, author: m.author, internal: m.internal },
})
