/** Thumbs up/down under an AI answer; the rider's current vote is pressed. Works as a plain form without htmx. */
export function AnswerRating({ conversationId, messageId, value, error }: { conversationId: string; messageId: string; value?: number | null; error?: string }) {
  return (
    <form class="rate-answer" method="post" action={`/chat/${conversationId}/ratings`} hx-post={`/chat/${conversationId}/ratings`} hx-swap="outerHTML">
      <input type="hidden" name="kind" value="answer" />
      <input type="hidden" name="message_id" value={messageId} />
      <span class="label">{value ? 'Thanks for the feedback' : 'Was this helpful?'}</span>
      <button type="submit" name="value" value="up" class="link" aria-pressed={value === 1 ? 'true' : 'false'} aria-label="Helpful">👍</button>
      <button type="submit" name="value" value="down" class="link" aria-pressed={value === -1 ? 'true' : 'false'} aria-label="Not helpful">👎</button>
      {error && <span class="error" role="alert">{error}</span>}
    </form>
  )
}
