import type { Child } from 'hono/jsx'

export interface MessageFormProps {
  /** Element id of the form; the textarea is `${id}-body`. */
  id: string
  action: string
  label: string
  placeholder: string
  rows: number
  /** A fresh client id per render makes a resubmitted form idempotent. */
  clientId: string
  error?: string
  value?: string
  /** Seconds after which app.js re-sends the form (same client id) after a retryable failure. */
  retryAfter?: number
  children?: Child
}

/** The message box shared by the rider's composer and the staff reply form; works before htmx loads too. */
export function MessageForm(p: MessageFormProps) {
  return (
    <form id={p.id} class="composer" hx-post={p.action} method="post" action={p.action} hx-swap="outerHTML" autocomplete="off"
      data-retry-after={p.retryAfter !== undefined ? String(p.retryAfter) : undefined}>
      <input type="hidden" name="client_id" value={p.clientId} />
      <label class="sr-only" for={`${p.id}-body`}>{p.label}</label>
      <textarea id={`${p.id}-body`} name="body" rows={p.rows} maxlength={4000} placeholder={p.placeholder} required>{p.value ?? ''}</textarea>
      <button type="submit">Send</button>
      {p.children}
      {p.error && <p class="error" role="alert">{p.error}</p>}
    </form>
  )
}
