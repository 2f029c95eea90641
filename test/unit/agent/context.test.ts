import { describe, expect, test } from 'bun:test'
import type { Focus } from '../../../src/agent/contract.ts'
import { focusFromHistory, intentOf, resolveFollowUp } from '../../../src/agent/context.ts'
import { focusFromCitations } from '../../../src/agent/citations.ts'

const unit: Focus = { kind: 'unit', id: 'unit-N26-0188', ref: 'N26-0188', label: '2026 Yamaha Grizzly EPS XT-R', make: 'Yamaha', model: 'Grizzly EPS', year: 2026 }
const part: Focus = { kind: 'part', id: 'part-17690-ESH-H70', ref: '17690-ESH-H70', label: 'Oil Filter', make: 'Honda' }

describe('follow-up resolution', () => {
  test.each<[string, Focus, boolean, string]>([
    ['what colours does it come in?', unit, true, 'colors'],
    ['is that one in stock?', unit, true, 'availability'],
    ['is it still available?', unit, true, 'availability'],
    ['how much?', unit, true, 'price'],
    ['how many hours on it?', unit, true, 'usage'],
    ['where is it?', unit, true, 'location'],
    ['tell me more about it', unit, true, 'details'],
    ['does it fit my 2022 Africa Twin?', part, true, 'fitment'],
    ['how many do you have?', part, true, 'quantity'],
    ['what about the Polaris RZR XP 1000?', unit, false, 'details'],
    ['do you have any used dirt bikes?', unit, false, 'availability'],
    ['what about stock U25-0102?', unit, false, 'details'],
    ['what is your return policy on parts?', part, false, 'details'],
  ])('%p about %#', (text, focus, followUp, intent) => {
    const r = resolveFollowUp(text, focus)
    expect(r.followUp).toBe(followUp)
    expect(r.intent).toBe(intent as never)
    if (followUp) expect(r.query).toContain(focus.ref)
    else expect(r.query).toBe(text)
  })

  test('no focus, no follow-up', () => {
    expect(resolveFollowUp('is it in stock?', undefined)).toEqual({ followUp: false, intent: 'availability', query: 'is it in stock?' })
  })

  test('intent words', () => {
    expect(intentOf('what color is it')).toBe('colors')
    expect(intentOf('is it sold?')).toBe('availability')
    expect(intentOf('how much is it')).toBe('price')
  })
})

describe('focus recovery', () => {
  test('from the last bot answer in the transcript', () => {
    const f = focusFromHistory([
      { author: 'customer', text: 'any Grizzlies?' },
      { author: 'bot', text: '2026 Yamaha Grizzly EPS XT-R — $12,499, in stock, stock #N26-0188; inventory data as of 2026-11-20.' },
      { author: 'customer', text: 'nice' },
    ])
    expect(f).toMatchObject({ kind: 'unit', ref: 'N26-0188' })
  })
  test('from stored citations, unit or part first', () => {
    expect(focusFromCitations([{ id: 'sb', type: 'bulletin', title: 'x' }, { id: 'p', type: 'part', title: 'Oil Filter', partNumber: '17690-ESH-H70' }]))
      .toEqual({ kind: 'part', id: 'p', ref: '17690-ESH-H70', label: 'Oil Filter' })
    expect(focusFromCitations([])).toBeUndefined()
  })
})
