import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { conversations, messages } from '../../src/db/schema.ts'
import { backends } from '../support/db.ts'
import { demoApp, readSse, type Client } from '../support/app.ts'

for (const backend of backends) {
  describe(`staff actions (${backend.name})`, () => {
    let ctx: Awaited<ReturnType<typeof demoApp>>
    let cleanup: () => Promise<void>
    let admin: Client, dana: Client
    beforeAll(async () => {
      const opened = await backend.open()
      cleanup = opened.cleanup
      ctx = await demoApp(opened.database)
      admin = ctx.client(); await admin.login()
      dana = ctx.client(); await dana.login('dana@ridgeline.example')
    })
    afterAll(() => cleanup())

    async function newConversation(text = 'need help with my quad') {
      const rider = ctx.client()
      const id = randomUUID()
      const r = await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: text } })
      expect(r.status).toBe(201)
      return { id, rider }
    }
    const row = async (id: string) => (await ctx.services.db.select().from(conversations).where(eq(conversations.id, id)))[0]
    const act = (c: Client, id: string, action: string, form?: Record<string, string>) =>
      c.request(`/inbox/${id}/${action}`, { method: 'POST', form: form ?? {}, headers: { 'hx-request': 'true' } })

    test('two staff claiming at once: exactly one wins, the other is told who has it', async () => {
      const { id } = await newConversation()
      const [a, b] = await Promise.all([act(admin, id, 'claim'), act(dana, id, 'claim')])
      expect([a.status, b.status].sort()).toEqual([200, 409])
      const loser = a.status === 409 ? a : b
      const winnerName = a.status === 200 ? 'Morgan Hale' : 'Dana Kowalski'
      expect(await loser.text()).toBe(`already claimed by ${winnerName}`)
      const r = await row(id)
      expect(r.status).toBe('claimed')
      // claiming again by the owner is harmless
      expect((await act(a.status === 200 ? admin : dana, id, 'claim')).status).toBe(200)
    })

    test('claim silences the AI; hand back lets it answer again; close and reopen on a new rider message', async () => {
      const { id, rider } = await newConversation()
      expect((await act(admin, id, 'claim')).status).toBe(200)
      const say = (body: string) => rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body } })
      await say('still there?')
      const authors = async () => (await ctx.services.db.select().from(messages).where(eq(messages.conversationId, id))).filter((m) => !m.internal).map((m) => m.author)
      expect((await authors()).at(-1)).toBe('customer')
      // someone else cannot reply over the owner
      const over = await dana.request(`/inbox/${id}/reply`, { method: 'POST', form: { client_id: randomUUID(), body: 'me too' }, headers: { 'hx-request': 'true' } })
      expect(over.status).toBe(409)
      expect((await act(admin, id, 'hand-back')).status).toBe(200)
      expect((await row(id)).status).toBe('bot')
      await say('ok thanks')
      expect((await authors()).at(-1)).toBe('bot')
      expect((await act(admin, id, 'close')).status).toBe(200)
      expect((await row(id)).status).toBe('closed')
      expect((await act(admin, id, 'close')).status).toBe(409)
      await say('one more question')
      expect((await row(id)).status).toBe('bot')
      const notes = (await ctx.services.db.select().from(messages).where(eq(messages.conversationId, id))).filter((m) => m.internal).map((m) => m.body)
      expect(notes).toEqual(['Claimed by Morgan Hale', 'Handed back to the AI by Morgan Hale', 'Closed by Morgan Hale'])
      // the rider never sees staff-only notes
      const seen = await (await rider.request(`/chat/${id}/messages`)).json() as { messages: { body: string }[] }
      expect(seen.messages.some((m) => m.body.startsWith('Claimed by'))).toBe(false)
    })

    test('transfer to a department puts the chat back in the waiting queue; unknown departments are refused', async () => {
      const { id } = await newConversation()
      await act(admin, id, 'claim')
      expect((await act(admin, id, 'transfer', { department: 'finance' })).status).toBe(200)
      const r = await row(id)
      expect([r.status, r.department, r.assigneeId]).toEqual(['waiting', 'finance', null])
      const bad = await act(admin, id, 'transfer', { department: 'marketing' })
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain('department')
    })

    test('staff see the rider typing, each other typing, and who else is viewing', async () => {
      const { id, rider } = await newConversation('typing test')
      const stream = await admin.request(`/inbox/${id}/events`)
      const reading = readSse(stream, (m) => m.some((x) => x.data.includes('The rider is typing')) && m.some((x) => x.data.includes('Also viewing: Dana Kowalski')) && m.some((x) => x.data.includes('Dana Kowalski is typing')), 8000)
      await Bun.sleep(100)
      expect((await rider.request(`/chat/${id}/typing`, { method: 'POST' })).status).toBe(204)
      const other = await dana.request(`/inbox/${id}/events`)
      const otherReading = readSse(other, () => false, 500)
      expect((await dana.request(`/inbox/${id}/typing`, { method: 'POST' })).status).toBe(204)
      const msgs = await reading
      await otherReading
      expect(msgs.some((m) => m.data.includes('The rider is typing'))).toBe(true)
      expect(msgs.some((m) => m.data.includes('Also viewing: Dana Kowalski'))).toBe(true)
      expect(msgs.some((m) => m.data.includes('Dana Kowalski is typing'))).toBe(true)
      // ephemeral signals carry no id, so a reconnect never replays them
      expect(msgs.filter((m) => m.data.includes('typing')).every((m) => m.id === undefined)).toBe(true)
    })

    test('internal notes never reach the rider; canned replies are offered; labels can be edited', async () => {
      const { id, rider } = await newConversation('question about my order')
      const note = await admin.request(`/inbox/${id}/reply`, { method: 'POST', form: { client_id: randomUUID(), body: 'customer called earlier', internal: '1' }, headers: { 'hx-request': 'true' } })
      expect(note.status).toBe(201)
      expect((await row(id)).status).toBe('bot')
      const seen = await (await rider.request(`/chat/${id}/messages`)).json() as { messages: { body: string }[] }
      expect(seen.messages.map((m) => m.body)).not.toContain('customer called earlier')
      const page = await (await admin.request(`/inbox/${id}`)).text()
      expect(page).toContain('customer called earlier')
      expect(page).toContain('Stranded rider')
      const labels = await act(admin, id, 'labels', { tags: 'Parts-Order, warranty,warranty', priority: '' })
      expect(labels.status).toBe(200)
      expect((await row(id)).tags).toEqual(['parts-order', 'warranty'])
      const bad = await act(admin, id, 'labels', { tags: 'no spaces allowed' })
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain('tags')
    })

    test('a handoff into my department notifies me on the inbox stream; other departments do not', async () => {
      const tom = ctx.client(); await tom.login('tom@ridgeline.example') // parts
      const danaStream = await dana.request('/inbox/events?view=needs') // service
      const tomStream = await tom.request('/inbox/events?view=needs')
      const danaReading = readSse(danaStream, (m) => m.some((x) => x.data.includes('class="notify"')), 4000)
      const tomReading = readSse(tomStream, () => false, 1500)
      await Bun.sleep(100)
      const { id } = await newConversation('my sled died')
      await ctx.services.db.update(conversations).set({ department: 'service' }).where(eq(conversations.id, id))
      const conv = (await ctx.services.db.select().from(conversations).where(eq(conversations.id, id)))[0]
      const { requestPerson } = await import('../../src/conversations/handoff.ts')
      await requestPerson(ctx.services, conv)
      const danaMsgs = await danaReading
      expect(danaMsgs.some((m) => m.data.includes('New handoff to service'))).toBe(true)
      expect((await tomReading).some((m) => m.data.includes('class="notify"'))).toBe(false)
    })

    test('one change costs one count and one list per view, however many staff members and views are open', async () => {
      const db = ctx.services.db
      const counted = { counts: 0, lists: 0 }
      // The counts select groups by assignee; the list select names the customer.
      ctx.services.db = new Proxy(db, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver)
          if (key !== 'select') return value
          return (fields?: Record<string, unknown>) => {
            if (fields && 'assigneeId' in fields && 'n' in fields) counted.counts++
            if (fields && 'customerName' in fields) counted.lists++
            return target.select(fields as never)
          }
        },
      })
      try {
        const streams = await Promise.all([
          dana.request('/inbox/events?view=all'), dana.request('/inbox/events?view=needs'),
          admin.request('/inbox/events?view=needs'), admin.request('/inbox/events?view=all'),
        ])
        // Every stream stays open (read until a time limit) while the change goes out.
        const reads = streams.map((r) => readSse(r, () => false, 2000))
        const { id } = await newConversation('a shared count, please')
        await Bun.sleep(400)
        counted.counts = 0
        counted.lists = 0
        await ctx.services.bus.publish({ id: 1e12, storeId: 'demo', conversationId: id, kind: 'message' })
        const [danaAll, , , adminAll] = await Promise.all(reads)
        for (const frames of [danaAll, adminAll]) expect(frames.some((m) => m.data.includes('a shared count'))).toBe(true)
        expect(danaAll.some((m) => m.data.includes('id="inbox-tabs"'))).toBe(true)
        // The tabs: one count between them all; the lists: one for "All", one for "Needs a person".
        expect(counted).toEqual({ counts: 1, lists: 2 })
      } finally {
        ctx.services.db = db
      }
    })

    test('a waiting rider can leave contact details; bad details name the field', async () => {
      const { id, rider } = await newConversation('can someone call me')
      expect((await rider.request(`/chat/${id}/handoff`, { method: 'POST' })).status).toBe(204)
      expect((await row(id)).status).toBe('waiting')
      const none = await rider.request(`/chat/${id}/contact`, { method: 'POST', form: { name: 'Sam', consent: '1' } })
      expect(none.status).toBe(400)
      expect(await none.text()).toContain('leave a phone number or an email')
      const noConsent = await rider.request(`/chat/${id}/contact`, { method: 'POST', form: { phone: '608-555-0199' } })
      expect(noConsent.status).toBe(400)
      const ok = await rider.request(`/chat/${id}/contact`, { method: 'POST', form: { name: 'Sam', phone: '608-555-0199', consent: '1' } })
      expect(ok.status).toBe(200)
      const page = await (await admin.request(`/inbox/${id}`)).text()
      expect(page).toContain('Rider left contact details for a follow-up: Sam · 608-555-0199')
      expect(page).toContain('href="tel:6085550199"')
    })

    test('actions need a session and a same-origin form', async () => {
      const { id } = await newConversation()
      const anon = ctx.client()
      expect((await anon.request(`/inbox/${id}/claim`, { method: 'POST', form: {} })).status).toBe(302)
      const cross = await admin.request(`/inbox/${id}/claim`, { method: 'POST', form: {}, headers: { origin: 'https://evil.example' } })
      expect(cross.status).toBe(403)
      expect((await row(id)).status).toBe('bot')
    })
  })
}
