import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { Database } from '../../src/db/client.ts'
import { conversations, customers, messages, staffUsers, stores } from '../../src/db/schema.ts'
import { createApp } from '../../src/app.tsx'
import { createStaff } from '../../src/staff/accounts.ts'
import { memoryBus } from '../../src/realtime/bus.ts'
import { hashingTestEmbedder } from '../../src/search/embedder.ts'
import { importPaths } from '../../src/search/import.ts'
import { createSearch } from '../../src/search/service.ts'
import { freshPglite } from '../support/db.ts'
import { Client, demoApp, PASSWORD, readSse, testConfig, testServices } from '../support/app.ts'

/**
 * Two dealers on one database (and one event bus): staff of one never reach the other's conversations,
 * and a rider's visitor cookie never reaches another rider's chat.
 */
describe('store and visitor isolation', () => {
  let database: Database
  let a: Awaited<ReturnType<typeof demoApp>>
  let bApp: ReturnType<typeof createApp>
  let staffA: Client, staffB: Client
  let convB: string
  const dir = mkdtempSync(join(tmpdir(), 'pw-iso-'))

  beforeAll(async () => {
    database = await freshPglite()
    const bus = memoryBus()
    a = await demoApp(database, { bus })
    await database.db.insert(stores).values({
      id: 'northwoods', name: 'Northwoods Motorsports', settings: { departments: [{ name: 'service', label: 'Service', hours: {} }] },
    })
    await createStaff(database.db, { storeId: 'northwoods', email: 'boss@northwoods.example', name: 'Nora North', password: PASSWORD, role: 'admin', departments: ['service'] })
    const servicesB = testServices(database, { bus, config: testConfig({ PITWALL_STORE: 'northwoods' }) })
    bApp = createApp(servicesB)
    // Northwoods runs its own instance of the chat (PITWALL_STORE); its staff could sign in on either.
    const riderB = new Client(bApp)
    convB = randomUUID()
    expect((await riderB.request(`/chat/${convB}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'northwoods secret: my VIN is 4XASEE570TH100001' } })).status).toBe(201)
    staffA = a.client()
    await staffA.login()
    staffB = a.client()
    await staffB.login('boss@northwoods.example')
    const doc = join(dir, 'northwoods-policy.md')
    writeFileSync(doc, '---\nid: nw-policy\ntype: policy\ntopic: trade-in\ntitle: Northwoods private trade-in policy\n---\nNorthwoods private trade-in policy text.\n')
    const embedder = hashingTestEmbedder()
    expect((await importPaths(database, [doc], { storeId: 'northwoods', embedder })).errors).toEqual([])
    a.services.search = createSearch(a.services.config, database, { embedder, syncIntervalMs: 0 })
  })
  afterAll(async () => {
    if (a.services.search) await (await a.services.search).close()
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('the other store\'s staff sees it; ours gets 404 on every read and every action', async () => {
    expect((await staffB.request(`/inbox/${convB}`)).status).toBe(200)
    expect((await staffB.request('/inbox?view=all')).status).toBe(200)
    expect(await (await staffB.request('/inbox?view=all')).text()).toContain('northwoods secret')

    expect((await staffA.request(`/inbox/${convB}`)).status).toBe(404)
    const sse = await staffA.request(`/inbox/${convB}/events`)
    expect(sse.status).toBe(404)
    for (const [action, form] of [['claim', {}], ['hand-back', {}], ['close', {}], ['transfer', { department: 'service' }],
      ['labels', { tags: 'x' }], ['suggest', {}], ['typing', {}], ['reply', { client_id: randomUUID(), body: 'hello from the wrong store' }]] as const) {
      const res = await staffA.request(`/inbox/${convB}/${action}`, { method: 'POST', form: form as Record<string, string> })
      expect([action, res.status]).toEqual([action, 404])
    }
    const [row] = await database.db.select().from(conversations).where(eq(conversations.id, convB))
    expect(row).toMatchObject({ status: 'bot', assigneeId: null, tags: [] })
    const stored = await database.db.select({ body: messages.body }).from(messages).where(eq(messages.conversationId, convB))
    expect(stored.map((m) => m.body).join()).not.toContain('wrong store')
  })

  test('lists, transcript search, DMS search and the live inbox stream stay inside the store', async () => {
    for (const path of ['/inbox?view=all', `/inbox?view=all&q=${encodeURIComponent('northwoods secret')}`, `/inbox?view=all&q=4XASEE570TH100001`]) {
      const html = await (await staffA.request(path)).text()
      expect(html).not.toContain('my VIN is') // the search box echoes the query, so look for the rest of the message
      expect(html).not.toContain(convB)
    }
    const dms = await (await staffA.request(`/inbox/search?q=${encodeURIComponent('Northwoods private trade-in policy')}`)).text()
    expect(dms).not.toContain('nw-policy')
    expect(await (await staffB.request(`/inbox/search?q=${encodeURIComponent('Northwoods private trade-in policy')}`)).text()).toContain('nw-policy')

    // One bus carries both stores' events; our inbox stream renders none of theirs.
    const streamA = readSse(await staffA.request('/inbox/events?view=all'), (m) => m.length > 1, 1500)
    const streamB = readSse(await staffB.request('/inbox/events?view=all'), (m) => m.some((x) => x.data.includes('second northwoods')), 4000)
    await Bun.sleep(100)
    expect((await new Client(bApp).request(`/chat/${randomUUID()}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'second northwoods question' } })).status).toBe(201)
    expect((await streamB).some((x) => x.data.includes('second northwoods'))).toBe(true)
    const seenByA = (await streamA).map((x) => x.data).join('\n')
    expect(seenByA).not.toContain('northwoods')
  })

  test('admins manage only their own staff', async () => {
    const [nora] = await database.db.select().from(staffUsers).where(eq(staffUsers.email, 'boss@northwoods.example'))
    expect((await staffA.request(`/staff/${nora.id}/deactivate`, { method: 'POST', form: {} })).status).toBe(303)
    const [after] = await database.db.select().from(staffUsers).where(eq(staffUsers.id, nora.id))
    expect(after.active).toBe(true)
    expect(await (await staffA.request('/staff')).text()).not.toContain('Nora North')
  })

  test('a rider of one store cannot open a conversation of the other through its chat', async () => {
    const riderA = a.client()
    await riderA.request('/chat')
    expect((await riderA.request(`/chat/${convB}/messages`)).status).toBe(403)
    expect((await riderA.request(`/chat/${convB}/events`)).status).toBe(403)
  })

  test('a visitor cookie reads only its own chat: other riders get 403 on read, stream and every write', async () => {
    const owner = a.client()
    await owner.request('/chat')
    const id = randomUUID()
    expect((await owner.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'my phone is 608-555-0100' } })).status).toBe(201)
    expect((await owner.request(`/chat/${id}/messages`)).status).toBe(200)

    const other = a.client()
    await other.request('/chat')
    expect((await other.request(`/chat/${id}/messages`)).status).toBe(403)
    expect((await other.request(`/chat/${id}/events`)).status).toBe(403)
    for (const [path, init] of [
      ['messages', { json: { client_id: randomUUID(), body: 'hijack' } }],
      ['contact', { form: { phone: '608-555-0199', consent: '1' } }],
      ['handoff', {}], ['typing', {}],
    ] as const) {
      const res = await other.request(`/chat/${id}/${path}`, { method: 'POST', ...init })
      expect([path, res.status]).toEqual([path, 403])
    }
    const page = await (await other.request('/chat')).text()
    expect(page).not.toContain(id)
    expect(page).not.toContain('608-555-0100')

    // The cookie is signed: someone who learns the owner's visitor id cannot forge it.
    const [cust] = await database.db.select({ visitorId: customers.visitorId }).from(customers)
      .innerJoin(conversations, eq(conversations.customerId, customers.id)).where(eq(conversations.id, id))
    const forger = a.client()
    forger.cookies.set('pw_visitor', `${cust.visitorId}.${Buffer.from('not-the-signature-000000000000000').toString('base64')}`)
    expect((await forger.request(`/chat/${id}/messages`)).status).toBe(403)
    forger.cookies.set('pw_visitor', cust.visitorId)
    expect((await forger.request(`/chat/${id}/messages`)).status).toBe(403)
  })
})
