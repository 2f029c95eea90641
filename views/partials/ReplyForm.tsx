/** Staff reply box; like the rider's composer it carries a one-time client id. */
export function ReplyForm({ conversationId, clientId, error, value }: {
  conversationId: string; clientId: string; error?: string; value?: string
}) {
  return (
    <form id="reply" class="composer" hx-post={`/inbox/${conversationId}/reply`} method="post" action={`/inbox/${conversationId}/reply`} hx-swap="outerHTML" autocomplete="off">
      <input type="hidden" name="client_id" value={clientId} />
      <label class="sr-only" for="reply-body">Reply</label>
      <textarea id="reply-body" name="body" rows={3} maxlength={4000} placeholder="Reply to the rider…" required>{value ?? ''}</textarea>
      <button type="submit">Send reply</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  )
}
