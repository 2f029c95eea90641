import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import { ChatComposer } from '../../views/partials/ChatComposer.tsx'
import { isJson } from './middleware.ts'

/** Seconds a client should wait before retrying while the database is unreachable. */
export const RETRY_AFTER_S = 2

export const UNAVAILABLE_MESSAGE =
  'The chat is reconnecting to its database. Please retry in a few seconds with the same client_id: a message is never stored twice.'
const COMPOSER_MESSAGE = "We couldn't send that just now — trying again in a moment. Your message is kept here and won't be sent twice."

/**
 * 503 + Retry-After for a request that failed because the database is briefly unreachable. The rider's composer
 * comes back with their text and the same client id, marked for app.js to re-send it; API clients get JSON.
 */
export async function databaseUnavailable(c: Context): Promise<Response> {
  c.header('Retry-After', String(RETRY_AFTER_S))
  c.header('Cache-Control', 'no-store')
  const composer = c.req.method === 'POST' && c.req.header('hx-request') && /^\/chat\/([0-9a-f-]{36})\/messages$/.exec(c.req.path)
  if (composer) {
    const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>))
    const clientId = typeof form.client_id === 'string' && /^[A-Za-z0-9_.:-]{8,64}$/.test(form.client_id) ? form.client_id : randomUUID()
    const value = typeof form.body === 'string' ? form.body : ''
    return c.html(<ChatComposer conversationId={composer[1]} clientId={clientId} value={value} error={COMPOSER_MESSAGE} retryAfter={RETRY_AFTER_S} />, 503)
  }
  if (isJson(c) || (c.req.header('accept') ?? '').includes('application/json')) return c.json({ error: UNAVAILABLE_MESSAGE, retryable: true }, 503)
  return c.text('Reconnecting to the database. Please retry in a few seconds.', 503)
}
