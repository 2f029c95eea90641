import { raw } from 'hono/html'
import type { ConversationCard } from '../../src/conversations/store.ts'
import { InboxRow } from './InboxRow.tsx'

/** `rows`: the cards' InboxRow HTML when the caller already has it (the live inbox renders each card once). */
export function InboxList({ cards, now, timeZone, targets = {}, rows }: {
  cards: ConversationCard[]; now: Date; timeZone: string; targets?: Record<string, number>; rows?: string[]
}) {
  return (
    <ul id="inbox-list" class="cards">
      {cards.length === 0 && <li class="empty">Nothing here right now.</li>}
      {rows ? raw(rows.join('')) : cards.map((c) => <InboxRow c={c} now={now} timeZone={timeZone} targetMinutes={c.priority ? targets[c.priority] : undefined} />)}
    </ul>
  )
}
