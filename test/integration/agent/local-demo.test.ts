import { beforeAll, describe, expect, test } from 'bun:test'
import type { Answer, AnswerRequest, Focus } from '../../../src/agent/contract.ts'
import { NO_ANSWER } from '../../../src/agent/draft.ts'
import { checkAnswer } from '../../../src/agent/guardrails.ts'
import { answerLocally } from '../../../src/agent/local.ts'
import { DEMO_QUESTIONS, NEVER_SAID } from '../../fixtures/agent/demo-questions.ts'
import { demo, NOW, STORE, type Demo } from './demo.ts'

let d: Demo
beforeAll(async () => { d = await demo() })

const ask = (text: string, more: Partial<AnswerRequest> = {}): Promise<Answer> =>
  answerLocally(d.deps, { storeId: STORE, text, history: [], now: NOW, ...more })
const has = (text: string, p: string | RegExp) => (typeof p === 'string' ? text.includes(p) : p.test(text))

describe('local answerer on the demo dealership', () => {
  test(`has at least 60 questions`, () => expect(DEMO_QUESTIONS.length).toBeGreaterThanOrEqual(60))

  test.each(DEMO_QUESTIONS.map((x) => [x.q, x] as const))('%s', async (_q, x) => {
    const a = await ask(x.q)
    const ids = a.citations.map((c) => c.id)
    for (const n of [...NEVER_SAID, ...(x.never ?? [])]) expect(has(a.text, n)).toBe(false)
    expect(a.source).toBe('local')
    if (x.none) {
      expect(a.text).toBe(NO_ANSWER)
      expect(ids).toEqual([])
      expect(a.confidence).toBeLessThan(0.5)
      return
    }
    if (x.handoff) {
      expect(a.handoff?.department).toBe(x.handoff as never)
      expect(a.handoff?.via).toBe('guardrail')
      return
    }
    expect(ids.length).toBeGreaterThan(0)
    for (const id of ids) expect(typeof x.cites === 'string' ? id === x.cites : x.cites!.test(id)).toBe(true)
    for (const s of x.says ?? []) expect(has(a.text, s)).toBe(true)
    expect(a.confidence).toBeGreaterThanOrEqual(0.5)
    expect(checkAnswer(a.text, { sources: [], riderText: x.q }).filter((h) => h.id !== 'fault_diagnosis')).toEqual([])
  })

  test('unit citations carry what a card shows: price, status, stock number, data-as-of', async () => {
    const a = await ask('How much is stock N26-0222?')
    expect(a.citations[0]).toMatchObject({ id: 'unit-N260222', type: 'unit', price: 11899, status: 'in_stock', stockNumber: 'N26-0222', dataAsOf: '2026-11-20' })
    const r = await ask('Rebel 500 rear brake recall')
    expect(r.citations[0]).toMatchObject({ type: 'recall', campaignId: 'H21-02' })
    const p = await ask("what's your return policy on parts?")
    expect(p.citations[0]).toMatchObject({ type: 'policy', topic: 'returns' })
  })

  test('an expired price sheet is never the answer, even asked for by name', async () => {
    const a = await ask('service department price sheet 2025 labor rate')
    expect(a.citations.map((c) => c.id)).not.toContain('price-service-2025')
    expect(a.text).not.toContain('$139')
  })

  test('browsing with a price limit only lists units within it', async () => {
    const a = await ask('any side by sides under $15,000?')
    expect(a.citations.length).toBeGreaterThan(0)
    for (const c of a.citations) {
      expect(c.type).toBe('unit')
      expect(c.price!).toBeLessThanOrEqual(15000)
    }
  })

  test('streams the answer it returns', async () => {
    const deltas: string[] = []
    const a = await ask('do you ship parts?', { onText: (t) => deltas.push(t) })
    expect(deltas.join('')).toBe(a.text)
  })
})

describe('multi-turn follow-ups', () => {
  test('colours, stock and price of the unit under discussion', async () => {
    const first = await ask('Do you have any Yamaha Grizzly in stock?')
    expect(first.focus).toMatchObject({ kind: 'unit', ref: 'N26-0222' })
    const history = [{ author: 'customer' as const, text: 'Do you have any Yamaha Grizzly in stock?' }, { author: 'bot' as const, text: first.text }]
    const colours = await ask('what colours does it come in?', { focus: first.focus, history })
    expect(colours.text).toContain('Tactical Black')
    expect(colours.citations.every((c) => c.type === 'unit' && /Grizzly/.test(c.title))).toBe(true)
    const stock = await ask('is that one in stock?', { focus: first.focus, history })
    expect(stock.text).toContain('N26-0222')
    expect(stock.text).toContain('in stock')
    const price = await ask('how much?', { focus: stock.focus, history })
    expect(price.text).toContain('$11,899')
    expect(price.focus?.ref).toBe('N26-0222')
  })

  test('the focus is recovered from the transcript when the caller has none', async () => {
    const history = [
      { author: 'customer' as const, text: 'what MT-07s do you have?' },
      { author: 'bot' as const, text: '2022 Yamaha MT-07 (used, Team Yamaha Blue) — $4,599, in stock, 21,224 miles, stock #U25-0102; inventory data as of 2026-11-20.' },
    ]
    const a = await ask('how many miles on it?', { history })
    expect(a.text).toContain('21,224 miles')
    expect(a.citations.map((c) => c.id)).toEqual(['unit-U250102'])
  })

  test('a sold unit under discussion is reported sold, not silently swapped', async () => {
    const focus: Focus = { kind: 'unit', id: 'unit-N260107', ref: 'N26-0107', label: '2025 Yamaha MT-07' }
    const a = await ask('is it still available?', { focus, history: [] })
    expect(a.text).toContain('sold')
  })

  test('part follow-ups: quantity and published fitment for the rider\'s year', async () => {
    const first = await ask('oil filter for a 2022 Africa Twin')
    const qty = await ask('how many do you have?', { focus: first.focus, history: [] })
    expect(qty.text).toContain('5 on hand')
    const fit = await ask('does it fit a 2019 Africa Twin?', { focus: first.focus, history: [] })
    expect(fit.text).toContain("doesn't include 2019")
  })

  test('a new subject ends the follow-up', async () => {
    const first = await ask('Do you have any Yamaha Grizzly in stock?')
    const next = await ask('do you have a Honda Rebel 500?', { focus: first.focus, history: [] })
    expect(next.text).toContain('Rebel 500')
    expect(next.text).not.toContain('Grizzly')
  })
})

describe('VIN-specific questions and diagnoses: published facts plus a handoff', () => {
  test('fitment for a VIN: the published fitment, never a confirmation', async () => {
    const a = await ask('Will part 17690-ESH-H70 fit my VIN JH2SD1008TK121538?')
    expect(a.text).toContain('17690-ESH-H70')
    expect(a.text).toMatch(/can't confirm fitment for a specific VIN/)
    expect(a.text).not.toMatch(/will fit your|fits your/i)
    expect(a.handoff).toMatchObject({ department: 'parts', via: 'guardrail' })
  })

  test('recall for a VIN: the recall, never whether this VIN is included', async () => {
    const a = await ask('Is my Grizzly VIN 5Y4AM04Y4NA140001 part of the throttle recall?')
    expect(a.citations.map((c) => c.id)).toContain('recall-y22-11')
    expect(a.text).not.toMatch(/your (VIN|Grizzly) (is|isn't|is not) (included|affected)/i)
    expect(a.handoff).toMatchObject({ department: 'service', via: 'guardrail' })
  })

  test('a fault code with "what is wrong": its published meaning and a technician', async () => {
    const a = await ask("my Grizzly is flashing code 12, what's wrong with it?")
    expect(a.text).toContain('crankshaft position sensor')
    expect(a.text).toContain('finding the actual cause takes a technician')
    expect(a.handoff?.department).toBe('service')
  })
})
