import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Webhook signatures. Deliveries themselves go through the queue (deliveries.ts), which signs every
 * attempt afresh so a retry an hour later still passes a receiver's timestamp check.
 */

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: receivers recompute it and reject old timestamps. */
export function sign(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

export function verify(secret: string, body: string, header: string, toleranceS = 300, now = Date.now()): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
  if (!m || Math.abs(now / 1000 - Number(m[1])) > toleranceS) return false
  const expected = Buffer.from(sign(secret, body, Number(m[1])))
  const given = Buffer.from(header)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
