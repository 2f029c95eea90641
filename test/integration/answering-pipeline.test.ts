import { beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { conversations, messages } from '../../src/db/schema.ts'
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
})
