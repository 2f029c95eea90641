import type { Services } from '../deps.ts'
import { redact } from '../agent/redact.ts'
import { recordEvent } from '../realtime/events.ts'
import {
  conversationForVisitor, insertMessage, transcript, updateConversation, type Conversation, type Message,
} from './store.ts'
import { eq } from 'drizzle-orm'
import { messages } from '../db/schema.ts'
import type { TriageContext } from '../escalation/types.ts'
import { applyDecision, defaultHandoffReply } from './handoff.ts'
import { aiAnswers } from './state.ts'
import { botSays, publishMessage } from './say.ts'

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
  await respond(s, current, message)
  return { message, duplicate }
}

/** Triage, then: hand off (tell the rider who replies and when), offer a person, or answer. */
async function respond(s: Services, conv: Conversation, message: Message) {
  const decision = s.triage ? await s.triage(await triageContext(s, conv, message)) : undefined
  let current = conv
  if (decision) {
    await s.db.update(messages).set({ decision }).where(eq(messages.id, message.id))
    current = await applyDecision(s, conv, message, decision)
  }
  if (decision?.action === 'handoff' && conv.status === 'bot' && current.status === 'waiting') {
    const reply = decision.reply ?? defaultHandoffReply(current.department ?? undefined, s.expectReply?.(current))
    await botSays(s, current, reply, `bot:${message.id}`, 'bot', { decision: { rules: decision.rules } })
    return
  }
  if (!aiAnswers(current.status)) return
  await botSays(s, current, decision?.reply ?? ACK_LINE, `bot:${message.id}`)
}

/** The rider's message with the conversation so far, as the escalation engine reads it. */
async function triageContext(s: Services, conv: Conversation, message: Message): Promise<TriageContext> {
  const earlier = (await transcript(s.db, conv.id, { includeInternal: false })).filter((m) => m.id !== message.id)
  return {
    text: message.body, now: s.now(),
    history: earlier.map((m) => ({ author: m.author, text: m.body })),
    turn: earlier.filter((m) => m.author === 'customer').length + 1,
  }
}

