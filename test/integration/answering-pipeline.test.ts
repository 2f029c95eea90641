import { beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { asc, eq, sql } from 'drizzle-orm'
import { conversations, events, messages } from '../../src/db/schema.ts'
import { rows } from '../../src/db/client.ts'
import { storeMessage } from '../../src/conversations/store.ts'
import { createAnswerer } from '../../src/agent/index.ts'
import { createApp } from '../../src/app.tsx'
import { seedDemoStore } from '../../src/staff/demo.ts'
import { demo, NOW } from './agent/demo.ts'
import { Client, PASSWORD, readSse, testConfig, testServices } from '../support/app.ts'
import type { Services } from '../../src/deps.ts'

describe('the AI answers riders through the message pipeline (local mode, demo data)', () => {
  let s: Services
  let app: ReturnType<typeof createApp>
  beforeAll(async () => {
    const d = await demo()
    await seedDemoStore(d.database.db, { password: PASSWORD })
    s = testServices(d.database, { now: () => NOW, rules: d.rules })
    s.answerer = createAnswerer(testConfig(), d.deps)
    app = createApp(s)
  }, 120_000)

  async function ask(text: string, id = randomUUID(), rider = new Client(app)) {
    const r = await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: text } })
    expect(r.status).toBe(201)
    const msgs = await s.db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(messages.createdAt)
    const [conv] = await s.db.select().from(conversations).where(eq(conversations.id, id))
    return { id, rider, conv, msgs, bot: msgs.filter((m) => m.author === 'bot').at(-1) }
  }

  test('a routine question gets a grounded answer with citations, shown as cards in the widget', async () => {
    const { id, rider, bot, conv, msgs } = await ask('what kind of oil does a sportsman 570 take')
    expect(conv.status).toBe('bot')
    // The rules' decision on the question is stored with the answer (one statement), for the trace panel and insights.
    expect(msgs.find((m) => m.author === 'customer')!.decision).toMatchObject({ action: 'answer', trace: expect.any(Array) })
    expect(bot).toBeDefined()
    expect((bot!.citations as unknown[]).length).toBeGreaterThan(0)
    expect(bot!.body.toLowerCase()).toContain('oil')
    const page = await (await rider.request('/chat')).text()
    expect(page).toContain(id)
    expect(page).toContain('class="citations"')
  })

  test('a follow-up resolves against the unit under discussion', async () => {
    const first = await ask('do you have any used side by sides')
    const cited = (first.bot!.citations as { type: string; stockNumber?: string }[]).find((c) => c.type === 'unit')
    expect(cited).toBeDefined()
    const again = await ask('is that one still in stock?', first.id, first.rider)
    expect(again.bot!.body).toContain(cited!.stockNumber!)
  })

  test('a payment question is never quoted: the rules hand it to finance', async () => {
    const { conv, bot } = await ask('what would my monthly payment be on a new grizzly with $2000 down')
    expect(conv.status).toBe('waiting')
    expect(conv.department).toBe('finance')
    expect(bot!.body).not.toMatch(/\$\d+\s*(\/|per)\s*mo/i)
  })

  test('nothing relevant found: the rider is told honestly and offered a person', async () => {
    const { msgs } = await ask('do you sell lawn mower blades for a john deere tractor')
    const said = msgs.filter((m) => m.author === 'bot').map((m) => m.body)
    expect(said[0].toLowerCase()).toMatch(/couldn't find|could not find|don't have|no .* in our/)
    expect(said.at(-1)).toContain('Talk to a person')
  })

  test('staff assist drafts a reply from the DMS content for staff to edit', async () => {
    const { id } = await ask('how much is a Sportsman 570 oil filter?')
    const staff = new Client(app); await staff.login()
    const res = await staff.request(`/inbox/${id}/suggest`, { method: 'POST', form: {}, headers: { 'hx-request': 'true' } })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('id="reply"')
    expect(html).toMatch(/<textarea[^>]*>[^<]*3574153/)
    expect(html).toContain('edit before sending')
  })

  test('the rider stream carries the answer and clears the draft', async () => {
    const rider = new Client(app)
    const id = randomUUID()
    const stream = await rider.request(`/chat/${id}/events`)
    const reading = readSse(stream, (m) => m.some((x) => x.data.includes('msg-bot')), 8000)
    await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'what are your service hours on saturday' } })
    const msgs = await reading
    const botMsg = msgs.find((m) => m.data.includes('msg-bot'))!
    expect(botMsg.data).toContain('hx-target="#draft"')
  })
  /**
   * Which transaction put each message of the chat on the live views (the xmin of its `message` event: events are
   * never updated, unlike a question's row, which its answer's statement updates with the decision), in transcript order.
   */
  const writers = async (id: string) => (await rows<{ author: string; body: string; tx: string }>(s.db, sql`
    select m.author, m.body, e.xmin::text as tx from messages m join events e on e.kind = 'message' and e.data->>'messageId' = m.id::text
    where m.conversation_id = ${id} order by m.created_at, m.id`))

  test('each question is stored with its answer by one statement, events and facts as the usual path writes them', async () => {
    const first = await ask('do you have any used side by sides')
    const again = await ask('is that one still in stock?', first.id, first.rider)
    const w = await writers(first.id)
    expect(w.map((m) => m.author)).toEqual(['customer', 'bot', 'customer', 'bot'])
    // The first message opens the chat in the same statement (customer, conversation, `opened` fact); the process then
    // holds the transcript, so the next question and its answer are written by one statement too.
    expect(w[0].tx).toBe(w[1].tx)
    const [opened] = await rows<{ tx: string }>(s.db, sql`select xmin::text as tx from events where conversation_id = ${first.id} and kind = 'opened'`)
    expect(opened.tx).toBe(w[0].tx)
    expect(w[2].tx).toBe(w[3].tx)
    expect(w[1].tx).not.toBe(w[2].tx)
    const question = again.msgs.find((m) => m.body === 'is that one still in stock?')!
    expect(question.decision).toMatchObject({ action: 'answer', trace: expect.any(Array) })
    expect(again.bot!.clientId).toBe(`bot:${question.id}`)
    expect(again.conv).toMatchObject({ status: 'bot', lastRiderText: 'is that one still in stock?', lastMessageAt: again.bot!.createdAt })
    const evs = await s.db.select().from(events).where(eq(events.conversationId, first.id)).orderBy(asc(events.id))
    const said = evs.filter((e) => e.kind === 'message').map((e) => (e.data as { messageId: string }).messageId)
    expect(said).toEqual(again.msgs.map((m) => m.id))
    const fact = evs.find((e) => e.kind === 'answer' && (e.data as { questionId: string }).questionId === question.id)
    expect(fact?.data).toMatchObject({ messageId: again.bot!.id, source: 'local' })
  })

  test('a chat a person took meanwhile (another process): the message is stored once and the AI stays quiet', async () => {
    const first = await ask('do you have any used side by sides')
    await s.db.update(conversations).set({ status: 'claimed' }).where(eq(conversations.id, first.id))
    const again = await ask('is that one still in stock?', first.id, first.rider)
    expect(again.msgs.map((m) => m.author)).toEqual(['customer', 'bot', 'customer'])
    expect(again.conv.status).toBe('claimed')
  })

  test('a message stored meanwhile by another process: the answer is made from the transcript with it', async () => {
    const first = await ask('do you have any used side by sides')
    await storeMessage(s.db, first.conv.storeId, { conversationId: first.id, author: 'system', body: 'The shop closes at 3 today.', clientId: randomUUID() })
    const again = await ask('what kind of oil does a sportsman 570 take', first.id, first.rider)
    const w = await writers(first.id)
    expect(w.map((m) => m.author)).toEqual(['customer', 'bot', 'system', 'customer', 'bot'])
    expect(w[3].tx).not.toBe(w[4].tx) // the usual path: the statement found the transcript had moved on
    expect(again.bot!.body.toLowerCase()).toContain('oil')
  })

  test('a retry of a question answered in one statement stores nothing and is not answered twice', async () => {
    const first = await ask('do you have any used side by sides')
    const clientId = randomUUID()
    const post = () => first.rider.request(`/chat/${first.id}/messages`, { method: 'POST', json: { client_id: clientId, body: 'is that one still in stock?' } })
    const r1 = await post()
    expect(r1.status).toBe(201)
    const r2 = await post()
    expect(r2.status).toBe(200)
    expect(((await r2.json()) as { duplicate: boolean }).duplicate).toBe(true)
    const w = await writers(first.id)
    expect(w.map((m) => m.author)).toEqual(['customer', 'bot', 'customer', 'bot'])
    expect(w[2].tx).toBe(w[3].tx)
  })

  test('a handoff on a later question takes the usual path: the rider is told a person will reply', async () => {
    const first = await ask('do you have any used side by sides')
    const again = await ask('what would my monthly payment be on it with $2000 down', first.id, first.rider)
    expect(again.conv.status).toBe('waiting')
    expect(again.conv.department).toBe('finance')
    const w = await writers(first.id)
    expect(w.at(-2)!.tx).not.toBe(w.at(-1)!.tx)
  })
})
