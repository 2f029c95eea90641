import type { Conversation } from '../../src/conversations/store.ts'
import { StatusBadge } from './StatusBadge.tsx'

export function ConversationHeader({ c, customerName, assigneeName }: {
  c: Conversation; customerName: string | null; assigneeName: string | null
}) {
  return (
    <div id="conv-header" class="conv-header">
      <h1>{customerName ?? 'Website visitor'}</h1>
      <StatusBadge status={c.status} />
      {c.department && <span class="badge dept">{c.department}</span>}
      {c.priority && <span class="badge prio">{c.priority}</span>}
      {assigneeName && <span class="assignee">Claimed by {assigneeName}</span>}
      {c.escalationReason && <p class="reason">{c.escalationReason}</p>}
    </div>
  )
}
