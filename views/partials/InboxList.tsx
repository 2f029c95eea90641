import type { ConversationCard } from '../../src/conversations/store.ts'
import { InboxRow } from './InboxRow.tsx'

export function InboxList({ cards, now, timeZone }: { cards: ConversationCard[]; now: Date; timeZone: string }) {
  return (
    <ul id="inbox-list" class="cards">
      {cards.length === 0 && <li class="empty">No conversations yet. Open <a href="/chat">the rider chat</a> to try one.</li>}
      {cards.map((c) => <InboxRow c={c} now={now} timeZone={timeZone} />)}
    </ul>
  )
}
