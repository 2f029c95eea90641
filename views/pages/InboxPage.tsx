import type { ConversationCard, InboxQuery, InboxView } from '../../src/conversations/store.ts'
import { Layout } from '../Layout.tsx'
import { InboxList } from '../partials/InboxList.tsx'
import { InboxTabs } from '../partials/InboxTabs.tsx'
import { InboxFilters, type FilterChoices } from '../partials/InboxFilters.tsx'
import { positionQuery, type StreamPosition } from '../../src/realtime/events.ts'

export interface InboxPageProps {
  staff: { name: string; role: string }
  view: InboxView
  query: InboxQuery
  /** The filters as a query string, kept by tab links and the live stream. */
  filterQuery: string
  cards: ConversationCard[]
  counts: Record<InboxView, number>
  choices: FilterChoices
  targets: Record<string, number>
  now: Date
  timeZone: string
  /** Where its live stream starts (the store's newest event when the page was read, and transactions still running). */
  position: StreamPosition
  banner?: unknown
}

export function InboxPage(p: InboxPageProps) {
  const stream = `/inbox/events?view=${p.view}${p.filterQuery ? `&${p.filterQuery}` : ''}&${positionQuery(p.position)}`
  return (
    <Layout title="Inbox · Pitwall" staff={p.staff}>
      <main class="inbox" hx-sse:connect={stream} hx-swap="none">
        {p.banner}
        <div class="notify-bar"><div id="notify" class="sr-only" aria-live="assertive"></div>
          <button type="button" class="link" id="enable-notifications">Enable desktop notifications</button></div>
        <InboxTabs current={p.view} counts={p.counts} filterQuery={p.filterQuery} />
        <InboxFilters view={p.view} q={p.query} choices={p.choices} />
        <InboxList cards={p.cards} now={p.now} timeZone={p.timeZone} targets={p.targets} />
      </main>
    </Layout>
  )
}
