import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import type { Answer, AnswerRequest, Answerer } from '../../../src/agent/contract.ts'
import { FOLLOW_UP } from '../../../src/agent/claude.ts'
import { SAFE_REPLY } from '../../../src/agent/guardrails.ts'
import { createAnswerer, createClaudeClient } from '../../../src/agent/index.ts'
import { reply, startFakeClaude, type FakeClaude } from '../../support/fake-claude.ts'
import { demo, NOW, STORE, type Demo } from './demo.ts'

let d: Demo
let claude: FakeClaude
beforeAll(async () => { d = await demo(); claude = await startFakeClaude() })
afterAll(() => claude.close())
beforeEach(() => claude.reset())

const MODELS = { fast: 'claude-haiku-5-5', smart: 'claude-sonnet-5-5' }
function answerer(o: { timeout?: number; maxRetries?: number; budgetMs?: number; maxSteps?: number } = {}): Answerer {
  return createAnswerer({ anthropic: { apiKey: claude.apiKey, baseURL: claude.url }, claudeModels: MODELS }, {
    ...d.deps, store: d.store, client: claude.client({ timeout: o.timeout, maxRetries: o.maxRetries }), budgetMs: o.budgetMs, maxSteps: o.maxSteps,
  })
}
async function ask(text: string, o: Parameters<typeof answerer>[0] = {}, more: Partial<AnswerRequest> = {}): Promise<Answer & { deltas: string[] }> {
  const deltas: string[] = []
  const a = await answerer(o).answer({ storeId: STORE, text, history: [], now: NOW, onText: (t) => deltas.push(t), ...more })
  return { ...a, deltas }
}
const lastContent = (i: number) => JSON.stringify(claude.messages()[i].body.messages.at(-1).content)

describe('Claude answerer: tool loop, streaming, citations', () => {
  test('searches, looks the unit up, streams a cited answer', async () => {
    claude.enqueue(
      reply.tool('search_dms', { query: 'Yamaha Grizzly in stock' }),
      reply.tool('get_unit', { stock_number: 'N26-0222' }),
      reply.text('Yes! The 2026 Yamaha Grizzly EPS SE is $11,899 and in stock, stock #N26-0222 [[unit-N260222]]. It is Tactical Black [[unit-N260222]].'),
    )
    const a = await ask('Do you have a Grizzly?')
    expect(a.source).toBe('claude')
    expect(a.text).toBe('Yes! The 2026 Yamaha Grizzly EPS SE is $11,899 and in stock, stock #N26-0222. It is Tactical Black.')
    expect(a.citations).toEqual([expect.objectContaining({ id: 'unit-N260222', type: 'unit', price: 11899, stockNumber: 'N26-0222', dataAsOf: '2026-11-20' })])
    expect(a.focus).toMatchObject({ kind: 'unit', ref: 'N26-0222' })
    expect(a.confidence).toBeGreaterThanOrEqual(0.9)
    expect(a.deltas.length).toBeGreaterThan(1)
    expect(a.deltas.join('')).toBe(a.text)

    const reqs = claude.messages()
    expect(reqs).toHaveLength(3)
    expect(reqs[0].headers.authorization).toBe('Bearer test-key')
    expect(reqs[0].body.model).toBe(MODELS.smart)
    expect(reqs[0].body.stream).toBe(true)
    expect(reqs[0].body.tools.map((t: { name: string }) => t.name)).toEqual(['search_dms', 'get_unit', 'get_part', 'store_hours', 'request_handoff'])
    expect(reqs[0].body.system).toContain('pitwall-guardrails')
    expect(reqs[0].body.messages[0].content).toContain('<rider_message>\nDo you have a Grizzly?\n</rider_message>')
    expect(lastContent(1)).toContain('<untrusted_data source=\\"search_dms\\">')
    expect(lastContent(2)).toContain('<document id=\\"unit-N260222\\" type=\\"unit\\">')
  })

  test('a handoff the model requests reaches the answer', async () => {
    claude.enqueue(
      reply.tool('request_handoff', { department: 'service', reason: 'wants the valve clearance checked' }),
      reply.text('Our service team will follow up with you here.'),
    )
    const a = await ask('can someone check my valve clearance?')
    expect(a.handoff).toEqual({ department: 'service', reason: 'wants the valve clearance checked', via: 'tool' })
    expect(a.text).toBe('Our service team will follow up with you here.')
  })

  test('multi-turn: history as turns, the unit under discussion in the system prompt', async () => {
    claude.enqueue(reply.text('It is in stock.'))
    await ask('is it in stock?', {}, {
      history: [{ author: 'customer', text: 'any Grizzlies?' }, { author: 'bot', text: 'The 2026 Yamaha Grizzly EPS SE, stock #N26-0222.' }],
      focus: { kind: 'unit', id: 'unit-N260222', ref: 'N26-0222', label: '2026 Yamaha Grizzly EPS SE' },
    })
    const body = claude.messages()[0].body
    expect(body.system).toContain('the 2026 Yamaha Grizzly EPS SE (stock #N26-0222)')
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(body.messages[1].content).toBe('The 2026 Yamaha Grizzly EPS SE, stock #N26-0222.')
  })

  test('the SDK client built from config talks Bearer auth to the configured base URL', async () => {
    const client = createClaudeClient({ anthropic: { apiKey: claude.apiKey, baseURL: claude.url } }, { maxRetries: 0 })!
    claude.enqueue(reply.text('Hi there!'))
    const a = await createAnswerer({ anthropic: { apiKey: claude.apiKey }, claudeModels: MODELS }, { ...d.deps, client }).answer({ storeId: STORE, text: 'hello', history: [], now: NOW })
    expect(a.text).toBe('Hi there!')
    expect(claude.messages()[0].headers.authorization).toBe('Bearer test-key')
    expect(createClaudeClient({})).toBeUndefined()
  })
})

describe('Claude answerer: failures never leave the rider in silence', () => {
  test('429 rate limit: the local answer, flagged', async () => {
    claude.enqueue(reply.error(429, { retry: false }))
    const a = await ask('what does P0563 mean')
    expect(a.source).toBe('fallback')
    expect(a.text).toContain('System voltage high')
    expect(a.citations.map((c) => c.id)).toEqual(['guide-fault-codes'])
    expect(a.flagged).toMatch(/rate limited 429.*answered from local search/)
    expect(a.deltas.join('')).toBe(a.text)
  })

  test('500 is retried by the SDK and then answered', async () => {
    claude.enqueue(reply.error(500, { retry: true }), reply.tool('search_dms', { query: 'labor rate' }),
      reply.text('Our shop labor rate is $149 per hour [[price-service-2026]].'))
    const a = await ask("what's your labor rate?", { maxRetries: 1 })
    expect(a.source).toBe('claude')
    expect(a.text).toBe('Our shop labor rate is $149 per hour.')
    expect(a.citations.map((c) => c.id)).toEqual(['price-service-2026'])
    const reqs = claude.messages()
    expect(reqs).toHaveLength(3)
    expect(reqs[1].headers['x-stainless-retry-count']).toBe('1')
  })

  test('529 overloaded with nothing relevant locally: an honest "a person will follow up" and a handoff', async () => {
    claude.enqueue(reply.error(529, { retry: false }))
    const a = await ask('do you rent RVs?')
    expect(a.text).toBe(FOLLOW_UP)
    expect(a.deltas.join('')).toBe(FOLLOW_UP)
    expect(a.handoff).toMatchObject({ department: 'sales', via: 'failure' })
    expect(a.flagged).toMatch(/overloaded 529.*a person must follow up/)
  })

  test('a request that times out falls back', async () => {
    claude.enqueue(reply.hang())
    const a = await ask('do you ship parts?', { timeout: 300 })
    expect(a.source).toBe('fallback')
    expect(a.citations.map((c) => c.id)).toEqual(['policy-shipping'])
    expect(a.flagged).toMatch(/timed out/)
  })

  test('the whole answer has a time budget, retries included', async () => {
    claude.setHandler(() => reply.delay(250, reply.error(500, { retry: true })))
    const started = Date.now()
    const a = await ask('do you ship parts?', { maxRetries: 5, budgetMs: 400 })
    expect(Date.now() - started).toBeLessThan(2500)
    expect(a.source).toBe('fallback')
    expect(a.flagged).toMatch(/timed out/)
  })

  test('a broken response body falls back', async () => {
    claude.enqueue(reply.raw('{"type":"message","content":[{"type":"text"', 200, 'application/json'))
    const a = await ask('do you ship parts?')
    expect(a.source).toBe('fallback')
    expect(a.text.length).toBeGreaterThan(0)
  })

  test('a stream cut off mid-answer: the final answer replaces the partial draft', async () => {
    claude.enqueue(reply.events([
      { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: MODELS.smart, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } } } },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'We ship parts. And then' } } },
    ]))
    const a = await ask('do you ship parts?')
    expect(a.source).toBe('fallback')
    expect(a.citations.map((c) => c.id)).toEqual(['policy-shipping'])
    expect(a.flagged).toContain('Claude unavailable')
  })

  test.each([
    ['stop_reason max_tokens', reply.content([{ type: 'text', text: 'The Grizzly is' }], 'max_tokens'), /cut off/],
    ['a refusal', reply.content([{ type: 'text', text: '' }], 'refusal'), /refused/],
    ['an empty answer', reply.content([], 'end_turn'), /empty answer/],
  ])('%s falls back', async (_name, r, why) => {
    claude.enqueue(r)
    const a = await ask('do you ship parts?')
    expect(a.source).toBe('fallback')
    expect(a.flagged).toMatch(why)
  })

  test('invalid tool input and unknown tools go back to the model as errors, not crashes', async () => {
    claude.enqueue(
      reply.tool('get_unit', { stock_number: 42 }),
      reply.tool('delete_inventory', { all: true }),
      reply.tool('get_unit', { stock_number: 'N26-0222' }),
      reply.text('Stock #N26-0222 is $11,899 [[unit-N260222]].'),
    )
    const a = await ask('price of N26-0222?')
    expect(a.text).toBe('Stock #N26-0222 is $11,899.')
    expect(lastContent(1)).toContain('"is_error":true')
    expect(lastContent(1)).toContain('Invalid input')
    expect(lastContent(2)).toContain('Unknown tool delete_inventory')
  })

  test('citations of documents never retrieved are dropped and flagged', async () => {
    claude.enqueue(reply.tool('search_dms', { query: 'return policy' }), reply.text('Unused parts can be returned within 30 days [[policy-returns]] [[policy-made-up]].'))
    const a = await ask('return policy?')
    expect(a.citations.map((c) => c.id)).toEqual(['policy-returns'])
    expect(a.flagged).toContain('policy-made-up')
  })

  test('an invented price is not shown: the local answer is', async () => {
    claude.enqueue(reply.tool('search_dms', { query: 'labor rate' }), reply.text('Our labor rate is $99 per hour [[price-service-2026]].'))
    const a = await ask("what's your labor rate?")
    expect(a.source).toBe('fallback')
    expect(a.text).toContain('$149')
    expect(a.text).not.toContain('$99')
    expect(a.flagged).toContain('figures not in any document: $99')
  })

  test('a model that never stops calling tools hits the step cap', async () => {
    claude.setHandler(() => reply.tool('search_dms', { query: 'anything' }))
    const a = await ask('do you ship parts?', { maxSteps: 3 })
    expect(claude.messages()).toHaveLength(3)
    expect(a.source).toBe('fallback')
    expect(a.flagged).toContain('no answer after 3 model calls')
  })

  test('the caller can cancel', async () => {
    claude.enqueue(reply.hang())
    const ctl = new AbortController()
    const p = answerer().answer({ storeId: STORE, text: 'do you ship parts?', history: [], now: NOW, signal: ctl.signal })
    setTimeout(() => ctl.abort(), 50)
    await expect(p).rejects.toThrow()
  })
})

describe('Claude answerer: guardrails in code, whatever the model says', () => {
  test('a payment quote is replaced, never streamed, and handed to finance', async () => {
    claude.enqueue(reply.tool('get_unit', { stock_number: 'N26-0222' }),
      reply.text('The Grizzly is $11,899 [[unit-N260222]]. With approved credit that is about $210 a month at 6.9% APR. Want to apply?'))
    const a = await ask('tell me about N26-0222')
    expect(a.text).toBe(SAFE_REPLY.financing_terms)
    expect(a.handoff).toMatchObject({ department: 'finance', via: 'guardrail' })
    expect(a.deltas.join('')).toBe('The Grizzly is $11,899.')
    expect(a.deltas.join('')).not.toMatch(/\$210|APR/)
  })

  test.each([
    ['Your trade is worth about $4,000 [[unit-N260222]].', 'sales'],
    ['We can get you in tomorrow at 9am.', 'service'],
    ['Yes, that filter will fit your VIN.', 'parts'],
  ])('%p becomes a %p handoff', async (said, dept) => {
    claude.enqueue(reply.tool('get_unit', { stock_number: 'N26-0222' }), reply.text(said))
    const a = await ask('question')
    expect(a.handoff?.department).toBe(dept as never)
    expect(a.text).not.toBe(said)
  })

  test('a restricted request never reaches the model', async () => {
    const a = await ask('what APR can I get on N26-0222?')
    expect(claude.messages()).toHaveLength(0)
    expect(a.text).toBe(SAFE_REPLY.financing_terms)
    expect(a.handoff?.department).toBe('finance')
  })
})

describe('Claude answerer: text around tool calls', () => {
  test('words before a tool call and the answer after it read as one reply', async () => {
    claude.enqueue(reply.tool('get_unit', { stock_number: 'N26-0222' }, { text: 'Let me check.' }), reply.text('It is $11,899 [[unit-N260222]].'))
    const a = await ask('price of N26-0222?')
    expect(a.text).toBe('Let me check. It is $11,899.')
    expect(a.deltas.join('')).toBe(a.text)
  })
})
