/**
 * Fault: Claude errors, overload, rate limits, hangs and broken streams, through the whole rider-message pipeline
 * (the services wired as the server wires them, against the fake Messages API). Whatever Claude does, the rider
 * gets the local answer or an honest handoff, staff see the chat flagged, and nothing is stored twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { conversations, events, messages } from '../../src/db/schema.ts'
import { agentServices, type ClaudeLimits } from '../../src/agent/services.ts'
import { FOLLOW_UP } from '../../src/agent/claude.ts'
import { createApp } from '../../src/app.tsx'
import { seedDemoStore } from '../../src/staff/demo.ts'
import { demo, NOW, type Demo } from '../integration/agent/demo.ts'
import { Client, PASSWORD, testConfig, testServices } from '../support/app.ts'
import { reply, startFakeClaude, type FakeClaude, type FakeResponse } from '../support/fake-claude.ts'

let fake: FakeClaude
let d: Demo
beforeAll(async () => {
  fake = await startFakeClaude()
  d = await demo()
  await seedDemoStore(d.database.db, { password: PASSWORD })
}, 120_000)
afterAll(() => fake.close())
beforeEach(() => fake.reset())

/** The app with Claude configured, as `bootServices` builds it, with the given time limits. */
function appWith(limits: ClaudeLimits) {
  const config = testConfig({ ANTHROPIC_API_KEY: fake.apiKey, ANTHROPIC_BASE_URL: fake.url })
  const s = testServices(d.database, { now: () => NOW, rules: d.rules, config })
  Object.assign(s, agentServices(config, d.database, Promise.resolve(d.search), () => d.rules, () => {}, limits))
  return createApp(s)
}

/** Every Claude call gets `fault`: tags, the answer and the handoff summary alike. */
const always = (fault: () => FakeResponse) => fake.setHandler(() => fault())

const STREAM_CUT: FakeResponse = reply.events([
  { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_cut', type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } } } },
  { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
  { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Our shop labor rate is $1' } } },
])

async function ask(app: ReturnType<typeof createApp>, text: string) {
  const rider = new Client(app)
  const conv = randomUUID(), clientId = randomUUID()
  const started = Date.now()
  const send = () => rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: clientId, body: text } })
  const res = await send()
  const ms = Date.now() - started
  const retry = await send() // a client retry after the answer: nothing new
  const stored = await d.database.db.select().from(messages).where(eq(messages.conversationId, conv))
  const [c] = await d.database.db.select().from(conversations).where(eq(conversations.id, conv))
  const evs = await d.database.db.select().from(events).where(and(eq(events.conversationId, conv), eq(events.kind, 'message')))
  return { status: res.status, retryStatus: retry.status, ms, stored, conv: c, events: evs }
}

/** Nothing lost, nothing doubled: one rider message, one answer to it, one flag note, one live event per message. */
function expectExactlyOnce(r: Awaited<ReturnType<typeof ask>>) {
  expect(r.status).toBe(201)
  expect(r.retryStatus).toBe(200)
  expect(r.stored.filter((m) => m.author === 'customer')).toHaveLength(1)
  expect(r.stored.filter((m) => m.author === 'bot')).toHaveLength(1)
  expect(r.stored.filter((m) => m.internal && m.body.startsWith('AI flagged this chat'))).toHaveLength(1)
  expect(r.conv.tags).toContain('ai-flagged')
  const perMessage = new Map<string, number>()
  for (const e of r.events) perMessage.set(String(e.data.messageId), (perMessage.get(String(e.data.messageId)) ?? 0) + 1)
  expect([...perMessage.values()].every((n) => n === 1)).toBe(true)
  expect(perMessage.size).toBe(r.stored.length)
}

describe('Claude failing: the rider still gets the local answer (a question the DMS content answers)', () => {
  const QUESTION = 'do you ship parts?'
  const cases: Array<[string, () => FakeResponse, RegExp]> = [
    ['500 on every attempt (SDK retries exhausted)', () => reply.error(500, { retry: true }), /server error 500/],
    ['529 overloaded', () => reply.error(529), /overloaded 529/],
    ['429 rate limited with retry-after', () => reply.error(429, { retryAfter: 1 }), /rate limited 429/],
    ['a hang longer than the request timeout', () => reply.hang(), /timed out/],
    ['a stream cut off mid-answer', () => STREAM_CUT, /Claude unavailable/],
    ['a malformed response body', () => reply.raw('{"type":"message","content":[{"type":"te'), /Claude unavailable/],
  ]
  test.each(cases)('%s', async (_name, fault, why) => {
    always(fault)
    const r = await ask(appWith({ timeoutMs: 400, maxRetries: 2, budgetMs: 4000 }), QUESTION)
    expectExactlyOnce(r)
    const bot = r.stored.find((m) => m.author === 'bot')!
    expect(bot.body).not.toBe(FOLLOW_UP)
    expect((bot.citations as Array<{ id: string }>).map((c) => c.id)).toContain('policy-shipping')
    expect((bot.decision as { source: string }).source).toBe('fallback')
    expect(r.stored.find((m) => m.internal && m.body.startsWith('AI flagged'))!.body).toMatch(why)
    expect(r.conv.status).toBe('bot')
    expect(fake.messages().length).toBeGreaterThan(0)
    expect(r.ms).toBeLessThan(8000)
  }, 30_000)

  test('the SDK honours retry-after on 429 before giving up', async () => {
    always(() => reply.error(429, { retryAfter: 1 }))
    await ask(appWith({ timeoutMs: 400, maxRetries: 1, budgetMs: 4000 }), QUESTION)
    const answers = fake.messages().filter((m) => m.body?.stream === true)
    expect(answers).toHaveLength(2)
    expect(answers[1].at - answers[0].at).toBeGreaterThanOrEqual(900)
  }, 30_000)
})

describe('Claude failing with nothing relevant locally: an honest handoff', () => {
  test.each([
    ['529 overloaded', () => reply.error(529)],
    ['a hang', () => reply.hang()],
  ] as Array<[string, () => FakeResponse]>)('%s: "a person will follow up", the chat waits for sales with a summary', async (_name, fault) => {
    always(fault)
    const r = await ask(appWith({ timeoutMs: 400, maxRetries: 1, budgetMs: 3000 }), 'do you rent RVs?')
    expectExactlyOnce(r)
    expect(r.stored.find((m) => m.author === 'bot')!.body).toBe(FOLLOW_UP)
    expect(r.conv).toMatchObject({ status: 'waiting', department: 'sales' })
    expect(r.conv.summary).toBeTruthy() // extraction stands in for Claude's summary
  }, 30_000)
})

test('a hung API bounds the whole post by the budgets, the handoff summary included (not by the 15 s per-attempt timeout and retries)', async () => {
  always(() => reply.hang())
  const r = await ask(appWith({ timeoutMs: 10_000, maxRetries: 2, budgetMs: 1000 }), 'do you rent RVs?')
  expectExactlyOnce(r)
  expect(r.conv.status).toBe('waiting')
  // tags (1 s, in parallel with the rules) + answer (1 s) + summary (1 s), with room for a loaded machine
  expect(r.ms).toBeLessThan(6000)
}, 30_000)
