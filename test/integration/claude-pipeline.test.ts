import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { conversations, messages } from '../../src/db/schema.ts'
import { agentServices } from '../../src/agent/services.ts'
import { createApp } from '../../src/app.tsx'
import { seedDemoStore } from '../../src/staff/demo.ts'
import { demo, NOW } from './agent/demo.ts'
import { Client, PASSWORD, testConfig, testServices } from '../support/app.ts'
import { reply, startFakeClaude, type FakeClaude } from '../support/fake-claude.ts'
import type { Services } from '../../src/deps.ts'

describe('Claude mode through the message pipeline (fake Messages API)', () => {
  let fake: FakeClaude
  let s: Services
  let app: ReturnType<typeof createApp>
  beforeAll(async () => {
    fake = await startFakeClaude()
    const d = await demo()
    await seedDemoStore(d.database.db, { password: PASSWORD })
    const config = testConfig({ ANTHROPIC_API_KEY: fake.apiKey, ANTHROPIC_BASE_URL: fake.url })
    s = testServices(d.database, { now: () => NOW, rules: d.rules, config })
    Object.assign(s, agentServices(config, d.database, Promise.resolve(d.search), () => d.rules, () => {}))
    app = createApp(s)
  }, 120_000)
  afterAll(() => fake.close())

  test('Claude tags are added and marked llm in the trace; when Claude is overloaded the rider still gets an answer and staff see a flag', async () => {
    fake.setHandler((req) => {
      const tools = (req.body?.tools ?? []).map((t: { name: string }) => t.name)
      if (tools.includes('set_tags')) return reply.tool('set_tags', { tags: ['parts-order'] })
      return reply.error(529, { retry: false })
    })
    const rider = new Client(app)
    const id = randomUUID()
    const r = await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'how long is the factory warranty on a new can-am outlander' } })
    expect(r.status).toBe(201)
    expect(fake.messages().every((m) => m.headers.authorization === `Bearer ${fake.apiKey}`)).toBe(true)
    const msgs = await s.db.select().from(messages).where(eq(messages.conversationId, id))
    const customer = msgs.find((m) => m.author === 'customer')!
    const trace = (customer.decision as { trace: { rule: string; source: string }[] }).trace
    expect(trace).toContainEqual(expect.objectContaining({ rule: 'tag:parts-order', source: 'llm' }))
    const bot = msgs.filter((m) => m.author === 'bot')
    expect(bot.length).toBeGreaterThan(0)
    expect(bot[0].body.length).toBeGreaterThan(20)
    const [conv] = await s.db.select().from(conversations).where(eq(conversations.id, id))
    expect(conv.tags).toEqual(expect.arrayContaining(['warranty', 'parts-order']))
    expect(conv.tags).toContain('ai-flagged')
    expect(msgs.some((m) => m.internal && m.body.startsWith('AI flagged this chat'))).toBe(true)
  })
})
