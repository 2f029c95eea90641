import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { suggestReply } from '../../../src/agent/assist.ts'
import type { Answerer } from '../../../src/agent/contract.ts'
import { extractSummary, formatSummary, summarizeWithClaude, type SummaryInput } from '../../../src/agent/summary.ts'
import { tagWithClaude } from '../../../src/agent/tags.ts'
import { reply, startFakeClaude, type FakeClaude } from '../../support/fake-claude.ts'

let claude: FakeClaude
beforeAll(async () => { claude = await startFakeClaude() })
afterAll(() => claude.close())
beforeEach(() => claude.reset())

const STORE = { name: 'Ridgeline Powersports' }
const financing: SummaryInput = {
  department: 'finance', reason: 'asked about rates', history: [],
  text: 'I have $3,000 down and my credit score is 610. Looking at stock N26-0222 this weekend. 555-201-3344',
}

describe('handoff summary with Claude', () => {
  test('structured output fills the package; credit data is dropped and extraction fills the gap', async () => {
    claude.enqueue(reply.json({ headline: 'Financing: Grizzly N26-0222, $3k down', f0: 'Grizzly EPS SE (stock #N26-0222)', f1: '$3,000 down, credit score 610', f2: 'this weekend', f3: '' }))
    const s = await summarizeWithClaude(claude.client(), 'claude-haiku-5-5', STORE, financing)
    expect(s.source).toBe('claude')
    expect(s.kind).toBe('financing')
    expect(s.headline).toBe('Financing: Grizzly N26-0222, $3k down')
    expect(s.fields[0]).toEqual({ label: 'Unit of interest', value: 'Grizzly EPS SE (stock #N26-0222)' })
    const budget = s.fields.find((f) => f.label === 'Budget / down payment')!.value
    expect(budget).toContain('$3,000 down')
    expect(formatSummary(s)).not.toMatch(/610|credit/i)
    expect(s.fields.find((f) => f.label === 'Contact')?.value).toBe('555-201-3344')
    const req = claude.messages()[0].body
    expect(req.model).toBe('claude-haiku-5-5')
    expect(req.output_config.format.type).toBe('json_schema')
    expect(req.messages[0].content).toContain('<rider_message>')
  })

  test.each([
    ['an API error', reply.error(500, { retry: false })],
    ['malformed JSON', reply.text('{"headline": ')],
    ['the wrong shape', reply.json({ nope: true })],
  ])('falls back to extraction on %s', async (_n, r) => {
    claude.enqueue(r)
    const s = await summarizeWithClaude(claude.client(), 'claude-haiku-5-5', STORE, financing)
    expect(s).toEqual(extractSummary(financing))
    expect(s.source).toBe('rules')
  })
})

describe('LLM tags', () => {
  const defs = [{ id: 'financing', description: 'Asks about loans, rates or payments' }, { id: 'winter-storage', description: 'Asks about storing a unit for winter' }]
  test('keeps only tags the rules file defines', async () => {
    claude.enqueue(reply.tool('set_tags', { tags: ['financing', 'vip-customer', 'financing'] }))
    const r = await tagWithClaude(claude.client(), 'claude-haiku-5-5', defs, 'can I finance a sled?')
    expect(r).toEqual({ tags: ['financing'], source: 'llm' })
    const body = claude.messages()[0].body
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'set_tags' })
    expect(body.tools[0].input_schema.properties.tags.items.enum).toEqual(['financing', 'winter-storage'])
  })
  test('errors and timeouts give no tags, with the reason', async () => {
    claude.enqueue(reply.error(529, { retry: false }))
    const r = await tagWithClaude(claude.client(), 'claude-haiku-5-5', defs, 'can I finance a sled?')
    expect(r.tags).toEqual([])
    expect(r.error).toBeDefined()
    claude.enqueue(reply.hang())
    const t = await tagWithClaude(claude.client(), 'claude-haiku-5-5', defs, 'x', { timeoutMs: 100 })
    expect(t.tags).toEqual([])
  })
  test('offline: nothing extra', async () => {
    expect(await tagWithClaude(undefined, 'm', defs, 'can I finance a sled?')).toEqual({ tags: [], source: 'llm' })
    expect(claude.messages()).toHaveLength(0)
  })
})

describe('staff assist', () => {
  const fixed = (text: string, extra: object = {}): Answerer => ({ mode: 'local', answer: async () => ({ text, citations: [], confidence: 0.9, source: 'local', ...extra }) })
  test('drafts a reply to the last rider message', async () => {
    const seen: string[] = []
    const a: Answerer = { mode: 'local', answer: async (r) => { seen.push(r.text, String(r.history.length)); return { text: 'We ship same day.', citations: [{ id: 'policy-shipping', type: 'policy', title: 'Shipping' }], confidence: 0.9, source: 'local' } } }
    const s = await suggestReply(a, { storeId: 'demo', now: new Date(), history: [{ author: 'customer', text: 'hi' }, { author: 'bot', text: 'Hi!' }, { author: 'customer', text: 'do you ship?' }, { author: 'staff', text: 'one sec' }] })
    expect(seen).toEqual(['do you ship?', '2'])
    expect(s).toEqual({ text: 'We ship same day.', citations: [{ id: 'policy-shipping', type: 'policy', title: 'Shipping' }], source: 'local' })
  })
  test('says so when there is nothing to draft from, or the topic is one the assistant will not quote', async () => {
    const { NO_ANSWER } = await import('../../../src/agent/draft.ts')
    expect((await suggestReply(fixed(NO_ANSWER), { storeId: 'demo', now: new Date(), history: [{ author: 'customer', text: 'boats?' }] })).text).toBe('')
    const g = await suggestReply(fixed('I can\'t quote rates.', { handoff: { department: 'finance', reason: 'rates', via: 'guardrail' }, guardrails: ['financing_terms'] }), { storeId: 'demo', now: new Date(), history: [{ author: 'customer', text: 'apr?' }] })
    expect(g.note).toContain('financing_terms')
    expect((await suggestReply(fixed('x'), { storeId: 'demo', now: new Date(), history: [] })).note).toContain('not asked')
  })
})
