import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { conversations, customers, documents, events, messages, ratings, stores } from '../../src/db/schema.ts'
import { createSearch, type SearchService } from '../../src/search/service.ts'
import { hashingTestEmbedder } from '../../src/search/embedder.ts'
import { backends } from '../support/db.ts'
import { demoApp, PASSWORD, type Client } from '../support/app.ts'

const embedder = hashingTestEmbedder()

for (const backend of backends) {
  describe(`insights (${backend.name})`, () => {
    let ctx: Awaited<ReturnType<typeof demoApp>>
    let cleanup: () => Promise<void>
    let admin: Client, manager: Client, dana: Client
    const searches: SearchService[] = []
    beforeAll(async () => {
      const opened = await backend.open()
      cleanup = opened.cleanup
      ctx = await demoApp(opened.database)
      // An answerer that is unsure about rentals: its answers below 0.35 are "unanswered questions".
      ctx.services.answerer = {
        mode: 'local',
        answer: async (req) => ({ text: `About "${req.text}": here is what I found.`, citations: [], confidence: /rent/i.test(req.text) ? 0.1 : 0.9, source: 'local' }),
      }
      const search = createSearch({}, opened.database, { embedder, syncIntervalMs: 0 })
      ctx.services.search = search
      searches.push(await search)
      admin = ctx.client(); await admin.login()
      dana = ctx.client(); await dana.login('dana@ridgeline.example')
      // The staff admin page assigns the manager role (staff + insights).
      const added = await admin.request('/staff', { method: 'POST', form: { name: 'Sam Reyes', email: 'sam@ridgeline.example', password: PASSWORD, role: 'manager' } })
      expect(added.status).toBe(201)
      manager = ctx.client(); expect((await manager.login('sam@ridgeline.example')).status).toBe(303)
    }, 60_000)
    afterAll(async () => {
      for (const s of searches) await s.close()
      await cleanup()
    })

    const csv = async (c: Client, name: string, query = '') => {
      const r = await c.request(`/insights/export/${name}.csv?${query}`)
      expect(r.status).toBe(200)
      expect(r.headers.get('content-type')).toContain('text/csv')
      return (await r.text()).trimEnd().split('\r\n')
    }
    const say = async (rider: Client, id: string, body: string) => {
      const r = await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body } })
      expect(r.status).toBe(201)
    }
    const botMessage = async (id: string) =>
      (await ctx.services.db.select().from(messages).where(and(eq(messages.conversationId, id), eq(messages.author, 'bot')))).at(-1)!

    test('only admins and managers see insights; others are sent to sign in or refused', async () => {
      const anonymous = ctx.client()
      const r = await anonymous.request('/insights')
      expect(r.status).toBe(302)
      expect(r.headers.get('location')).toBe('/login?next=%2Finsights')
      const rider = ctx.client()
      await rider.request('/chat')
      expect((await rider.request('/insights/export/resolution.csv')).status).toBe(302)
      expect((await dana.request('/insights')).status).toBe(403)
      expect((await dana.request('/insights/export/resolution.csv')).status).toBe(403)
      expect((await dana.request('/insights/drafts', { method: 'POST', form: { question: 'x' } })).status).toBe(403)
      expect(await (await dana.request('/inbox')).text()).not.toContain('href="/insights"')
      for (const c of [admin, manager]) {
        const page = await c.request('/insights')
        expect(page.status).toBe(200)
        const html = await page.text()
        expect(html).toContain('href="/insights"')
        expect(html).toContain('role="img"')
        expect(html).toContain('<desc id=')
      }
      // A manager sees their own store only; an unknown table or a bad filter is refused naming the field.
      expect((await manager.request('/insights?store=elsewhere')).status).toBe(403)
      expect((await admin.request('/insights/export/nope.csv')).status).toBe(404)
      const bad = await admin.request('/insights?from=2026-13-40')
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain('from:')
    })

    test('the pipeline records what insights count: opened, low-confidence answers, handoffs, first replies, ratings', async () => {
      const asker = ctx.client(), stranded = ctx.client()
      const a = randomUUID(), b = randomUUID()
      await say(asker, a, 'do you rent jet skis?')
      await say(stranded, b, 'my sled died on the trail and wont start')
      const [conv] = await ctx.services.db.select().from(conversations).where(eq(conversations.id, b))
      expect(conv.status).toBe('waiting')
      for (const text of ['On my way', 'Tow truck booked']) {
        const r = await admin.request(`/inbox/${b}/reply`, { method: 'POST', form: { client_id: randomUUID(), body: text }, headers: { 'hx-request': 'true' } })
        expect(r.status).toBeLessThan(300)
      }
      const kinds = async (id: string) => (await ctx.services.db.select().from(events).where(eq(events.conversationId, id))).map((e) => [e.kind, e.data] as const)
      const evA = await kinds(a), evB = await kinds(b)
      expect(evA.filter(([k]) => k === 'opened').length).toBe(1)
      expect(evA.find(([k]) => k === 'answer')![1]).toMatchObject({ confidence: 0.1, source: 'local' })
      expect(evB.find(([k]) => k === 'handoff')![1]).toMatchObject({ from: 'bot', priority: 'stranded-rider', targetMinutes: 15, department: 'service' })
      const first = evB.filter(([k]) => k === 'first_response')
      expect(first.length).toBe(1) // the second reply is not a first response
      expect(first[0][1]).toMatchObject({ priority: 'stranded-rider', targetMinutes: 15 })

      // Thumbs on the AI answer: the rider sees the buttons, a second vote replaces the first.
      const page = await (await asker.request('/chat')).text()
      expect(page).toContain('class="rate-answer"')
      const bot = await botMessage(a)
      const up = await asker.request(`/chat/${a}/ratings`, { method: 'POST', form: { kind: 'answer', message_id: bot.id, value: 'up' }, headers: { 'hx-request': 'true' } })
      expect(up.status).toBe(200)
      expect(await up.text()).toMatch(/aria-pressed="true" aria-label="Helpful"/)
      expect((await asker.request(`/chat/${a}/ratings`, { method: 'POST', json: { kind: 'answer', message_id: bot.id, value: 'down' } })).status).toBe(200)
      const stored = await ctx.services.db.select().from(ratings).where(eq(ratings.conversationId, a))
      expect(stored.map((r) => [r.kind, r.value])).toEqual([['answer', -1]])

      // Close, then the rider rates the chat (twice: one row, the latest value).
      expect((await admin.request(`/inbox/${b}/close`, { method: 'POST', form: {}, headers: { 'hx-request': 'true' } })).status).toBe(200)
      for (const value of ['4', '5']) {
        const r = await stranded.request(`/chat/${b}/ratings`, { method: 'POST', form: { kind: 'chat', value }, headers: { 'hx-request': 'true' } })
        expect(r.status).toBe(200)
        expect(await r.text()).toContain(`You rated this chat ${value} of 5`)
      }
      expect((await ctx.services.db.select().from(ratings).where(eq(ratings.conversationId, b))).map((r) => r.value)).toEqual([5])

      // Today's numbers, through the CSV exports of the charts.
      expect((await csv(admin, 'resolution')).slice(1).map((l) => l.split(',').slice(1))).toEqual([['2', '1', '1']])
      // Every rule that fired on the handoff counts (the trace of this message names two).
      expect((await csv(admin, 'handoffs-by-rule')).slice(1).map((l) => l.split(',').slice(1))).toContainEqual(['stranded-rider', '1'])
      expect((await csv(admin, 'handoffs-by-department')).slice(1).map((l) => l.split(',').slice(1))).toEqual([['service', '1']])
      expect((await csv(admin, 'first-response'))[1]).toStartWith('stranded-rider,1,')
      expect((await csv(admin, 'answer-ratings')).slice(1).map((l) => l.split(',').slice(1))).toEqual([['0', '1']])
      expect((await csv(admin, 'chat-ratings'))[5]).toBe('5,1')
      expect((await csv(admin, 'unanswered-questions'))[1]).toStartWith('do you rent jet skis?,1,')
    })

    test('ratings are checked: own conversation, AI answers only, closed chats only, values named', async () => {
      const rider = ctx.client(), other = ctx.client()
      const id = randomUUID()
      await say(rider, id, 'what oil does a sportsman 570 take')
      const bot = await botMessage(id)
      const post = (c: Client, json: unknown) => c.request(`/chat/${id}/ratings`, { method: 'POST', json })
      expect((await post(other, { kind: 'answer', message_id: bot.id, value: 'up' })).status).toBe(403)
      const [mine] = await ctx.services.db.select().from(messages).where(and(eq(messages.conversationId, id), eq(messages.author, 'customer')))
      const notAnswer = await post(rider, { kind: 'answer', message_id: mine.id, value: 'up' })
      expect(notAnswer.status).toBe(400)
      expect((await notAnswer.json()).error).toContain('message_id:')
      const open = await post(rider, { kind: 'chat', value: 5 })
      expect(open.status).toBe(400)
      expect((await open.json()).error).toContain('closed')
      const seven = await post(rider, { kind: 'chat', value: 7 })
      expect((await seven.json()).error).toContain('value:')
      expect((await post(rider, { kind: 'stars', value: 1 })).status).toBe(400)
      expect((await post(rider, { kind: 'answer', message_id: 'nope', value: 'up' })).status).toBe(400)
      // A conversation id nobody has used yet is not the rider's to rate.
      expect((await rider.request(`/chat/${randomUUID()}/ratings`, { method: 'POST', json: { kind: 'chat', value: 3 } })).status).toBe(403)
      expect(await ctx.services.db.select().from(ratings).where(eq(ratings.conversationId, id))).toEqual([])
    })

    test('exact figures on a known dataset, with date and store filters', async () => {
      const db = ctx.services.db
      await db.insert(stores).values({ id: 'north', name: 'Ridgeline North', timezone: 'UTC' })
      const [cust] = await db.insert(customers).values({ storeId: 'north', visitorId: 'v-north' }).returning()
      const conv = async () => (await db.insert(conversations).values({ storeId: 'north', customerId: cust.id }).returning())[0].id
      const [c1, c2, c3, c4, c5, c6] = [await conv(), await conv(), await conv(), await conv(), await conv(), await conv()]
      const question = async (conversationId: string, body: string) =>
        (await db.insert(messages).values({ conversationId, author: 'customer', body, clientId: randomUUID() }).returning())[0].id
      const at = (s: string) => new Date(`${s}Z`)
      const ev = async (conversationId: string, kind: string, when: string, data: Record<string, unknown> = {}, storeId = 'north') =>
        (await db.insert(events).values({ storeId, conversationId, kind, data, createdAt: at(when) }).returning())[0].id
      // Monday 2 November
      await ev(c1, 'opened', '2026-11-02T09:00:00'); await ev(c2, 'opened', '2026-11-02T10:00:00'); await ev(c3, 'opened', '2026-11-02T10:30:00')
      const h1 = await ev(c1, 'handoff', '2026-11-02T09:05:00', { from: 'bot', tags: ['financing'], department: 'finance', rules: ['financing-question'], priority: 'hot-lead', targetMinutes: 30 })
      await ev(c1, 'first_response', '2026-11-02T09:15:00', { handoffId: h1, priority: 'hot-lead', targetMinutes: 30, waitedSeconds: 600 })
      await ev(c2, 'answer', '2026-11-02T10:01:00', { confidence: 0.9, questionId: await question(c2, 'what oil') })
      await ev(c3, 'answer', '2026-11-02T10:31:00', { confidence: 0.1, questionId: await question(c3, 'do you rent jet skis') })
      await ev(c2, 'rating', '2026-11-02T10:02:00', { kind: 'answer', value: 1, messageId: 'm2' })
      await ev(c2, 'rating', '2026-11-02T10:03:00', { kind: 'answer', value: -1, messageId: 'm2' }) // changed vote
      await ev(c1, 'rating', '2026-11-02T11:00:00', { kind: 'chat', value: 4, messageId: null })
      // Tuesday 3 November
      await ev(c4, 'opened', '2026-11-03T14:00:00'); await ev(c5, 'opened', '2026-11-03T14:30:00')
      const h4 = await ev(c4, 'handoff', '2026-11-03T14:01:00', { from: 'bot', tags: ['service', 'stranded-rider'], department: 'service', rules: ['stranded-rider'], priority: 'stranded-rider', targetMinutes: 15 })
      await ev(c4, 'handoff', '2026-11-03T14:02:00', { from: 'waiting', tags: ['service'], department: 'service', rules: ['x'], priority: 'stranded-rider', targetMinutes: 15 })
      await ev(c4, 'first_response', '2026-11-03T15:01:00', { handoffId: h4, priority: 'stranded-rider', targetMinutes: 15, waitedSeconds: 3600 })
      await ev(c5, 'handoff', '2026-11-03T14:31:00', { from: 'bot', tags: [], department: 'sales', rules: ['hot-lead'], priority: 'normal', targetMinutes: 240 })
      // Tuesday 10 November, and the demo store on the same days (never counted for north)
      await ev(c6, 'opened', '2026-11-10T08:00:00')
      await ev(c6, 'answer', '2026-11-10T08:01:00', { confidence: 0.2, questionId: await question(c6, 'can I rent a jet ski?') })
      await ev(c1, 'opened', '2026-11-02T09:00:00', {}, 'demo')
      await ev(c1, 'handoff', '2026-11-02T09:00:00', { from: 'bot', tags: ['financing'], department: 'finance', rules: ['r'] }, 'demo')

      const q = 'store=north&from=2026-11-02&to=2026-11-03&bucket=day'
      expect(await csv(admin, 'resolution', q)).toEqual(['period,conversations,ai_resolved,handed_off', '2026-11-02,3,2,1', '2026-11-03,2,0,2'])
      expect(await csv(admin, 'handoffs-by-tag', q)).toEqual(['period,tag,handoffs', '2026-11-02,financing,1', '2026-11-03,service,1', '2026-11-03,stranded-rider,1'])
      expect(await csv(admin, 'handoffs-by-department', q)).toEqual(['period,department,handoffs', '2026-11-02,finance,1', '2026-11-03,sales,1', '2026-11-03,service,1'])
      expect(await csv(admin, 'first-response', q)).toEqual([
        'priority,first_responses,median_minutes,p90_minutes,target_minutes,late', 'stranded-rider,1,60,60,15,1', 'hot-lead,1,10,10,30,0',
      ])
      expect(await csv(admin, 'sla-breaches', q)).toEqual([
        'period,priority,handoffs,replied_late,no_reply_past_target', '2026-11-02,hot-lead,1,0,0', '2026-11-03,normal,1,0,1', '2026-11-03,stranded-rider,1,1,0',
      ])
      expect(await csv(admin, 'busiest-hours', q)).toEqual(['weekday,hour,conversations', 'Mon,9,1', 'Mon,10,2', 'Tue,14,2'])
      expect(await csv(admin, 'answer-ratings', q)).toEqual(['period,helpful,not_helpful', '2026-11-02,0,1'])
      expect((await csv(admin, 'chat-ratings', q))[4]).toBe('4,1')
      expect((await csv(admin, 'unanswered-questions', q)).slice(1).map((l) => l.split(',').slice(0, 2))).toEqual([['do you rent jet skis', '1']])
      // A wider range groups the two rental questions; a week bucket starts on Monday.
      const wide = 'store=north&from=2026-11-02&to=2026-11-10&bucket=week'
      expect((await csv(admin, 'unanswered-questions', wide)).slice(1).map((l) => l.split(',').slice(0, 2))).toEqual([['can I rent a jet ski?', '2']])
      expect(await csv(admin, 'resolution', wide)).toEqual(['period,conversations,ai_resolved,handed_off', '2026-11-02,5,2,3', '2026-11-09,1,1,0'])
      expect((await csv(admin, 'resolution', 'store=north&from=2026-11-10&to=2026-11-10')).slice(1)).toEqual(['2026-11-10,1,1,0'])
      // The demo store on those days holds only its own two events; "all" adds both stores up.
      expect((await csv(admin, 'handoffs-by-tag', 'store=demo&from=2026-11-02&to=2026-11-03')).slice(1)).toEqual(['2026-11-02,financing,1'])
      expect((await csv(admin, 'handoffs-by-tag', 'store=all&from=2026-11-02&to=2026-11-03'))[1]).toBe('2026-11-02,financing,2')
      // A manager of the demo store cannot look at north.
      expect((await manager.request(`/insights/export/resolution.csv?${q}`)).status).toBe(403)
      const html = await (await admin.request(`/insights?${q}`)).text()
      expect(html).toContain('Ridgeline North')
      expect(html).toContain('do you rent jet skis')
      expect(html).toMatch(/<dt>Conversations<\/dt><dd>5<\/dd>/)
    })

    test('"add an answer" makes a draft the AI cannot use until it is published', async () => {
      const search = await ctx.services.search!
      const hits = async (s: SearchService) => (await s.search({ q: 'snowmobile rental rates weekend', storeId: 'demo', type: 'faq' })).hits.map((h) => h.id)
      const made = await manager.request('/insights/drafts', { method: 'POST', form: { question: 'do you rent snowmobiles for the weekend?' } })
      expect(made.status).toBe(303)
      const href = made.headers.get('location')!
      const id = href.split('/').at(-1)!
      expect(href).toMatch(/^\/insights\/drafts\/answer-[0-9a-f]{8}$/)
      const form = await (await manager.request(href)).text()
      expect(form).toContain('do you rent snowmobiles for the weekend?')
      const body = 'Yes: snowmobile rental rates are $180 a day or $320 for the weekend, helmet included.'
      expect((await manager.request(href, { method: 'POST', form: { type: 'faq', title: 'Snowmobile rentals', question: 'do you rent snowmobiles?', body, action: 'save' } })).status).toBe(200)
      const [row] = await ctx.services.db.select().from(documents).where(eq(documents.id, id))
      expect(row.fields).toMatchObject({ draft: true })
      expect(row.body).toBe(body)
      // Not searchable: neither after a sync nor in an index rebuilt from the database.
      await search.sync()
      expect(await hits(search)).not.toContain(id)
      const rebuilt = await createSearch({}, ctx.services.database, { embedder, syncIntervalMs: 0 })
      searches.push(rebuilt)
      expect(await hits(rebuilt)).not.toContain(id)
      expect(await (await manager.request('/insights')).text()).toContain(`/insights/drafts/${id}`)
      // Publishing checks the document like an import does.
      const policy = await manager.request(href, { method: 'POST', form: { type: 'policy', title: 'Snowmobile rentals', body, action: 'publish' } })
      expect(policy.status).toBe(400)
      expect(await policy.text()).toContain('fields.topic')
      const empty = await manager.request(href, { method: 'POST', form: { type: 'faq', title: 'Snowmobile rentals', body: ' ', action: 'publish' } })
      expect(empty.status).toBe(400)
      const pub = await manager.request(href, { method: 'POST', form: { type: 'faq', title: 'Snowmobile rentals', question: 'do you rent snowmobiles?', body, action: 'publish' } })
      expect(pub.status).toBe(200)
      expect(await pub.text()).toContain('Published')
      expect(await hits(search)).toContain(id)
      const again = await createSearch({}, ctx.services.database, { embedder, syncIntervalMs: 0 })
      searches.push(again)
      expect(await hits(again)).toContain(id)
      // Once live it is not turned back into a draft.
      expect((await manager.request(href, { method: 'POST', form: { type: 'faq', title: 'x', body: 'y', action: 'save' } })).status).toBe(400)
      expect((await dana.request(href)).status).toBe(403)
    })
  })
}
