import type { Message } from '../../src/conversations/store.ts'
import { formatTime } from '../format.ts'
import type { Citation } from '../../src/agent/contract.ts'
import { CitationCards } from './CitationCards.tsx'
import { AnswerRating } from './AnswerRating.tsx'

/** An answer the AI composed (it records its source), as opposed to a handoff notice or acknowledgement. */
const isAiAnswer = (m: Message) => m.author === 'bot' && !!(m.decision as { source?: string } | null)?.source

const WHO: Record<Message['author'], string> = { customer: 'Rider', bot: 'Assistant', staff: 'Staff', system: 'Notice' }

/** One message; text is always escaped by hono/jsx, so rider input can never become markup. */
export function MessageItem({ m, timeZone, staffName, viewer, rating }: {
  m: Message; timeZone: string; staffName?: string | null; viewer: 'rider' | 'staff'; rating?: number | null
}) {
  const mine = viewer === 'rider' ? m.author === 'customer' : m.author === 'staff'
  const who = m.author === 'staff' && staffName ? staffName : viewer === 'rider' && m.author === 'customer' ? 'You' : WHO[m.author]
  return (
    <li id={`msg-${m.id}`} class={`msg msg-${m.author}${mine ? ' mine' : ''}${m.internal ? ' internal' : ''}`} data-author={m.author}>
      <div class="meta"><span class="who">{who}</span> <time datetime={m.createdAt.toISOString()}>{formatTime(m.createdAt, timeZone)}</time></div>
      <div class="body">{m.body}</div>
      {Array.isArray(m.citations) && <CitationCards citations={m.citations as Citation[]} />}
      {viewer === 'rider' && isAiAnswer(m) && <AnswerRating conversationId={m.conversationId} messageId={m.id} value={rating} />}
    </li>
  )
}
