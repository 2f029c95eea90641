import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bootServices } from '../../src/boot.ts'
import { seedDemoStore } from '../../src/staff/demo.ts'
import { eq } from 'drizzle-orm'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { deliveries, stores } from '../../src/db/schema.ts'
import { backoffMs, enqueue, runDue, startDeliveryWorker } from '../../src/integrations/deliveries.ts'
import { verify } from '../../src/integrations/webhooks.ts'
import { backends, scratchPostgres, TEST_DATABASE_URL } from '../support/db.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { demoApp, testConfig } from '../support/app.ts'

/** A local webhook receiver that verifies signatures as a dealer's endpoint would; `fail` makes it answer 500. */
function receiver(secret: string) {
  const got: Array<{ body: string; sig: string; event: string; delivery: string; valid: boolean }> = []
  const state = { fail: false }
  const server = Bun.serve({
    port: 0,
    async fetch(req) {
      const body = await req.text()
      const sig = req.headers.get('x-pitwall-signature') ?? ''
      got.push({ body, sig, event: req.headers.get('x-pitwall-event') ?? '', delivery: req.headers.get('x-pitwall-delivery') ?? '', valid: verify(secret, body, sig) })
      return state.fail ? new Response('boom', { status: 500 }) : new Response('ok')
    },
  })
  return { got, state, url: `http://127.0.0.1:${server.port}/hook`, stop: () => server.stop(true) }
}

const SECRET = 'subscription-secret-123'

for (const backend of backends) {
  describe(`delivery queue (${backend.name})`, () => {
    let db: { database: Database; cleanup(): Promise<void> }
    let ctx: Awaited<ReturnType<typeof demoApp>>
    let clock = new Date('2026-11-24T15:00:00Z')
    const hook = receiver(SECRET)
    const tick = (ms: number) => { clock = new Date(clock.getTime() + ms) }

    beforeAll(async () => {
      db = await backend.open()
      ctx = await demoApp(db.database, { now: () => clock })
      ctx.services.deliveryOptions = { maxAttempts: 3, baseDelayMs: 1000, timeoutMs: 2000 }
    })
    afterAll(async () => { hook.stop(); await db.cleanup() })

    const row = async (id: string) => (await ctx.services.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]

    test('backoff grows 4x per failure and is capped', () => {
      const o = { baseDelayMs: 1000, maxDelayMs: 20_000 }
      expect([1, 2, 3, 4].map((n) => backoffMs(n, o))).toEqual([1000, 4000, 16_000, 20_000])
    })

    test('a failing receiver is retried with backoff, given up after maxAttempts, and a staff retry sends it again', async () => {
      hook.state.fail = true
      const d = await enqueue(ctx.services, { storeId: 'demo', channel: 'webhook', event: 'claim', target: hook.url, payload: '{"event":"claim"}' })
      // The webhook must be configured for the worker to find its secret.
      await ctx.services.db.update(stores).set({ settings: { ...(await storeSettings()), subscriptions: [{ url: hook.url, secret: SECRET, events: ['claim'] }] } }).where(eq(stores.id, 'demo'))
      expect(await runDue(ctx.services)).toBe(1)
      expect(await row(d.id)).toMatchObject({ status: 'retrying', attempts: 1, lastStatus: 500 })
      expect((await row(d.id)).nextAttemptAt.getTime()).toBe(clock.getTime() + 1000)
      tick(999)
      expect(await runDue(ctx.services)).toBe(0)
      tick(1)
      expect(await runDue(ctx.services)).toBe(1)
      expect((await row(d.id)).nextAttemptAt.getTime()).toBe(clock.getTime() + 4000)
      tick(4000)
      expect(await runDue(ctx.services)).toBe(1)
      const failed = await row(d.id)
      expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500 })
      expect(failed.lastError).toContain('HTTP 500: boom')
      tick(3_600_000)
      expect(await runDue(ctx.services)).toBe(0)
      expect(hook.got.filter((g) => g.delivery === d.id)).toHaveLength(3)
      expect(hook.got.every((g) => g.valid)).toBe(true)

      const admin = ctx.client(); await admin.login()
      const page = await (await admin.request('/settings/deliveries?status=failed')).text()
      expect(page).toContain(`/settings/deliveries/${d.id}/retry`)
      expect(page).toContain('HTTP 500: boom')
      // A cross-site form post cannot trigger a retry.
      const forged = await admin.request(`/settings/deliveries/${d.id}/retry`, { method: 'POST', headers: { origin: 'https://evil.example' }, form: {} })
      expect(forged.status).toBe(403)
      hook.state.fail = false
      const retried = await admin.request(`/settings/deliveries/${d.id}/retry`, { method: 'POST', form: {} })
      expect(retried.status).toBe(200)
      expect(await row(d.id)).toMatchObject({ status: 'pending' })
      expect(await runDue(ctx.services)).toBe(1)
      expect(await row(d.id)).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200, lastError: null })
      const again = await admin.request(`/settings/deliveries/${d.id}/retry`, { method: 'POST', form: {} })
      expect(again.status).toBe(409)
    })

    test('an unreachable target and a removed webhook are recorded with a clear error', async () => {
      const dead = await enqueue(ctx.services, { storeId: 'demo', channel: 'lead-http', event: 'lead:handoff', target: 'http://127.0.0.1:9/adf', contentType: 'application/xml', payload: '<adf/>' })
      const gone = await enqueue(ctx.services, { storeId: 'demo', channel: 'webhook', event: 'close', target: 'http://127.0.0.1:9/removed', payload: '{}' })
      expect(await runDue(ctx.services)).toBe(2)
      const d = await row(dead.id)
      expect(d.status).toBe('retrying')
      expect(d.lastError).toBeTruthy()
      expect(await row(gone.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'this webhook is no longer configured in settings' })
    })

    test('store subscriptions get handoff, claim and close, each signed, with the delivery id in payload and header', async () => {
      const admin = ctx.client(); await admin.login()
      const save = await admin.request('/settings', { method: 'POST', form: { sub_url_0: hook.url, sub_secret_0: SECRET, sub_events_0: 'handoff' } })
      expect(save.status).toBe(200)
      // All three events: URLSearchParams in a form cannot repeat a key through the helper, so post it raw.
      const body = new URLSearchParams([['sub_url_0', hook.url], ['sub_secret_0', SECRET], ['sub_events_0', 'handoff'], ['sub_events_0', 'claim'], ['sub_events_0', 'close']])
      const res = await admin.request('/settings', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() })
      expect(res.status).toBe(200)
      const html = await (await admin.request('/settings')).text()
      expect(html).toContain(hook.url)
      const bad = await admin.request('/settings', { method: 'POST', form: { sub_url_0: hook.url, sub_secret_0: SECRET, sub_events_0: 'sold' } })
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain('sub_events_0')

      await runDue(ctx.services)
      const before = hook.got.length
      const rider = ctx.client()
      const id = randomUUID()
      await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'what time do you close' } })
      expect((await rider.request(`/chat/${id}/handoff`, { method: 'POST' })).status).toBe(204)
      expect((await admin.request(`/inbox/${id}/claim`, { method: 'POST', form: {} })).status).toBeLessThan(400)
      expect((await admin.request(`/inbox/${id}/close`, { method: 'POST', form: {} })).status).toBeLessThan(400)
      expect(await runDue(ctx.services)).toBe(3)
      const mine = hook.got.slice(before)
      expect(mine.map((g) => g.event).sort()).toEqual(['claim', 'close', 'handoff'])
      for (const g of mine) {
        expect(g.valid).toBe(true)
        const p = JSON.parse(g.body)
        expect(p.id).toBe(g.delivery)
        expect(p.conversationId).toBe(id)
        expect(p.event).toBe(g.event)
      }
      const claim = JSON.parse(mine.find((g) => g.event === 'claim')!.body)
      expect(claim.staff.name).toBe('Morgan Hale')
      // Tampering breaks the signature.
      expect(verify(SECRET, mine[0].body.replace(id, randomUUID()), mine[0].sig)).toBe(false)
    })

    test('the running worker sends right after an enqueue (kick) and stops cleanly', async () => {
      const services = { ...ctx.services, now: () => new Date() }
      const worker = startDeliveryWorker(services, 60_000)
      const before = hook.got.length
      await enqueue({ ...services, deliveryWorker: worker }, { storeId: 'demo', channel: 'webhook', event: 'handoff', target: hook.url, payload: '{"event":"handoff"}' })
      for (let i = 0; i < 200 && hook.got.length === before; i++) await Bun.sleep(10)
      expect(hook.got.length).toBe(before + 1)
      await worker.stop()
    })

    test('staff who are not admins cannot see the delivery log', async () => {
      const dana = ctx.client(); await dana.login('dana@ridgeline.example')
      expect((await dana.request('/settings/deliveries')).status).toBe(403)
      expect((await ctx.client().request('/settings/deliveries')).status).toBe(302)
    })

    async function storeSettings() {
      const [s] = await ctx.services.db.select({ settings: stores.settings }).from(stores).where(eq(stores.id, 'demo'))
      return s.settings
    }
  })
}

describe.skipIf(!TEST_DATABASE_URL)('two workers on one PostgreSQL (FOR UPDATE SKIP LOCKED)', () => {
  test('every delivery is sent exactly once when two processes work the queue at the same time', async () => {
    const scratch = await scratchPostgres()
    // Two connection pools stand for two server processes.
    const one = await openDatabase({ databaseUrl: scratch.url, max: 4 })
    const two = await openDatabase({ databaseUrl: scratch.url, max: 4 })
    const hook = receiver(SECRET)
    try {
      await runMigrations(one)
      const ctx = await demoApp(one)
      await one.db.update(stores).set({ settings: { departments: [], subscriptions: [{ url: hook.url, secret: SECRET, events: ['handoff'] }] } }).where(eq(stores.id, 'demo'))
      for (let i = 0; i < 40; i++) await enqueue(ctx.services, { storeId: 'demo', channel: 'webhook', event: 'handoff', target: hook.url, payload: `{"n":${i}}` })
      const a = { ...ctx.services, deliveryOptions: { batch: 5 } }
      const b = { ...a, db: two.db }
      const drain = async (w: typeof a) => { let n = 0; for (let k; (k = await runDue(w)) > 0;) n += k; return n }
      const [na, nb] = await Promise.all([drain(a), drain(b)])
      expect(na + nb).toBe(40)
      expect(hook.got).toHaveLength(40)
      expect(new Set(hook.got.map((g) => g.delivery)).size).toBe(40)
      const statuses = await one.db.select({ status: deliveries.status }).from(deliveries)
      expect(statuses.every((s) => s.status === 'delivered')).toBe(true)
    } finally {
      hook.stop()
      await two.close()
      await one.close()
      await scratch.drop()
    }
  })
})

describe('the server runs the delivery worker', () => {
  test('bootServices starts it (a queued webhook goes out without anyone calling runDue) and close() stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-deliveries-'))
    const hook = receiver(SECRET)
    const services = await bootServices(testConfig({ PITWALL_DATA_DIR: dir }), { search: false })
    try {
      expect(services.deliveryWorker).toBeDefined()
      await seedDemoStore(services.db, { password: 'correct-horse-battery' })
      await services.db.update(stores).set({ settings: { departments: [], subscriptions: [{ url: hook.url, secret: SECRET, events: ['close'] }] } }).where(eq(stores.id, 'demo'))
      const d = await enqueue(services, { storeId: 'demo', channel: 'webhook', event: 'close', target: hook.url, payload: '{"event":"close"}' })
      for (let i = 0; i < 300 && !hook.got.length; i++) await Bun.sleep(10)
      expect(hook.got.map((g) => g.delivery)).toEqual([d.id])
      expect(hook.got[0].valid).toBe(true)
    } finally {
      await services.close()
      hook.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000) // a first PGlite boot (initdb) is slow on a busy machine
})
