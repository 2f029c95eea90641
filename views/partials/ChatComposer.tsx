import { MessageForm } from './MessageForm.tsx'

/** The rider's message box. */
export function ChatComposer({ conversationId, clientId, error, value, retryAfter }: {
  conversationId: string; clientId: string; error?: string; value?: string; retryAfter?: number
}) {
  return <MessageForm id="composer" action={`/chat/${conversationId}/messages`} label="Message" rows={2}
    placeholder="Ask about a bike, a part, service…" clientId={clientId} error={error} value={value} retryAfter={retryAfter} />
}
