import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { count, eq } from 'drizzle-orm'
import type { Database } from '../../src/db/client.ts'
import { messages } from '../../src/db/schema.ts'
import { loadConfig } from '../../src/config.ts'
import { freshPglite } from '../support/db.ts'
import { Client, demoApp, testConfig } from '../support/app.ts'

/** Request size limits, chat write rate limits (per visitor, per IP) and the cap on open SSE streams. */
describe('limits on the public chat', () => {
  let database: Database
  beforeAll(async () => { database = await freshPglite() })
  afterAll(() => database.close())

  const app = (env: Record<string, string> = {}) => demoApp(database, { config: testConfig(env) })
  const rows = async (conv: string) => (await database.db.select({ n: count() }).from(messages).where(eq(messages.conversationId, conv)))[0].n
  const post = (c: Client, conv: string, body: string, headers: Record<string, string> = {}) =>
    c.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body }, headers })

  test('a chat body over 16 KB is refused with 413 before it is read, and nothing is stored', async () => {
    const ctx = await app()
    const rider = ctx.client()
    const conv = randomUUID()
    const big = await post(rider, conv, 'x'.repeat(17 * 1024))
    expect(big.status).toBe(413)
    expect((await big.json() as { error: string }).error).toContain('too large (at most 16 KB)')
    expect(await rows(conv)).toBe(0)
    // A chunked body (no Content-Length) is counted as it streams.
    const chunks = new ReadableStream({ start(ctrl) { for (let i = 0; i < 20; i++) ctrl.enqueue(new TextEncoder().encode('y'.repeat(1024))); ctrl.close() } })
    const chunked = await rider.request(`/chat/${conv}/messages`, {
      method: 'POST', body: chunks, headers: { 'content-type': 'application/x-www-form-urlencoded' }, duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(await rows(conv)).toBe(0)
    // A message longer than 4000 characters (but under the byte limit) is a 400 naming the field.
    const long = await post(rider, conv, 'z'.repeat(4001))
    expect(long.status).toBe(400)
    expect((await long.json() as { error: string }).error).toContain('body: must be at most 4000 characters')
  })

  test('staff forms accept up to 256 KB', async () => {
    const ctx = await app()
    const admin = ctx.client()
    await admin.login()
    const res = await admin.request('/settings', { method: 'POST', form: { contact_consent: 'a'.repeat(300 * 1024) } })
    expect(res.status).toBe(413)
    expect(await res.text()).toContain('at most 256 KB')
  })

  test('a visitor writing too fast gets 429 with Retry-After and a message in the chat; others are unaffected', async () => {
    const ctx = await app({ PITWALL_CHAT_RATE_PER_VISITOR: '3' })
    const rider = ctx.client()
    const conv = randomUUID()
    for (let i = 0; i < 3; i++) expect((await post(rider, conv, `question ${i}`)).status).toBe(201)
    const json = await post(rider, conv, 'one more')
    expect(json.status).toBe(429)
    expect(Number(json.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(json.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect((await json.json() as { error: string }).error).toContain('faster than we can read them')
    // The htmx form gets its composer back with the reason and the rider's text kept.
    const form = await rider.request(`/chat/${conv}/messages`, {
      method: 'POST', form: { client_id: randomUUID(), body: 'my text <b>kept</b>' }, headers: { 'hx-request': 'true' },
    })
    expect(form.status).toBe(429)
    const html = await form.text()
    expect(html).toContain('id="composer"')
    expect(html).toContain('role="alert"')
    expect(html).toContain('my text &lt;b&gt;kept&lt;/b&gt;</textarea>')
    // Contact details count against the same budget and answer in the contact form.
    const contact = await rider.request(`/chat/${conv}/contact`, { method: 'POST', form: { phone: '608-555-0199', consent: '1' } })
    expect(contact.status).toBe(429)
    expect(await contact.text()).toContain('id="contact"')
    expect(await rows(conv)).toBe(6) // 3 rider messages + 3 acknowledgements; nothing from the refused ones
    expect((await post(ctx.client(), randomUUID(), 'a different rider')).status).toBe(201)
  })

  test('the per-IP limit counts every visitor behind one address, keyed on Fly-Client-IP only when TRUST_PROXY is set', async () => {
    const trusted = await app({ PITWALL_CHAT_RATE_PER_IP: '4', PITWALL_CHAT_RATE_PER_VISITOR: '0', TRUST_PROXY: 'true' })
    const ip = { 'fly-client-ip': '203.0.113.9' }
    for (let i = 0; i < 4; i++) expect((await post(trusted.client(), randomUUID(), 'hi', ip)).status).toBe(201)
    expect((await post(trusted.client(), randomUUID(), 'hi', ip)).status).toBe(429)
    expect((await post(trusted.client(), randomUUID(), 'hi', { 'fly-client-ip': '203.0.113.10' })).status).toBe(201)

    // Untrusted: the header is ignored (a client could forge it), so every request counts against the socket address.
    const direct = await app({ PITWALL_CHAT_RATE_PER_IP: '2', PITWALL_CHAT_RATE_PER_VISITOR: '0' })
    expect((await post(direct.client(), randomUUID(), 'hi', { 'fly-client-ip': '198.51.100.1' })).status).toBe(201)
    expect((await post(direct.client(), randomUUID(), 'hi', { 'fly-client-ip': '198.51.100.2' })).status).toBe(201)
    expect((await post(direct.client(), randomUUID(), 'hi', { 'fly-client-ip': '198.51.100.3' })).status).toBe(429)
  })

  test('ratings have a budget of their own: past it a clear 429, and messages are not charged for them', async () => {
    const limited = await app({ PITWALL_CHAT_RATE_PER_VISITOR: '3' })
    const rider = limited.client()
    const conv = randomUUID()
    expect((await post(rider, conv, 'hello')).status).toBe(201) // the conversation (and its visitor) exist
    const rate = () => rider.request(`/chat/${conv}/ratings`, { method: 'POST', json: { kind: 'chat', value: 5 } })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await rate()).status)
    // Refused votes (the chat is still open) are answered, and counted all the same: each one is a write attempt.
    expect(statuses.every((s) => s !== 429)).toBe(true)
    const refused = await rate()
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/)
    expect((await refused.json() as { error: string }).error).toContain('Too many ratings')
    expect((await post(rider, conv, 'still allowed to talk')).status).toBe(201)
  })

  test('typing signals have their own budget; 0 turns the limits off', async () => {
    const limited = await app({ PITWALL_CHAT_RATE_PER_VISITOR: '5' })
    const rider = limited.client()
    const conv = randomUUID()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await rider.request(`/chat/${conv}/typing`, { method: 'POST' })).status)
    expect(statuses.slice(0, 10).every((s) => s === 204)).toBe(true)
    expect(statuses[10]).toBe(429)
    const open = await app({ PITWALL_CHAT_RATE_PER_VISITOR: '0', PITWALL_CHAT_RATE_PER_IP: '0' })
    const free = open.client()
    for (let i = 0; i < 200; i++) expect((await free.request(`/chat/${conv}/typing`, { method: 'POST' })).status).toBe(204)
  })

  test('a visitor or staff member may hold only so many live streams; closing one frees its slot', async () => {
    const ctx = await app({ PITWALL_SSE_STREAMS_PER_CLIENT: '2' })
    const rider = ctx.client()
    const conv = randomUUID()
    const a = await rider.request(`/chat/${conv}/events`)
    const b = await rider.request(`/chat/${conv}/events`)
    const c = await rider.request(`/chat/${conv}/events`)
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429])
    expect(await c.text()).toContain('Too many live connections')
    expect((await ctx.client().request(`/chat/${randomUUID()}/events`)).status).toBe(200) // another visitor
    await a.body!.cancel()
    await Bun.sleep(50)
    const d = await rider.request(`/chat/${conv}/events`)
    expect(d.status).toBe(200)
    await Promise.all([b.body!.cancel(), d.body!.cancel()])

    const staff = ctx.client()
    await staff.login()
    const s1 = await staff.request('/inbox/events')
    const s2 = await staff.request('/inbox/events')
    const s3 = await staff.request('/inbox/events')
    expect([s1.status, s2.status, s3.status]).toEqual([200, 200, 429])
    await Promise.all([s1.body!.cancel(), s2.body!.cancel()])
  })

  test('limit settings are validated and documented defaults apply', () => {
    const base = { PITWALL_DATA_DIR: '/tmp/x', SESSION_SECRET: 's'.repeat(40) }
    const d = loadConfig(base, { ensureSecret: false })
    expect(d.chatRate).toEqual({ perVisitor: 30, perIp: 300 })
    expect(d).toMatchObject({ sseStreamsPerClient: 20, idleTimeout: 30, trustProxy: false })
    expect(() => loadConfig({ ...base, PITWALL_CHAT_RATE_PER_IP: 'lots' })).toThrow('PITWALL_CHAT_RATE_PER_IP must be a whole number')
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'maybe' })).toThrow('TRUST_PROXY must be true or false')
    expect(() => loadConfig({ ...base, PITWALL_IDLE_TIMEOUT: '0' })).toThrow('PITWALL_IDLE_TIMEOUT must be seconds from 1 to 255')
  })
})
