/** 1-5 stars once the chat is closed; after a vote it thanks the rider (who may still change it). */
export function ChatRating({ conversationId, value, error }: { conversationId: string; value?: number | null; error?: string }) {
  return (
    <form id="chat-rating" class="rate-chat" method="post" action={`/chat/${conversationId}/ratings`} hx-post={`/chat/${conversationId}/ratings`} hx-swap="outerHTML">
      <input type="hidden" name="kind" value="chat" />
      <fieldset>
        <legend>{value ? `Thanks! You rated this chat ${value} of 5.` : 'How was this chat?'}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <button type="submit" name="value" value={String(n)} class="star" aria-pressed={value === n ? 'true' : 'false'} aria-label={`${n} of 5`}>
            {value && n <= value ? '★' : '☆'}
          </button>
        ))}
      </fieldset>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  )
}
