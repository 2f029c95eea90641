import { MessageForm } from './MessageForm.tsx'

/** The rider's message box. */
export function ChatComposer({ conversationId, clientId, error, value }: {
  conversationId: string; clientId: string; error?: string; value?: string
}) {
  return <MessageForm id="composer" action={`/chat/${conversationId}/messages`} label="Message" rows={2}
    placeholder="Ask about a bike, a part, service…" clientId={clientId} error={error} value={value} />
}
