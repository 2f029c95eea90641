import type { Db } from '../../src/db/client.ts'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/db/client.ts'
import { ACK_LINE } from '../../src/conversations/pipeline.ts'
import { backends } from '../support/db.ts'
import { Client, demoApp, readSse } from '../support/app.ts'

for (const backend of backends) {
  describe(`chat and inbox (${backend.name})`, () => {
    let database: Database
    let cleanup: () => Promise<void>
    let ctx: Awaited<ReturnType<typeof demoApp>>

    beforeAll(async () => {
      ;({ database, cleanup } = await backend.open())
      ctx = await demoApp(database)
    })
    afterAll(() => cleanup())

    const post = (c: Client, conv: string, body: string, clientId: string = randomUUID()) =>
      c.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: clientId, body } })

    test('a rider posts a message, lists it and gets the acknowledgement', async () => {
      const rider = ctx.client()
      await rider.request('/chat')
      const conv = randomUUID()
      const res = await post(rider, conv, 'Do you have the 2025 Grizzly EPS in stock?')
      expect(res.status).toBe(201)
      const list = await (await rider.request(`/chat/${conv}/messages`)).json() as { messages: { author: string; body: string }[] }
      expect(list.messages.map((m) => [m.author, m.body])).toEqual([
        ['customer', 'Do you have the 2025 Grizzly EPS in stock?'],
        ['bot', ACK_LINE],
      ])
    })

    test('a retry with the same client id stores one message', async () => {
      const rider = ctx.client()
      const conv = randomUUID()
      const clientId = randomUUID()
      const first = await post(rider, conv, 'hello there', clientId)
      const again = await post(rider, conv, 'hello there', clientId)
      expect(first.status).toBe(201)
      expect(again.status).toBe(200)
      expect((await again.json() as { duplicate: boolean }).duplicate).toBe(true)
      // concurrent retries too
      const concurrent = await Promise.all([1, 2, 3].map(() => post(rider, conv, 'twice?', 'same-client-id-123')))
      expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 201])
      const list = await (await rider.request(`/chat/${conv}/messages`)).json() as { messages: { author: string }[] }
      expect(list.messages.filter((m) => m.author === 'customer')).toHaveLength(2)
    })

    test('invalid bodies get 400 naming the field', async () => {
      const rider = ctx.client()
      const conv = randomUUID()
      const noBody = await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID() } })
      expect(noBody.status).toBe(400)
      expect((await noBody.json() as { error: string }).error).toContain('body')
      const badId = await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: 'x', body: 'hi' } })
      expect(badId.status).toBe(400)
      expect((await badId.json() as { error: string }).error).toContain('client_id')
      const tooLong = await post(rider, conv, 'a'.repeat(4001))
      expect(tooLong.status).toBe(400)
      const notJson = await rider.request(`/chat/${conv}/messages`, { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json' } })
      expect(notJson.status).toBe(400)
      const badConv = await post(rider, 'not-a-uuid', 'hi')
      expect(badConv.status).toBe(400)
      const plain = await rider.request(`/chat/${conv}/messages`, { method: 'POST', form: { client_id: randomUUID(), body: 'no js yet' } })
      expect([plain.status, plain.headers.get('location')]).toEqual([303, '/chat'])
      const form = await rider.request(`/chat/${conv}/messages`, { method: 'POST', form: { client_id: randomUUID(), body: '   ' } })
      expect(form.status).toBe(400)
      expect(await form.text()).toContain('body: must not be empty')
    })

    test('a visitor cannot read or write another visitor\'s conversation', async () => {
      const a = ctx.client()
      const b = ctx.client()
      const conv = randomUUID()
      expect((await post(a, conv, 'my chat')).status).toBe(201)
      expect((await b.request(`/chat/${conv}/messages`)).status).toBe(403)
      expect((await post(b, conv, 'sneaky')).status).toBe(403)
    })

    test('a rider\'s later messages need no access query of their own: the process remembers who owns the chat', async () => {
      const a = ctx.client()
      const conv = randomUUID()
      const db = ctx.services.db
      let accessChecks = 0
      // The access check is the select that reads the conversation with its customer's visitor and store.
      ctx.services.db = countingSelects(db, (fields) => 'customerStore' in fields, () => accessChecks++)
      try {
        // The first message: one check (the route's, which finds no conversation yet; the pipeline then creates it).
        expect((await post(a, conv, 'first message')).status).toBe(201)
        expect(accessChecks).toBe(1)
        expect((await post(a, conv, 'second message')).status).toBe(201)
        expect((await post(a, conv, 'third message')).status).toBe(201)
        expect(accessChecks).toBe(1)
        // Someone else is still refused, without asking the database either.
        expect((await post(ctx.client(), conv, 'not mine')).status).toBe(403)
        expect(accessChecks).toBe(1)
      } finally {
        ctx.services.db = db
      }
      const list = await (await a.request(`/chat/${conv}/messages`)).json() as { messages: { author: string; body: string }[] }
      expect(list.messages.filter((m) => m.author === 'customer').map((m) => m.body)).toEqual(['first message', 'second message', 'third message'])
    })

    test('a first visit looks for no earlier chat: the visitor id was just made', async () => {
      const db = ctx.services.db
      let lookups = 0
      // The lookup is the select of the visitor's latest conversation (the row as `c`, nothing about its owner).
      ctx.services.db = countingSelects(db, (fields) => 'c' in fields && !('customerStore' in fields), () => lookups++)
      try {
        const rider = ctx.client()
        expect((await rider.request('/chat')).status).toBe(200)
        expect(lookups).toBe(0)
        // Back with the cookie: their chat is looked up (and shown).
        const conv = randomUUID()
        expect((await post(rider, conv, 'hello')).status).toBe(201)
        const page = await rider.request('/chat')
        expect(lookups).toBe(1)
        expect(await page.text()).toContain(conv)
      } finally {
        ctx.services.db = db
      }
    })

    test('staff routes redirect to login; wrong passwords are refused', async () => {
      const anon = ctx.client()
      const res = await anon.request('/inbox')
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('/login?next=%2Finbox')
      const htmx = await anon.request('/inbox', { headers: { 'hx-request': 'true' } })
      expect(htmx.status).toBe(401)
      expect(htmx.headers.get('hx-redirect')).toContain('/login')
      expect((await anon.login('admin@ridgeline.example', 'wrong')).status).toBe(401)
      expect((await anon.request('/inbox')).status).toBe(302)
    })

    test('staff sees the conversation, replies, and the rider sees the reply', async () => {
      const rider = ctx.client()
      const conv = randomUUID()
      await post(rider, conv, 'Is the <b>Sportsman</b> 570 still there?')
      const staff = ctx.client()
      const login = await staff.login()
      expect(login.status).toBe(303)
      const inbox = await staff.request('/inbox?view=all')
      expect(inbox.status).toBe(200)
      const html = await inbox.text()
      expect(html).toContain(`/inbox/${conv}`)
      expect(html).toContain('&lt;b&gt;Sportsman&lt;/b&gt;')
      expect(html).not.toContain('<b>Sportsman</b>')
      const page = await staff.request(`/inbox/${conv}`)
      expect(page.status).toBe(200)
      const reply = await staff.request(`/inbox/${conv}/reply`, {
        method: 'POST', form: { client_id: randomUUID(), body: 'Yes! Want to come see it?' }, headers: { 'hx-request': 'true' },
      })
      expect(reply.status).toBe(201)
      expect(await reply.text()).toContain('id="reply"')
      const list = await (await rider.request(`/chat/${conv}/messages`)).json() as { messages: { author: string; body: string }[] }
      expect(list.messages.at(-1)).toMatchObject({ author: 'staff', body: 'Yes! Want to come see it?' })
      // the AI goes quiet once staff has taken over
      await post(rider, conv, 'great, coming at 3')
      const after = await (await rider.request(`/chat/${conv}/messages`)).json() as { messages: { author: string }[] }
      expect(after.messages.at(-1)!.author).toBe('customer')
      expect((await staff.request(`/inbox/${randomUUID()}`)).status).toBe(404)
    })

    test('a cross-site form POST is refused', async () => {
      const staff = ctx.client()
      await staff.login()
      const conv = randomUUID()
      const res = await staff.request(`/inbox/${conv}/reply`, {
        method: 'POST', form: { client_id: randomUUID(), body: 'pwned' }, headers: { origin: 'https://evil.example' },
      })
      expect(res.status).toBe(403)
      const noOrigin = await ctx.app.request('http://localhost/login', {
        method: 'POST', body: 'email=a@b.c&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(noOrigin.status).toBe(403)
    })

    test('SSE replay: reconnecting with Last-Event-ID gets exactly the missed events', async () => {
      const rider = ctx.client()
      const conv = randomUUID()
      const first = await rider.request(`/chat/${conv}/events`)
      expect(first.headers.get('content-type')).toContain('text/event-stream')
      // 3 events: customer message, bot ack, second customer message (the ack makes 4; stop after 3)
      const reading = readSse(first, (m) => m.filter((x) => x.id).length >= 3)
      await post(rider, conv, 'one')
      await post(rider, conv, 'two')
      const got = (await reading).filter((x) => x.id)
      expect(got).toHaveLength(3)
      expect(got[0].data).toContain('one')
      const last = got[2].id!
      // disconnected: two more events happen (bot ack of 'two', then 'three' + its ack)
      await post(rider, conv, 'three')
      const missed = await (await rider.request(`/chat/${conv}/messages`)).json() as { messages: unknown[] }
      expect(missed.messages).toHaveLength(6)
      const again = await rider.request(`/chat/${conv}/events`, { headers: { 'last-event-id': last } })
      const replayed = (await readSse(again, (m) => m.filter((x) => x.id).length >= 3, 3000)).filter((x) => x.id)
      expect(replayed.map((m) => Number(m.id))).toEqual([Number(last) + 1, Number(last) + 2, Number(last) + 3].map((n) => n))
      expect(replayed[1].data).toContain('three')
      expect(replayed.every((m) => m.data.includes('hx-partial'))).toBe(true)
    })
  })
}

/** The database, calling `count` for each select whose fields `match` (the queries a test counts). */
function countingSelects(db: Db, match: (fields: Record<string, unknown>) => boolean, count: () => void): Db {
  return new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (key !== 'select') return value
      return (fields?: Record<string, unknown>) => {
        if (fields && match(fields)) count()
        return target.select(fields as never)
      }
    },
  })
}
