/** The rider's message box; a fresh client id per render makes a resubmitted form idempotent. */
export function ChatComposer({ conversationId, clientId, error, value }: {
  conversationId: string; clientId: string; error?: string; value?: string
}) {
  return (
    <form id="composer" class="composer" hx-post={`/chat/${conversationId}/messages`} method="post" action={`/chat/${conversationId}/messages`} hx-swap="outerHTML" autocomplete="off">
      <input type="hidden" name="client_id" value={clientId} />
      <label class="sr-only" for="composer-body">Message</label>
      <textarea id="composer-body" name="body" rows={2} maxlength={4000} placeholder="Ask about a bike, a part, service…" required>{value ?? ''}</textarea>
      <button type="submit">Send</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  )
}
