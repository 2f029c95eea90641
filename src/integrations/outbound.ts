import { randomUUID } from 'node:crypto'
import type { Services } from '../deps.ts'
import type { ConversationEventName } from '../db/schema.ts'
import { getStore, transcript, type Conversation, type Store } from '../conversations/store.ts'
import { buildAdf } from './adf.ts'
import { enqueue } from './deliveries.ts'
import { isLead, leadFor } from './leads.ts'

/**
 * What leaves Pitwall when a conversation changes: signed webhooks to the department's hook and to every
 * store subscription for the event, and on sales/finance handoffs an ADF lead to the CRM. Everything goes
 * through the delivery queue, so a slow or failing receiver never holds up the chat.
 */
export async function conversationEvent(
  s: Services, conv: Conversation, event: ConversationEventName, data: Record<string, unknown> = {}, opts: { lead?: boolean } = {},
): Promise<void> {
  // Staff and riders must never see an error because an integration could not be queued; it is logged.
  await queueOutbound(s, conv, event, data, opts).catch((err) => console.error(`deliveries: could not queue ${event} for ${conv.id}: ${(err as Error).message}`))
}

async function queueOutbound(s: Services, conv: Conversation, event: ConversationEventName, data: Record<string, unknown>, opts: { lead?: boolean }) {
  const store = await getStore(s.db, conv.storeId)
  const settings = store.settings
  const urls = new Set<string>()
  if (event === 'handoff') for (const h of settings.webhooks ?? []) if (h.department === conv.department) urls.add(h.url)
  for (const sub of settings.subscriptions ?? []) if (sub.events.includes(event)) urls.add(sub.url)
  for (const url of urls) {
    const id = randomUUID()
    const payload = {
      id, event, at: s.now().toISOString(), storeId: conv.storeId, conversationId: conv.id,
      status: conv.status, department: conv.department, priority: conv.priority, tags: conv.tags,
      link: `${s.config.publicUrl ?? ''}/inbox/${conv.id}`, ...data,
    }
    await enqueue(s, { id, storeId: conv.storeId, conversationId: conv.id, channel: 'webhook', event, target: url, payload: JSON.stringify(payload) })
  }
  if (event === 'handoff' && opts.lead !== false) await sendLead(s, conv, 'handoff', store)
}

/** Queues the ADF lead for a conversation handed to a lead department (on handoff, and when the rider leaves contact details). */
export async function sendLead(s: Services, conv: Conversation, reason: 'handoff' | 'contact', known?: Store): Promise<number> {
  const store = known ?? await getStore(s.db, conv.storeId)
  if (!isLead(store.settings, conv)) return 0
  const lines = await transcript(s.db, conv.id, { includeInternal: false })
  const xml = buildAdf(await leadFor(s.db, store, conv, lines, s.config.publicUrl, s.now()))
  const leads = store.settings.leads!
  const base = { storeId: conv.storeId, conversationId: conv.id, event: `lead:${reason}`, contentType: 'application/xml', payload: xml }
  let n = 0
  if (leads.url) { await enqueue(s, { ...base, channel: 'lead-http', target: leads.url }); n++ }
  if (leads.email) { await enqueue(s, { ...base, channel: 'lead-email', target: leads.email }); n++ }
  return n
}
