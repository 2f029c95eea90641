import { eq } from 'drizzle-orm'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { customers } from '../db/schema.ts'
import { recordEvent } from '../realtime/events.ts'
import { publishMessage } from './say.ts'
import { sendLead } from '../integrations/outbound.ts'
import { conversationForVisitor, insertMessage } from './store.ts'

export const DEFAULT_CONSENT = 'You agree that the dealership may contact you about this request.'

export const ContactInput = v.pipe(
  v.object({
    name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, 'must be at most 100 characters'))),
    phone: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^$|^[+()\d\s.-]{7,30}$/, 'must be a phone number'))),
    email: v.optional(v.pipe(v.string(), v.trim(), v.check((e) => e === '' || v.is(v.pipe(v.string(), v.email()), e), 'must be an email address'))),
    consent: v.literal('1', 'please tick the consent box'),
  }),
  v.forward(v.check((c) => !!(c.phone || c.email), 'leave a phone number or an email'), ['phone']),
)
export type Contact = v.InferOutput<typeof ContactInput>

/** Stores the rider's contact details on their customer record and tells staff in the transcript. */
export async function saveContact(s: Services, storeId: string, visitorId: string, conversationId: string, c: Contact) {
  const conv = await conversationForVisitor(s.db, storeId, visitorId, conversationId)
  await s.db.update(customers).set({
    ...(c.name ? { name: c.name } : {}), ...(c.phone ? { phone: c.phone } : {}), ...(c.email ? { email: c.email } : {}),
  }).where(eq(customers.id, conv.customerId))
  const parts = [c.name, c.phone, c.email].filter(Boolean).join(' · ')
  const { message, duplicate } = await insertMessage(s.db, {
    conversationId: conv.id, author: 'system', internal: true, body: `Rider left contact details for a follow-up: ${parts}`, clientId: `contact:${Date.now()}`,
  })
  if (!duplicate) await publishMessage(s, conv, message)
  await recordEvent(s.db, s.bus, { storeId, conversationId: conv.id, kind: 'contact', data: { phone: !!c.phone, email: !!c.email } })
  // A sales or finance chat already handed off becomes a lead the CRM can act on once it has a phone or email.
  if (conv.status !== 'bot') await sendLead(s, conv, 'contact').catch((err) => console.error(`deliveries: could not queue the lead for ${conv.id}: ${(err as Error).message}`))
}
