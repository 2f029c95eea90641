import { describe, expect, test } from 'bun:test'
import { evaluate, type LlmAnswer, type Rules, type TriageContext } from '../../../src/escalation/index.ts'
import { ev, rulesWith, TUESDAY_MORNING } from './helpers.ts'

/** One rule `r` with the given `when` (YAML flow mapping) that hands off to sales. */
const one = (when: string) => rulesWith(`  - { id: r, when: ${when}, then: { handoff: sales } }`)

type Row = [name: string, when: string, text: string, fires: boolean, ctx?: Partial<TriageContext>]

const CONDITIONS: Row[] = [
  // keywords: word boundaries, case, inflections, gaps, prefixes, exact words, apostrophes
  ['keyword exact', '{ keywords: [brake] }', 'my brake is soft', true],
  ['keyword plural in text', '{ keywords: [brake] }', 'new BRAKES please', true],
  ['keyword -ing in text', '{ keywords: [overheat] }', 'it keeps overheating', true],
  ['keyword -ed in text', '{ keywords: [stall] }', 'it stalled twice', true],
  ['keyword -ies in text', '{ keywords: [battery] }', 'do you sell batteries', true],
  ['keyword word boundary', '{ keywords: [fit] }', 'is fitness included', false],
  ['keyword inside a word', '{ keywords: [apr] }', 'april showers', false],
  ['keyword phrase in order', '{ keywords: [broke down] }', 'we broke down on 287', true],
  ['keyword phrase out of order', '{ keywords: [broke down] }', 'down and broke', false],
  ['keyword gap allows 3 words', '{ keywords: ["won\'t ... start"] }', 'it wont even really start', true],
  ['keyword gap stops at 4 words', '{ keywords: ["won\'t ... start"] }', 'it wont go and then maybe start', false],
  ['keyword prefix', '{ keywords: ["frustrat*"] }', 'so frustrating', true],
  ['keyword exact word', '{ keywords: ["=call me"] }', 'nobody called me', false],
  ['keyword exact word matches', '{ keywords: ["=call me"] }', 'pls call me', true],
  ['keyword apostrophe forms', '{ keywords: ["can\'t get home"] }', 'cant get home', true],
  ['keyword curly apostrophe', '{ keywords: ["can\'t get home"] }', 'I can’t get home', true],
  ['keyword hyphen joined', '{ keywords: [4-wheeler] }', 'my 4wheeler', true],
  ['keyword hyphen spaced', '{ keywords: [4-wheeler] }', 'my 4 wheeler', true],
  ['keyword accents', '{ keywords: [cafe racer] }', 'a café racer build', true],
  ['keyword any of list', '{ keywords: [sled, quad] }', 'my quad', true],
  // regex
  ['regex match', "{ regex: 'p0\\d{3}' }", 'code P0301', true],
  ['regex no match', "{ regex: 'p0\\d{3}' }", 'code P1301', false],
  ['regex list', "{ regex: ['zzz', 'r\\.?o\\.?\\s*\\d{5}'] }", 'R.O. 45821', true],
  // entities
  ['entity vin valid', '{ entity: vin }', 'vin 1HGCM82633A004352', true],
  ['entity vin bad check digit', '{ entity: vin }', 'vin 1HGCM82643A004352', false],
  ['entity fault code', '{ entity: fault_code }', 'u0100 again', true],
  ['entity phone', '{ entity: phone }', 'call 940-555-0199', true],
  ['entity email', '{ entity: email }', 'me@example.com', true],
  ['entity stock', '{ entity: stock_number }', 'stock #U2345', true],
  ['entity part', '{ entity: part_number }', 'need 17210-MEN-A71', true],
  ['entity repair order', '{ entity: repair_order }', 'RO 45821', true],
  ['entity money', '{ entity: money }', 'budget $8,500', true],
  ['entity any of list', '{ entity: [vin, email] }', 'x@y.co', true],
  ['entity absent', '{ entity: [vin, email] }', 'nothing here', false],
  // tags (detected)
  ['tag detected by keyword', '{ tag: money-talk }', 'what apr do you have', true],
  ['tag detected by entity', '{ tag: code }', 'P0171 lean', true],
  ['tag not present', '{ tag: money-talk }', 'hello', false],
  // signals
  ['signal human_request', '{ signal: human_request }', 'can i talk to a real person', true],
  ['signal human_request not a question about the bot', '{ signal: human_request }', 'am i talking to a real person?', false],
  ['signal human_request no', '{ signal: human_request }', 'what oil', false],
  ['signal purchase_intent', '{ signal: purchase_intent }', 'ready to buy today', true],
  ['signal purchase_intent no', '{ signal: purchase_intent }', 'just looking', false],
  ['signal safety_risk', '{ signal: safety_risk }', 'i smell gas in the garage', true],
  ['signal safety_risk not accessories', '{ signal: safety_risk }', 'crash bars for my bike', false],
  ['signal frustration', '{ signal: frustration }', 'ugh', true],
  ['frustration low', '{ frustration: low }', 'ugh this is annoying', true],
  ['frustration medium not reached', '{ frustration: medium }', 'ugh', false],
  ['frustration medium', '{ frustration: medium }', 'this is unacceptable', true],
  ['frustration high by threat', '{ frustration: high }', 'calling my lawyer', true],
  ['frustration high by stacking', '{ frustration: high }', 'THIS IS THE WORST SERVICE, UNACCEPTABLE!!!', true],
  ['frustration high not reached', '{ frustration: high }', 'this is unacceptable', false],
  ['signal repeated by phrase', '{ signal: repeated_question }', 'like i said, which filter', true],
  ['signal repeated by history', '{ signal: repeated_question }', 'which oil filter for grizzly 700', true,
    { history: [{ author: 'customer', text: 'what oil filter fits a grizzly 700?' }, { author: 'bot', text: 'The K&N…' }] }],
  ['signal repeated ignores bot lines', '{ signal: repeated_question }', 'which oil filter for grizzly 700', false,
    { history: [{ author: 'bot', text: 'which oil filter for grizzly 700' }] }],
  ['signal repeated different question', '{ signal: repeated_question }', 'what are your hours', false,
    { history: [{ author: 'customer', text: 'which oil filter for grizzly 700' }] }],
  // counts
  ['messages at least (met)', '{ messages: 3 }', 'hi', true, { history: [{ author: 'customer', text: 'a' }, { author: 'bot', text: 'b' }, { author: 'customer', text: 'c' }] }],
  ['messages at least (not met)', '{ messages: 3 }', 'hi', false, { history: [{ author: 'customer', text: 'a' }, { author: 'bot', text: 'b' }] }],
  ['messages max', '{ messages: { max: 1 } }', 'hi', true],
  ['turn from ctx', '{ turn: { min: 5, max: 6 } }', 'hi', true, { turn: 5 }],
  ['turn from history', '{ turn: 3 }', 'hi', true, { history: [{ author: 'customer', text: 'a' }, { author: 'bot', text: 'b' }] }],
  ['turn too early', '{ turn: 3 }', 'hi', false],
  // hours
  ['outside hours (open)', '{ outside_hours: service }', 'x', false],
  ['outside hours (lunch)', '{ outside_hours: service }', 'x', true, { now: new Date('2026-11-24T12:15:00-06:00') }],
  ['outside hours (monday)', '{ outside_hours: service }', 'x', true, { now: new Date('2026-11-23T10:00:00-06:00') }],
  ['outside hours (holiday)', '{ outside_hours: sales }', 'x', true, { now: new Date('2026-12-25T10:00:00-06:00') }],
  // confidence
  ['low confidence below', '{ low_confidence: 0.4 }', 'x', true, { answerConfidence: 0.39 }],
  ['low confidence equal', '{ low_confidence: 0.4 }', 'x', false, { answerConfidence: 0.4 }],
  ['low confidence unknown', '{ low_confidence: 0.4 }', 'x', false],
  // combinators
  ['all true', '{ all: [{ keywords: [quad] }, { keywords: [trail] }] }', 'quad on the trail', true],
  ['all one false', '{ all: [{ keywords: [quad] }, { keywords: [trail] }] }', 'quad at home', false],
  ['any one true', '{ any: [{ keywords: [sled] }, { keywords: [quad] }] }', 'quad', true],
  ['any none', '{ any: [{ keywords: [sled] }, { keywords: [quad] }] }', 'bike', false],
  ['not', '{ not: { keywords: [quad] } }', 'bike', true],
  ['not (negated)', '{ not: { keywords: [quad] } }', 'quad', false],
  ['two keys mean both', '{ keywords: [quad], entity: phone }', 'quad 940-555-0199', true],
  ['two keys one missing', '{ keywords: [quad], entity: phone }', 'quad', false],
  ['nested', '{ any: [{ all: [{ keywords: [quad] }, { not: { keywords: [home] } }] }, { entity: vin }] }', 'quad at the lake', true],
]

describe('conditions', () => {
  for (const [name, when, text, fires, ctx] of CONDITIONS) {
    test(`${name}: ${JSON.stringify(text)} → ${fires ? 'fires' : 'does not fire'}`, () => {
      const d = ev(one(when), text, ctx)
      expect(d.rules.includes('r')).toBe(fires)
      expect(d.action).toBe(fires ? 'handoff' : 'answer')
    })
  }
})

describe('actions', () => {
  test('handoff sets department, default priority and reason', () => {
    const d = ev(rulesWith(`  - { id: codes, when: { entity: fault_code }, then: { handoff: service } }`), 'P0301 on my bike')
    expect(d).toMatchObject({ action: 'handoff', department: 'service', priority: 'normal', priorityRank: 2, rules: ['codes'] })
    expect(d.reasons).toEqual(['fault code P0301 → service'])
  })

  test('suggest_handoff offers a department and counts only when nobody hands off', () => {
    const rules = rulesWith(`
  - { id: offer, when: { keywords: [light] }, then: { suggest_handoff: service } }
  - { id: take, when: { keywords: [code] }, then: { handoff: parts } }`)
    expect(ev(rules, 'a light came on')).toMatchObject({ action: 'suggest_handoff', department: 'service' })
    expect(ev(rules, 'a light and a code')).toMatchObject({ action: 'handoff', department: 'parts', rules: ['offer', 'take'] })
  })

  test('the first handoff decides the department; later rules still add tags', () => {
    const rules = rulesWith(`
  - { id: first, when: { keywords: [quad] }, then: { handoff: service } }
  - { id: second, when: { keywords: [quad] }, then: { handoff: sales, tag: manual } }`)
    const d = ev(rules, 'my quad')
    expect(d.department).toBe('service')
    expect(d.rules).toEqual(['first', 'second'])
    expect(d.tags).toContain('manual')
  })

  test('the highest priority among fired rules wins, whatever the order', () => {
    const rules = rulesWith(`
  - { id: a, when: { keywords: [quad] }, then: { handoff: sales, priority: hot } }
  - { id: b, when: { keywords: [lake] }, then: { priority: urgent } }
  - { id: c, when: { keywords: [quad] }, then: { priority: normal } }`)
    expect(ev(rules, 'quad at the lake')).toMatchObject({ priority: 'urgent', priorityRank: 0 })
    expect(ev(rules, 'quad')).toMatchObject({ priority: 'hot', priorityRank: 1 })
  })

  test('answer has no department or priority unless a rule names one', () => {
    const d = ev(rulesWith(`  - { id: t, when: { keywords: [quad] }, then: { tag: manual } }`), 'my quad')
    expect(d).toMatchObject({ action: 'answer', tags: ['manual'], rules: ['t'] })
    expect(d.department).toBeUndefined()
    expect(d.priority).toBeUndefined()
  })

  test('tags: detected first (file order), then rule tags, no duplicates', () => {
    const d = ev(rulesWith(`  - { id: t, when: { tag: code }, then: { tag: [manual, code] } }`), 'apr? and P0420')
    expect(d.tags).toEqual(['money-talk', 'code', 'manual'])
  })

  test('a tag added by a rule is visible to later rules', () => {
    const rules = rulesWith(`
  - { id: mark, when: { keywords: [quad] }, then: { tag: manual } }
  - { id: use, when: { tag: manual }, then: { handoff: parts } }`)
    expect(ev(rules, 'quad').rules).toEqual(['mark', 'use'])
  })

  test('stop ends the run', () => {
    const rules = rulesWith(`
  - { id: a, when: { keywords: [quad] }, then: { tag: manual, stop: true } }
  - { id: b, when: { keywords: [quad] }, then: { handoff: sales } }`)
    const d = ev(rules, 'quad')
    expect(d.rules).toEqual(['a'])
    expect(d.action).toBe('answer')
    expect(d.trace.some((t) => t.step === 'stop' && t.rule === 'a')).toBe(true)
  })

  test('disabled rules are skipped', () => {
    const d = ev(rulesWith(`  - { id: off, enabled: false, when: { keywords: [quad] }, then: { handoff: sales } }`), 'quad')
    expect(d.rules).toEqual([])
  })

  test('custom reason with placeholders', () => {
    const d = ev(rulesWith(`  - { id: r, reason: "{match} needs {department}", when: { entity: fault_code }, then: { handoff: service } }`), 'P0301')
    expect(d.reasons).toEqual(['fault code P0301 needs Service'])
  })
})

describe('reply placeholders', () => {
  const rules = rulesWith(`
  - id: svc
    when: { keywords: [help] }
    then:
      handoff: service
      reply: "{department} replies {eta}; opens {next_open}; target {response_time}; {store} {store_phone}; code {fault_code}; {{literal}}"
  - id: urgent
    when: { keywords: [stuck] }
    then: { handoff: service, priority: urgent, reply: "{priority}: {eta}" }
  - id: hours
    when: { keywords: [hours] }
    then: { suggest_handoff: service, reply: "{hours}" }`)

  test('open now', () => {
    expect(ev(rules, 'help P0301').reply).toBe('Service replies within 4 hours; opens now; target 4 hours; Test Moto 555-0100; code P0301; {literal}')
  })
  test('closed for lunch: the next shift today', () => {
    const d = ev(rules, 'help', { now: new Date('2026-11-24T12:10:00-06:00') })
    expect(d.reply).toStartWith('Service replies after we open today at 1:00 PM; opens today at 1:00 PM; target 4 hours')
    expect(d.reply).toContain('code ;')
  })
  test('closed Sunday and Monday: Tuesday morning', () => {
    expect(ev(rules, 'help', { now: new Date('2026-11-22T15:00:00-06:00') }).reply).toStartWith('Service replies after we open Tuesday at 7:30 AM')
  })
  test('an always-on priority promises its target even when closed', () => {
    expect(ev(rules, 'stuck', { now: new Date('2026-11-22T23:00:00-06:00') }).reply).toBe('Urgent: within 15 minutes')
  })
  test('{hours} describes the week with the split shift', () => {
    expect(ev(rules, 'hours').reply).toBe('Mon closed; Tue-Fri 7:30 AM-noon, 1:00 PM-5:30 PM; Sat 8:00 AM-noon; Sun closed')
  })
})

describe('ask_llm', () => {
  const rules = rulesWith(`
  - id: maybe
    when: { keywords: [stuck] }
    then:
      ask_llm: { question: "Is the rider stranded?", fallback: no }
      handoff: service
      priority: urgent
  - id: yes-default
    when: { keywords: [lake] }
    then:
      ask_llm: { question: "On the water?", fallback: yes }
      tag: manual`)

  test('without an answer the fallback decides, and the question is listed', () => {
    const d = ev(rules, 'stuck at the lake')
    expect(d.rules).toEqual(['yes-default'])
    expect(d.llm).toEqual([
      { rule: 'maybe', question: 'Is the rider stranded?', fallback: false, answer: false, source: 'fallback' },
      { rule: 'yes-default', question: 'On the water?', fallback: true, answer: true, source: 'fallback' },
    ])
    expect(d.trace.filter((t) => t.step === 'llm').map((t) => t.source)).toEqual(['fallback', 'fallback'])
  })

  test('an LLM yes fires the rule, marked source llm; suggested tags are recorded, not applied', () => {
    expect(ev(rules, 'stuck').action).toBe('answer')
    const withYes = evaluateWith(rules, 'stuck', { maybe: { answer: true, tags: ['money-talk', 'made-up'], reason: 'on a trail' } })
    expect(withYes).toMatchObject({ action: 'handoff', department: 'service', priority: 'urgent', rules: ['maybe'] })
    expect(withYes.tags).toEqual([])
    expect(withYes.llm).toEqual([expect.objectContaining({ rule: 'maybe', source: 'llm', answer: true, tags: ['money-talk'] })])
    expect(withYes.trace).toContainEqual(expect.objectContaining({ rule: 'maybe', step: 'llm', source: 'llm', detail: 'yes: on a trail' }))
    expect(withYes.trace).toContainEqual(expect.objectContaining({ rule: 'maybe', step: 'fired', source: 'llm' }))
  })

  test('an LLM no un-fires exactly that rule', () => {
    const d = evaluateWith(rules, 'stuck at the lake', { 'yes-default': { answer: false } })
    expect(d.rules).toEqual([])
  })
})

describe('trace', () => {
  test('fired rules carry the matched text and its offsets', () => {
    const text = 'Hey, my Grizzly is throwing P0301 since Tuesday'
    const d = ev(rulesWith(`  - { id: codes, when: { entity: fault_code }, then: { handoff: service } }`), text)
    const m = d.trace.find((t) => t.rule === 'codes' && t.step === 'match')!
    expect(m).toMatchObject({ condition: 'entity:fault_code', text: 'P0301', source: 'rules', detail: 'P0301' })
    expect(text.slice(m.start, m.end)).toBe('P0301')
    expect(d.trace.find((t) => t.rule === 'tag:code')).toMatchObject({ text: 'P0301' })
  })

  test('keyword spans point at the words as written', () => {
    const text = 'my bike WONT even START'
    const d = ev(one(`{ keywords: ["won't ... start"] }`), text)
    const m = d.trace.find((t) => t.step === 'match' && t.rule === 'r')!
    expect(text.slice(m.start, m.end)).toBe('WONT even START')
  })

  test('fullTrace lists rules that did not fire', () => {
    const rules = rulesWith(`
  - { id: a, when: { keywords: [quad] }, then: { handoff: sales } }
  - { id: b, when: { keywords: [sled] }, then: { handoff: sales } }`)
    const d = evaluateWith(rules, 'quad', {}, true)
    expect(d.trace.filter((t) => t.step === 'no_match').map((t) => t.rule)).toEqual(['b'])
  })

  test('same input, same decision (no hidden state between calls)', () => {
    const rules = rulesWith(`  - { id: a, when: { any: [{ keywords: [quad] }, { signal: frustration }] }, then: { handoff: sales } }`)
    const a = ev(rules, 'my quad!!')
    ev(rules, 'something else entirely, ugh')
    expect(ev(rules, 'my quad!!')).toEqual(a)
  })
})

function evaluateWith(rules: Rules, text: string, llmAnswers: Record<string, LlmAnswer>, fullTrace = false) {
  return evaluate(rules, { text, now: TUESDAY_MORNING, history: [] }, { llmAnswers, fullTrace })
}

describe('input checks', () => {
  test('an invalid time is a clear error, not a crash deep inside', () => {
    const rules = one('{ outside_hours: service }')
    expect(() => ev(rules, 'x', { now: new Date('nope') })).toThrow('ctx.now must be a valid Date')
  })
  test('a missing history is treated as empty', () => {
    const rules = one('{ messages: 1 }')
    expect(ev(rules, 'x', { history: undefined as never }).rules).toEqual(['r'])
  })
})
