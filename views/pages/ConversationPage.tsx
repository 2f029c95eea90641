import type { Conversation, Message } from '../../src/conversations/store.ts'
import { Layout } from '../Layout.tsx'
import { ConversationHeader, type RiderContact } from '../partials/ConversationHeader.tsx'
import { ConversationActions } from '../partials/ConversationActions.tsx'
import { ReplyForm, type CannedReply } from '../partials/ReplyForm.tsx'
import { Transcript } from '../partials/Transcript.tsx'
import { TypingIndicator } from '../partials/TypingIndicator.tsx'
import { Viewers } from '../partials/Viewers.tsx'
import { LabelEditor } from '../partials/LabelEditor.tsx'
import { TracePanel, type StoredTrace } from '../partials/TracePanel.tsx'
import { SearchPanel } from '../partials/SearchPanel.tsx'
import { SummaryPanel } from '../partials/SummaryPanel.tsx'
import type { FilterChoices } from '../partials/InboxFilters.tsx'
import { positionQuery, type StreamPosition } from '../../src/realtime/events.ts'

export interface ConversationPageProps {
  staff: { name: string; role: string }
  conversation: Conversation
  contact: RiderContact
  assigneeName: string | null
  messages: Message[]
  staffNames: Record<string, string>
  timeZone: string
  clientId: string
  /** Where its live stream starts (the store's newest event when the page was read, and transactions still running). */
  position: StreamPosition
  departments: string[]
  meId: string
  viewers: string[]
  canned: CannedReply[]
  choices: FilterChoices
}

export function ConversationPage(p: ConversationPageProps) {
  const id = p.conversation.id
  return (
    <Layout title="Conversation · Pitwall" staff={p.staff}>
      <div class="conversation-layout">
      <main class="conversation" hx-sse:connect={`/inbox/${id}/events?${positionQuery(p.position)}`} hx-swap="none">
        <p><a href="/inbox">← All conversations</a></p>
        <ConversationHeader c={p.conversation} contact={p.contact} assigneeName={p.assigneeName} />
        <ConversationActions c={p.conversation} departments={p.departments} meId={p.meId} />
        <LabelEditor c={p.conversation} priorities={p.choices.priorities} tags={p.choices.tags} />
        <SummaryPanel summary={p.conversation.summary} />
        {/* Whether the CRM got this chat's lead: fetched after the page, refreshed while it is open. */}
        <div id="lead-slot" hx-get={`/deliveries/conversation/${id}`} hx-trigger="load, every 30s" hx-swap="innerHTML"></div>
        <TracePanel reason={p.conversation.escalationReason} trace={p.conversation.escalationTrace as StoredTrace | null} />
        <Viewers names={p.viewers} me={p.staff.name} />
        <Transcript messages={p.messages} timeZone={p.timeZone} staffNames={p.staffNames} viewer="staff" />
        <TypingIndicator />
        <ReplyForm conversationId={id} clientId={p.clientId} canned={p.canned} />
      </main>
      <SearchPanel />
      </div>
    </Layout>
  )
}
