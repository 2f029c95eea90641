import { createHmac } from 'node:crypto'
import type { Db } from '../db/client.ts'
import type { Bus } from '../realtime/bus.ts'
import { recordEvent } from '../realtime/events.ts'

export interface WebhookTarget { url: string; secret: string }
export interface WebhookOptions { attempts?: number; baseDelayMs?: number; timeoutMs?: number; fetch?: typeof fetch }

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: receivers recompute it and reject old timestamps. */
export function sign(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

export function verify(secret: string, body: string, header: string, toleranceS = 300, now = Date.now()): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
  if (!m || Math.abs(now / 1000 - Number(m[1])) > toleranceS) return false
  return sign(secret, body, Number(m[1])) === header
}

/**
 * Posts a signed JSON payload with retries and exponential backoff, in the background; each
 * outcome is appended to `events` (kind `webhook`) as the delivery log.
 */
export function deliverWebhook(
  deps: { db: Db; bus: Bus }, storeId: string, conversationId: string | null, target: WebhookTarget, payload: Record<string, unknown>, o: WebhookOptions = {},
): Promise<boolean> {
  const attempts = o.attempts ?? 4
  const body = JSON.stringify(payload)
  const doFetch = o.fetch ?? fetch
  const log = (data: Record<string, unknown>) =>
    recordEvent(deps.db, deps.bus, { storeId, conversationId, kind: 'webhook', data: { url: target.url, event: payload.event, ...data } }).catch(() => {})
  return (async () => {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let status = 0
      let error: string | undefined
      try {
        const res = await doFetch(target.url, {
          method: 'POST', body, signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
          headers: { 'content-type': 'application/json', 'x-pitwall-signature': sign(target.secret, body), 'user-agent': 'Pitwall-Webhook/1' },
        })
        status = res.status
        await res.body?.cancel().catch(() => {})
      } catch (err) {
        error = (err as Error).message
      }
      if (status >= 200 && status < 300) {
        await log({ status: 'delivered', attempt, http: status })
        return true
      }
      await log({ status: attempt === attempts ? 'failed' : 'retrying', attempt, http: status || null, error })
      if (attempt < attempts) await Bun.sleep((o.baseDelayMs ?? 1000) * 4 ** (attempt - 1))
    }
    return false
  })()
}
