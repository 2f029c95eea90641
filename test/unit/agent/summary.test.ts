import { describe, expect, test } from 'bun:test'
import type { HistoryLine } from '../../../src/agent/contract.ts'
import { extractSummary, formatSummary, summaryKind, type SummaryInput } from '../../../src/agent/summary.ts'

const field = (s: ReturnType<typeof extractSummary>, label: string) => s.fields.find((f) => f.label === label)?.value ?? ''
const c = (text: string): HistoryLine => ({ author: 'customer', text })
const b = (text: string): HistoryLine => ({ author: 'bot', text })

describe('handoff summary extraction', () => {
  test('financing: unit of interest and budget, never credit data', () => {
    const s = extractSummary({
      department: 'finance', reason: 'asked about rates',
      history: [c('Is the Grizzly EPS XT-R still available?'), b('The 2026 Yamaha Grizzly EPS XT-R is $12,499, in stock, stock #N26-0188.')],
      text: "I can put $2,000 down and want to stay around $250 a month. My credit score is 580 and I had a bankruptcy in 2022. My SSN is [SSN removed]. Call me at 555-201-3344.",
      focus: { kind: 'unit', id: 'unit-N26-0188', ref: 'N26-0188', label: '2026 Yamaha Grizzly EPS XT-R' },
    })
    expect(s.kind).toBe('financing')
    expect(field(s, 'Unit of interest')).toBe('2026 Yamaha Grizzly EPS XT-R (stock #N26-0188)')
    expect(field(s, 'Budget / down payment')).toContain('$2,000 down')
    expect(field(s, 'Contact')).toContain('555-201-3344')
    const all = formatSummary(s)
    for (const bad of ['580', 'credit', 'bankruptcy', 'SSN']) expect(all).not.toContain(bad)
    expect(s.headline).toStartWith('Financing: 2026 Yamaha Grizzly')
  })

  test('service: VIN, hours, symptoms, fault codes and where the rider is stranded', () => {
    const s = extractSummary({
      department: 'service', reason: 'fault code',
      history: [c('My 2021 Polaris Sportsman 570 has 412 hours on it.')],
      text: "It's throwing code P0562 and the battery light is flashing. Now it won't start and I'm stranded at the Cedar Ridge trailhead off Hwy 12. VIN 4XASEE570MH123459",
    })
    expect(s.kind).toBe('service')
    expect(field(s, 'Fault codes')).toBe('P0562')
    expect(field(s, 'Hours / miles')).toBe('412 hours')
    expect(field(s, 'Machine')).toContain('2021 Polaris Sportsman 570')
    expect(field(s, 'Symptoms')).toContain("won't start")
    expect(field(s, 'Location (stranded)')).toContain('Cedar Ridge trailhead')
  })

  test('parts: part numbers, quantity and machine', () => {
    const s = extractSummary({
      department: 'parts', reason: 'parts order',
      history: [], text: 'I need 2 of part 17690-ESH-H70 for my 2022 Honda Africa Twin.',
    })
    expect(s.kind).toBe('parts')
    expect(field(s, 'Part numbers')).toBe('17690-ESH-H70')
    expect(field(s, 'Quantity')).toBe('need 2')
    expect(field(s, 'Machine')).toContain('2022 Honda Africa Twin')
  })

  test('trade-in: the unit being traded and the condition described', () => {
    const s = extractSummary({
      department: 'sales', reason: 'trade-in value',
      history: [c("I'm looking at the 2026 Can-Am Outlander 700 XT.")],
      text: 'I want to trade in my 2017 Honda Rancher. It has 900 hours, new tires last spring and a small dent in the rear rack.',
    })
    expect(s.kind).toBe('trade_in')
    expect(field(s, 'Trade-in unit')).toContain('2017 Honda Rancher')
    expect(field(s, 'Condition described')).toContain('new tires')
    expect(field(s, 'Hours / miles')).toBe('900 hours')
    expect(field(s, 'Unit of interest')).toContain('2026 Can-Am Outlander 700 XT')
  })

  test('sales: unit, timing and contact', () => {
    const s = extractSummary({
      department: 'sales', reason: 'purchase intent', history: [],
      text: 'I want to buy stock N26-0101 this weekend, email me at rider@example.com',
    })
    expect(s.kind).toBe('sales')
    expect(field(s, 'Unit of interest')).toContain('stock #N26-0101')
    expect(field(s, 'Timing')).toContain('this weekend')
    expect(field(s, 'Contact')).toBe('rider@example.com')
  })

  test.each<[Partial<SummaryInput>, string]>([
    [{ department: 'finance', text: 'ok' }, 'financing'],
    [{ department: 'service', text: 'ok' }, 'service'],
    [{ department: 'parts', text: 'ok' }, 'parts'],
    [{ department: 'sales', text: 'what would you give me on trade for my quad' }, 'trade_in'],
    [{ text: 'my bike is leaking oil' }, 'service'],
    [{ text: 'need brake pads' }, 'parts'],
    [{ text: '' }, 'general'],
  ])('kind of %p is %p', (input, kind) => {
    expect(summaryKind({ history: [], text: '', ...input })).toBe(kind as never)
  })

  test('fields the rider never mentioned are left out rather than guessed', () => {
    const s = extractSummary({ department: 'service', history: [], text: 'Can someone call me about my bike?' })
    expect(s.fields.map((f) => f.label)).not.toContain('VIN')
    expect(s.fields.map((f) => f.label)).not.toContain('Fault codes')
  })
})
