import type { Conversation } from '../../src/conversations/store.ts'
import { StatusBadge } from './StatusBadge.tsx'

export interface RiderContact { name: string | null; phone: string | null; email: string | null }

export function ConversationHeader({ c, contact, assigneeName }: {
  c: Conversation; contact: RiderContact; assigneeName: string | null
}) {
  return (
    <div id="conv-header" class="conv-header">
      <h1>{contact.name ?? 'Website visitor'}</h1>
      <StatusBadge status={c.status} />
      {c.department && <span class="badge dept">{c.department}</span>}
      {c.priority && <span class="badge prio">{c.priority}</span>}
      {assigneeName && <span class="assignee">Claimed by {assigneeName}</span>}
      {(contact.phone || contact.email) && (
        <p class="contact-line">
          {contact.phone && <a href={`tel:${contact.phone.replace(/[^+\d]/g, '')}`}>{contact.phone}</a>}
          {contact.phone && contact.email && ' · '}
          {contact.email && <a href={`mailto:${contact.email}`}>{contact.email}</a>}
        </p>
      )}
      {c.escalationReason && <p class="reason">{c.escalationReason}</p>}
    </div>
  )
}
