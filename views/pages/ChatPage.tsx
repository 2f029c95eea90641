import type { Message } from '../../src/conversations/store.ts'
import { Layout } from '../Layout.tsx'
import { ChatComposer } from '../partials/ChatComposer.tsx'
import { Transcript } from '../partials/Transcript.tsx'
import { TypingIndicator } from '../partials/TypingIndicator.tsx'
import { ChatStatus, type ChatStatusProps } from '../partials/ChatStatus.tsx'
import { positionQuery, type StreamPosition } from '../../src/realtime/events.ts'

export interface ChatPageProps {
  storeName: string
  timeZone: string
  conversationId: string
  clientId: string
  messages: Message[]
  staffNames: Record<string, string>
  /** Where its live stream starts (the store's newest event when the page was read, and transactions still running). */
  position: StreamPosition
  status: ChatStatusProps
  embed: boolean
  contactForm?: unknown
  /** The rider's thumbs on AI answers, by message id. */
  ratings?: Record<string, number>
}

export function ChatPage(p: ChatPageProps) {
  return (
    <Layout title={`Chat with ${p.storeName}`} bodyClass={p.embed ? 'chat embed' : 'chat'}>
      <main class="chat-panel" hx-sse:connect={`/chat/${p.conversationId}/events?${positionQuery(p.position)}`} hx-swap="none">
        <header class="chat-head">
          <h1>{p.storeName}</h1>
          <p class="sub">Ask about units, parts, service or financing. A person can take over any time.</p>
        </header>
        <ChatStatus {...p.status} />
        {p.messages.length === 0 && <p class="hello">Hi! How can we help you ride today?</p>}
        <Transcript messages={p.messages} timeZone={p.timeZone} staffNames={p.staffNames} viewer="rider" ratings={p.ratings} />
        <p id="draft" class="draft" aria-live="off"></p>
        <TypingIndicator />
        <div id="contact-slot">{p.contactForm}</div>
        <ChatComposer conversationId={p.conversationId} clientId={p.clientId} />
      </main>
    </Layout>
  )
}
