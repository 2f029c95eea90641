/** Replaced live; app.js clears it a few seconds after the last signal. */
export function TypingIndicator({ who }: { who?: string }) {
  return <p id="typing" class="typing" aria-live="polite">{who ? `${who} is typing…` : ''}</p>
}
