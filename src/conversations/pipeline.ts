import type { Services } from '../deps.ts'
import { redact } from '../agent/redact.ts'
import { recordEvent } from '../realtime/events.ts'
import {
  conversationForVisitor, insertMessage, updateConversation, type Conversation, type Message,
} from './store.ts'

export interface CustomerMessageInput {
  storeId: string
  visitorId: string
  conversationId: string
  clientId: string
  body: string
}

export const ACK_LINE = 'Thanks for your message! Our team at the dealership can see this chat and will reply here.'
const REDACTION_NOTE = 'For your safety we removed sensitive numbers from your message. Please don\'t share card numbers, SSNs or dates of birth in chat.'

/** persist -> (triage -> answer or hand off) -> publish. A retry with the same client id does nothing new. */
export async function postCustomerMessage(s: Services, input: CustomerMessageInput): Promise<{ message: Message; duplicate: boolean }> {
  const conv = await conversationForVisitor(s.db, input.storeId, input.visitorId, input.conversationId)
  const { text, kinds } = redact(input.body)
  const { message, duplicate } = await insertMessage(s.db, {
    conversationId: conv.id, author: 'customer', body: text, clientId: input.clientId,
  })
  if (duplicate) return { message, duplicate }
  const reopened = conv.status === 'closed'
  const current = await updateConversation(s.db, conv.id, {
    lastMessageAt: message.createdAt, ...(reopened ? { status: 'bot', closedAt: null, assigneeId: null } : {}),
  })
  await publishMessage(s, current, message)
  if (reopened) await recordEvent(s.db, s.bus, { storeId: conv.storeId, conversationId: conv.id, kind: 'status', data: { from: 'closed', to: 'bot' } })
  if (kinds.length) await botSays(s, current, REDACTION_NOTE, `redaction:${message.id}`, 'system')
  if (current.status === 'bot') await botSays(s, current, ACK_LINE, `bot:${message.id}`)
  return { message, duplicate }
}

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
  return recordEvent(s.db, s.bus, {
    storeId: conv.storeId, conversationId: conv.id, kind: 'message',
    data: { messageId: m.id, author: m.author, internal: m.internal },
  })
}
