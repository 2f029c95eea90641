import type { ConversationCard } from '../../src/conversations/store.ts'
import { Layout } from '../Layout.tsx'
import { InboxList } from '../partials/InboxList.tsx'

export function InboxPage({ staff, cards, now, timeZone, afterEventId }: {
  staff: { name: string; role: string }; cards: ConversationCard[]; now: Date; timeZone: string; afterEventId: number
}) {
  return (
    <Layout title="Inbox · Pitwall" staff={staff}>
      <main class="inbox" hx-sse:connect={`/inbox/events?after=${afterEventId}`} hx-swap="none">
        <h1>Conversations</h1>
        <InboxList cards={cards} now={now} timeZone={timeZone} />
      </main>
    </Layout>
  )
}
