import type { ConversationCard } from '../../src/conversations/store.ts'
import { InboxRow } from './InboxRow.tsx'

export function InboxList({ cards, now, timeZone, targets = {} }: {
  cards: ConversationCard[]; now: Date; timeZone: string; targets?: Record<string, number>
}) {
  return (
    <ul id="inbox-list" class="cards">
      {cards.length === 0 && <li class="empty">Nothing here right now.</li>}
      {cards.map((c) => <InboxRow c={c} now={now} timeZone={timeZone} targetMinutes={c.priority ? targets[c.priority] : undefined} />)}
    </ul>
  )
}
