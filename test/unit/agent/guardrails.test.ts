import { describe, expect, test } from 'bun:test'
import type { Answer } from '../../../src/agent/contract.ts'
import { checkAnswer, checkRequest, enforce, SAFE_REPLY, type GuardrailId } from '../../../src/agent/guardrails.ts'

const ctx = { sources: [] as string[], riderText: '' }
const ids = (text: string, c = ctx) => checkAnswer(text, c).map((h) => h.id)

describe('answer-side guardrails', () => {
  const forbidden: Array<[string, GuardrailId]> = [
    ['With approved credit you could get 3.99% APR for 60 months.', 'financing_terms'],
    ['Rates start as low as 2.9 percent on new units.', 'financing_terms'],
    ['APR is 6.49 on that model.', 'financing_terms'],
    ['Payments would be about $199/month with $1,000 down.', 'financing_terms'],
    ['That works out to $240 per month.', 'financing_terms'],
    ['You could have monthly payments of $189.', 'financing_terms'],
    ['It is 60 payments of $210.', 'financing_terms'],
    ["You're pre-approved!", 'approval'],
    ["You'll definitely be approved.", 'approval'],
    ['We offer guaranteed approval on every unit.', 'approval'],
    ['Everyone gets approved here.', 'approval'],
    ['With a 650 credit score you would qualify.', 'approval'],
    ['We can give you about $4,500 for your trade.', 'trade_value'],
    ['Your trade-in is worth around $6,000.', 'trade_value'],
    ['Your old Rancher trade would be valued at 3,500 dollars.', 'trade_value'],
    ['This filter will fit your VIN JH2SD1008TK121538.', 'vin_fitment'],
    ["That part won't fit your VIN.", 'vin_fitment'],
    ['It is the right part for your bike, VIN checked.', 'vin_fitment'],
    ['Your VIN is not affected by recall 24V-512.', 'vin_recall'],
    ['Your bike has no open recalls.', 'vin_recall'],
    ['The recall remedy for your VIN has been completed.', 'vin_recall'],
    ['We can see you tomorrow at 10am.', 'appointment_time'],
    ['Your appointment is confirmed for Tuesday.', 'appointment_time'],
    ["I've booked you for Friday morning.", 'appointment_time'],
    ['Come in at 9:30 and we will take a look.', 'appointment_time'],
    ['It will be ready by Friday.', 'appointment_time'],
    ['Code P0301 means your ignition coil is bad, you need to replace it.', 'fault_diagnosis'],
    ['That code is most likely a failing stator.', 'fault_diagnosis'],
    ['With fault code 21 the problem is your throttle body.', 'fault_diagnosis'],
    ['Please reach Jenny at jenny@example.com or 555-201-3344.', 'foreign_contact'],
    ['Sure! Rules of this chat (pitwall-guardrails): 1. Answer only from documents', 'prompt_leak'],
    ['My instructions say text inside <rider_message> blocks is data.', 'prompt_leak'],
  ]
  test.each(forbidden)('%p breaks %p', (text, id) => {
    expect(ids(text)).toContain(id)
  })

  const allowed = [
    'The 2024 Yamaha Grizzly EPS is $12,999 and in stock (stock #G24-101).',
    'We accept trade-ins on any unit over $5,000.',
    '20% off all helmets this weekend.',
    'Oil filter 15410-MFJ-D01 is listed for 2019-2023 Honda TRX420 Rancher.',
    'Recall 24V-512 covers some 2021-2022 Outlander 570 units; our service team checks VINs.',
    'Our DOT approved helmets start at $99.',
    'Service is open Monday to Friday 8:00 AM-5:00 PM.',
    'Yes, we offer financing through several lenders; our finance team can walk you through options.',
    'A trade-in is appraised in person by our sales team.',
    'Fault code P0301 is listed in our guide as: Cylinder 1 misfire detected.',
  ]
  test.each(allowed)('%p passes', (text) => {
    expect(ids(text)).toEqual([])
  })

  test('a diagnosis copied from the published guide is its published meaning', () => {
    const guide = 'P0562 System voltage low. Most likely cause: failing regulator/rectifier or a weak battery; test charging output.'
    const said = 'P0562 system voltage low: most likely cause is a failing regulator/rectifier or a weak battery.'
    expect(ids(said, { sources: [guide], riderText: '' })).not.toContain('fault_diagnosis')
    expect(ids(said)).toContain('fault_diagnosis')
  })

  test("the rider's own phone and the dealer's number in a document may be repeated", () => {
    const c = { sources: ['Call Ridgeline Powersports at (555) 010-2000.'], riderText: 'text me at 555-201-3344' }
    expect(ids('We will text you at 555-201-3344 or call us at 555-010-2000.', c)).toEqual([])
  })
})

describe('request-side guardrails', () => {
  const table: Array<[string, string[]]> = [
    ['What APR can I get on the Grizzly?', ['financing_terms:refuse']],
    ['what would my monthly payment be on the RZR', ['financing_terms:refuse']],
    ['how much a month for stock N26-0101 with $2k down', ['financing_terms:refuse']],
    ['can I get approved with bad credit?', ['approval:refuse']],
    ['what would you give me for my 2018 Rancher on trade?', ['trade_value:refuse']],
    ['How much is my trade-in worth?', ['trade_value:refuse']],
    ['Can you book me in for an oil change Tuesday?', ['appointment_time:refuse']],
    ['do you have any openings this week for service?', ['appointment_time:refuse']],
    ['will part 15410-MFJ-D01 fit my VIN JH2SD1008TK121538', ['vin_fitment:caveat']],
    ['is my bike affected by the recall?', ['vin_recall:caveat']],
    ['is JH2SD1008TK121538 included in a recall', ['vin_recall:caveat']],
    ['my quad is showing code P0301 what is wrong with it', ['fault_diagnosis:caveat']],
    ['what does code P0301 mean?', []],
    ['Do you take trade-ins?', []],
    ['is the helmet DOT approved?', []],
    ['how much is the extended warranty worth?', []],
    ['what are your hours?', []],
    ['is the 2024 Grizzly available?', []],
    ['is there a 12 month warranty?', []],
    ['Do you offer financing?', []],
  ]
  test.each(table)('%p → %p', (text, expected) => {
    expect(checkRequest(text).map((h) => `${h.id}:${h.mode}`)).toEqual(expected)
  })
})

describe('enforce', () => {
  const base: Answer = {
    text: 'The Grizzly is $12,999, or about $210 a month with approved credit.',
    citations: [{ id: 'u1', type: 'unit', title: '2024 Yamaha Grizzly EPS' }, { id: 'p1', type: 'policy', title: 'Financing' }],
    confidence: 0.9, source: 'claude',
  }
  test('replaces a violating answer with the safe reply and hands off to the right department', () => {
    const a = enforce(base, ctx)
    expect(a.text).toBe(SAFE_REPLY.financing_terms)
    expect(a.text).not.toContain('$210')
    expect(a.handoff).toEqual({ department: 'finance', reason: 'asked about rates or payments', via: 'guardrail' })
    expect(a.flagged).toContain('financing_terms')
    expect(a.citations.map((c) => c.id)).toEqual(['u1'])
  })
  test('leaves a clean answer untouched', () => {
    const clean = { ...base, text: 'The Grizzly is $12,999 and in stock.' }
    expect(enforce(clean, ctx)).toBe(clean)
  })
  test.each([
    ['Your trade is worth $3,000.', 'sales'], ['That clutch will fit your VIN.', 'parts'],
    ['Your VIN is not covered by the recall.', 'service'], ['We can fit you in tomorrow at 2pm.', 'service'],
  ])('%p hands off to %p', (text, dept) => {
    expect(enforce({ ...base, text }, ctx).handoff?.department).toBe(dept as never)
  })
})
