import type { ConversationCard } from '../../src/conversations/store.ts'
import { formatWhen } from '../format.ts'
import { StatusBadge } from './StatusBadge.tsx'

export function InboxRow({ c, now, timeZone }: { c: ConversationCard; now: Date; timeZone: string }) {
  return (
    <li id={`conv-${c.id}`} class={`card status-${c.status}`}>
      <a href={`/inbox/${c.id}`}>
        <div class="card-top">
          <strong>{c.customerName ?? 'Website visitor'}</strong>
          <StatusBadge status={c.status} />
          {c.department && <span class="badge dept">{c.department}</span>}
          {c.priority && <span class={`badge prio prio-${c.priorityRank}`}>{c.priority}</span>}
          <time datetime={c.lastMessageAt.toISOString()}>{formatWhen(c.lastMessageAt, now, timeZone)}</time>
        </div>
        <p class="snippet">{c.lastMessage ?? ''}</p>
        {c.assigneeName && <p class="assignee">Claimed by {c.assigneeName}</p>}
      </a>
    </li>
  )
}
