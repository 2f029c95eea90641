import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { deliveries } from '../../src/db/schema.ts'
import { runDue } from '../../src/integrations/deliveries.ts'
import { sign, verify } from '../../src/integrations/webhooks.ts'
import { freshPglite } from '../support/db.ts'
import { demoApp } from '../support/app.ts'
import type { Database } from '../../src/db/client.ts'

describe('handoff webhooks', () => {
  let database: Database
  let ctx: Awaited<ReturnType<typeof demoApp>>
  const received: { body: string; sig: string }[] = []
  let failFirst = true
  let clock = new Date()
  const receiver = Bun.serve({
    port: 0,
    async fetch(req) {
      const body = await req.text()
      received.push({ body, sig: req.headers.get('x-pitwall-signature') ?? '' })
      if (failFirst) { failFirst = false; return new Response('busy', { status: 503 }) }
      return new Response('ok')
    },
  })
  beforeAll(async () => {
    database = await freshPglite()
    // The queue is driven by hand (runDue) on a clock the test moves, so retries need no sleeping.
    ctx = await demoApp(database, { now: () => clock })
    ctx.services.deliveryOptions = { baseDelayMs: 60_000 }
  })
  afterAll(async () => { receiver.stop(true); await database.close() })

  test('signatures verify, and tampering or old timestamps fail', () => {
    const h = sign('s'.repeat(20), '{"a":1}')
    expect(verify('s'.repeat(20), '{"a":1}', h)).toBe(true)
    expect(verify('s'.repeat(20), '{"a":2}', h)).toBe(false)
    expect(verify('t'.repeat(20), '{"a":1}', h)).toBe(false)
    expect(verify('s'.repeat(20), '{"a":1}', sign('s'.repeat(20), '{"a":1}', 1000))).toBe(false)
  })

  test('admins configure a department webhook; a handoff is queued, delivered signed, retried after a 503, and logged', async () => {
    const admin = ctx.client(); await admin.login()
    const secret = 'a-very-secret-value'
    const bad = await admin.request('/settings', { method: 'POST', form: { webhook_url_sales: 'ftp://x', webhook_secret_sales: secret } })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('webhook_url_sales')
    const badCanned = await admin.request('/settings', { method: 'POST', form: { canned: 'sales | Hi | Hello\nmarketing | X | y' } })
    expect(badCanned.status).toBe(400)
    expect(await badCanned.text()).toContain('canned, line 2')
    const ok = await admin.request('/settings', { method: 'POST', form: { webhook_url_sales: `http://localhost:${receiver.port}/hook`, webhook_secret_sales: secret, canned: 'sales | Hi | Hello there' } })
    expect(ok.status).toBe(200)
    const rider = ctx.client()
    const id = randomUUID()
    await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'I want to buy' } })
    expect((await rider.request(`/chat/${id}/handoff`, { method: 'POST' })).status).toBe(204)
    expect(await runDue(ctx.services)).toBe(1)
    expect(received).toHaveLength(1)
    const [first] = await ctx.services.db.select().from(deliveries).where(eq(deliveries.conversationId, id))
    expect(first).toMatchObject({ channel: 'webhook', event: 'handoff', status: 'retrying', attempts: 1, lastStatus: 503 })
    expect(first.lastError).toContain('HTTP 503: busy')
    // Not due again until the backoff has passed.
    expect(await runDue(ctx.services)).toBe(0)
    clock = new Date(clock.getTime() + 60_001)
    expect(await runDue(ctx.services)).toBe(1)
    expect(received).toHaveLength(2)
    const payload = JSON.parse(received[1].body)
    expect(payload).toMatchObject({ event: 'handoff', conversationId: id, department: 'sales', id: first.id })
    expect(verify(secret, received[1].body, received[1].sig)).toBe(true)
    const [done] = await ctx.services.db.select().from(deliveries).where(eq(deliveries.id, first.id))
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200, lastError: null })
  })
})
