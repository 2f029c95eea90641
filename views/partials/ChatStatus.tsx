import type { ConversationStatus } from '../../src/db/schema.ts'
import { ChatRating } from './ChatRating.tsx'

export interface ChatStatusProps {
  conversationId: string
  status: ConversationStatus
  /** The staff member answering, when one has taken over. */
  agentName?: string | null
  department?: string | null
  /** "within 15 minutes" or "when service opens Tue 8:00 AM". */
  expectReply?: string | null
  /** Once closed: the rider's 1-5 rating of the chat, if given. */
  chatRating?: number | null
}

/** Tells the rider who is answering and, once handed off, when a person will reply. */
export function ChatStatus(p: ChatStatusProps) {
  const who = p.status === 'claimed' && p.agentName
    ? <><strong>{p.agentName}</strong>{p.department ? ` (${p.department})` : ''} is chatting with you</>
    : p.status === 'waiting'
      ? <>A person from our {p.department ?? 'team'} will reply {p.expectReply ?? 'shortly'}.</>
      : <>You're chatting with our <strong>AI assistant</strong>.</>
  return (
    <div id="chat-status" class={`chat-status status-${p.status}`} role="status">
      <span class="who">{who}</span>
      {p.status === 'closed' && <ChatRating conversationId={p.conversationId} value={p.chatRating} />}
      {p.status === 'bot' && (
        <button type="button" class="secondary person" hx-post={`/chat/${p.conversationId}/handoff`} hx-swap="none">Talk to a person</button>
      )}
    </div>
  )
}
