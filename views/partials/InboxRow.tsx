import type { ConversationCard } from '../../src/conversations/store.ts'
import { formatWhen } from '../format.ts'
import { StatusBadge } from './StatusBadge.tsx'

/** One conversation in the list; a waiting one shows a live "waiting for" timer against its SLA target. */
export function InboxRow({ c, now, timeZone, targetMinutes }: { c: ConversationCard; now: Date; timeZone: string; targetMinutes?: number }) {
  const waitingMin = c.waitingSince ? Math.floor((now.getTime() - c.waitingSince.getTime()) / 60000) : 0
  const late = targetMinutes !== undefined && waitingMin >= targetMinutes
  return (
    <li id={`conv-${c.id}`} class={`card status-${c.status}${late ? ' late' : ''}`}>
      <a href={`/inbox/${c.id}`}>
        <div class="card-top">
          <strong>{c.customerName ?? 'Website visitor'}</strong>
          <StatusBadge status={c.status} />
          {c.department && <span class="badge dept">{c.department}</span>}
          {c.priority && <span class={`badge prio prio-${c.priorityRank}`}>{c.priority}</span>}
          <time datetime={c.lastMessageAt.toISOString()}>{formatWhen(c.lastMessageAt, now, timeZone)}</time>
        </div>
        {c.summary && <p class="summary-line">{c.summary.split('\n')[0]}</p>}
        <p class="snippet">{c.lastMessage ?? ''}</p>
        {c.status === 'waiting' && c.waitingSince && (
          <p class="waiting" data-since={c.waitingSince.toISOString()} data-target-min={targetMinutes}>
            Waiting <span class="elapsed">{waitingMin} min</span>{targetMinutes !== undefined && <> · target {targetMinutes} min</>}
          </p>
        )}
        {c.tags.length > 0 && <p class="tags">{c.tags.map((t) => <span class="tag">{t}</span>)}</p>}
        {c.assigneeName && <p class="assignee">Claimed by {c.assigneeName}</p>}
      </a>
    </li>
  )
}
