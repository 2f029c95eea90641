/**
 * Property tests: whatever a dealer types into the rules file and whatever a rider types into the chat,
 * the loader answers with a positioned error or rules, evaluate() answers with a well-formed Decision,
 * and no accepted regex can take long on a hostile message.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { evaluate, loadRules, regexProblem, tryLoadRules, type Decision } from '../../../src/escalation/index.ts'
import { BASE, TUESDAY_MORNING } from './helpers.ts'

const SHIPPED = readFileSync(join(import.meta.dir, '../../../rules/escalation.yaml'), 'utf8')
const rules = loadRules(SHIPPED)

function wellFormed(d: Decision, text: string) {
  expect(['answer', 'suggest_handoff', 'handoff']).toContain(d.action)
  if (d.action !== 'answer') expect(Object.keys(rules.departments)).toContain(d.department!)
  expect(d.rules.length).toBe(d.reasons.length)
  for (const t of d.trace) {
    if (t.start === undefined) continue
    expect(t.start).toBeGreaterThanOrEqual(0)
    expect(t.end!).toBeLessThanOrEqual(text.length)
    expect(text.slice(t.start, t.end)).toBe(t.text!)
  }
}

function checkLoad(text: string) {
  const r = tryLoadRules(text)
  if (r.ok) return
  const lines = text.split('\n').length
  expect(r.error.problems.length).toBeGreaterThan(0)
  for (const p of r.error.problems) {
    expect(p.message.length).toBeGreaterThan(0)
    expect(p.line).toBeGreaterThanOrEqual(1)
    expect(p.line).toBeLessThanOrEqual(lines + 1)
    expect(p.column).toBeGreaterThanOrEqual(1)
  }
}

describe('loader fuzz', () => {
  test('random text never crashes the loader', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => checkLoad(s)), { numRuns: 400 })
  })

  const KEYS = ['store', 'departments', 'priorities', 'tags', 'rules', 'when', 'then', 'keywords', 'regex', 'entity', 'tag', 'signal', 'all',
    'any', 'not', 'handoff', 'priority', 'reply', 'ask_llm', 'hours', 'id', 'name', 'timezone', 'first_response', 'description', 'x']
  const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('sales', 'service', '9:00-17:00', '(a+)+', 'vin', 'closed'))
  const tree = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 })),
  })).node

  test('random YAML structures built from rule-file words get errors with positions', () => {
    fc.assert(fc.property(tree, (t) => checkLoad(stringify(t))), { numRuns: 400 })
  })

  test('random edits of the shipped file load or fail with a line inside the file', () => {
    const lines = SHIPPED.split('\n')
    const edit = fc.tuple(fc.nat(lines.length - 1), fc.constantFrom('delete', 'duplicate', 'indent', 'garble', 'truncate'), fc.string({ maxLength: 6 }))
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      const ls = [...lines]
      for (const [i, kind, junk] of edits) {
        const at = Math.min(i, ls.length - 1)
        if (kind === 'delete') ls.splice(at, 1)
        else if (kind === 'duplicate') ls.splice(at, 0, ls[at])
        else if (kind === 'indent') ls[at] = ' ' + ls[at]
        else if (kind === 'garble') ls[at] = ls[at].slice(0, ls[at].length >> 1) + junk + ls[at].slice(ls[at].length >> 1)
        else ls[at] = ls[at].slice(0, ls[at].length >> 1)
      }
      checkLoad(ls.join('\n'))
    }), { numRuns: 150 })
  })

  test('deep nesting is an error, not a stack overflow', () => {
    const deep = `${BASE}\nrules:\n  - id: a\n    when: ${'{ not: '.repeat(3000)}{ keywords: [x] }${' }'.repeat(3000)}\n    then: { handoff: sales }\n`
    checkLoad(deep)
    checkLoad('['.repeat(50_000))
  })
})

describe('evaluator fuzz', () => {
  test('random unicode messages (with random history and confidence)', () => {
    const msg = fc.string({ unit: 'binary', maxLength: 300 })
    fc.assert(fc.property(msg, fc.array(msg, { maxLength: 3 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true })), fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
      (text, hist, conf, now) => {
        const d = evaluate(rules, { text, now, history: hist.map((h) => ({ author: 'customer' as const, text: h })), answerConfidence: conf ?? undefined })
        wellFormed(d, text)
      }), { numRuns: 500 })
  })

  test('rider-ish word salad', () => {
    const words = fc.constantFrom('my', 'quad', 'sled', 'wont', "won't", 'start', 'lake', 'P0301', 'apr', 'trade', 'hold', 'it', 'today', '!!!', 'RO',
      '45821', 'vin', '1HGCM82633A004352', 'call', 'me', 'stranded', 'brakes', 'smell', 'gas', 'ugh', 'lawyer', '$300/mo', 'special', 'order', '😡', 'ñ')
    fc.assert(fc.property(fc.array(words, { maxLength: 40 }), (ws) => {
      const text = ws.join(' ')
      wellFormed(evaluate(rules, { text, now: TUESDAY_MORNING, history: [] }), text)
    }), { numRuns: 500 })
  })

  test('1 MB messages are handled quickly (scan capped) and stay well-formed', () => {
    const samples = [
      'a'.repeat(1 << 20), '9'.repeat(1 << 20), ' '.repeat(1 << 20), '!'.repeat(1 << 20), '😡'.repeat(1 << 19),
      'my quad wont start on the lake '.repeat(34_000), 'P0301 '.repeat(175_000), 'stock #'.repeat(150_000),
    ]
    for (const text of samples) {
      const t0 = performance.now()
      const d = evaluate(rules, { text, now: TUESDAY_MORNING, history: [{ author: 'customer', text }] })
      const ms = performance.now() - t0
      expect(ms).toBeLessThan(500)
      wellFormed(d, text)
      expect(d.trace[0]).toMatchObject({ step: 'truncated' })
    }
  })
})

// ---------- regexes ----------

const atom = fc.constantFrom('a', 'b', '.', '\\w', '\\d', '\\s', '[ab]', '[^a]', '\\W', 'x', ' ', '\\b')
const quant = fc.constantFrom('', '', '', '', '*', '+', '?', '{0,3}', '{2,}', '{1,200}', '*?')
const regexArb: fc.Arbitrary<string> = fc.letrec((tie) => ({
  term: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(atom, quant).map(([a, q]) => a + q),
    fc.tuple(fc.array(tie('seq') as fc.Arbitrary<string>, { minLength: 1, maxLength: 3 }), quant).map(([alts, q]) => `(?:${alts.join('|')})${q}`),
    fc.tuple(tie('seq') as fc.Arbitrary<string>, quant).map(([s, q]) => `(${s})${q}`),
  ),
  seq: fc.array(tie('term') as fc.Arbitrary<string>, { minLength: 1, maxLength: 4 }).map((ts) => ts.join('')),
})).seq as fc.Arbitrary<string>

/** Inputs that make backtracking regexes explode: long runs that almost match, then fail at the end (1,000 = the scan limit). */
const N = 1000
const HOSTILE = [
  'a'.repeat(N), 'a'.repeat(N - 1) + '!', 'ab'.repeat(N / 2), ' '.repeat(N - 1) + 'x', 'aaaa bbbb '.repeat(N / 10),
  'x a'.repeat(N / 3), '1'.repeat(N), 'a1 '.repeat(N / 3), 'ax'.repeat(N / 2) + '\n',
]

/** Best of two runs, so a GC pause is not mistaken for backtracking. */
function timeExec(re: RegExp, s: string): number {
  let best = Infinity
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now()
    re.exec(s)
    best = Math.min(best, performance.now() - t0)
    if (best < 20) break
  }
  return best
}

describe('regex safety', () => {
  test('the classic catastrophic patterns are refused', () => {
    for (const p of ['(a+)+$', '(a*)*b', '(a|a)*$', '(a|ab)*c', '(\\w+\\s?)*$', '(.*a){12}', '^(\\d+)*$', '(x+x+)+y', '.*.*.*=.*', '\\w*\\w*\\w*!', '(.)\\1', '(?<n>a)\\k<n>',
      // found by the property below: \w can be one more "a", so the two repeats still share every run of a's
      'a{1,200}\\w(a)*? ', 'a*[ab]a*x']) {
      expect(regexProblem(p)).toBeDefined()
    }
  })

  test('ordinary dealer patterns are accepted', () => {
    for (const p of ['\\bp0\\d{3}\\b', 'stock\\s*#?\\s*\\d+', '\\$\\s?\\d[\\d,]*\\s*(?:/|a|per)\\s*mo(?:nth)?\\b', '\\b(?:36|48|60|72)\\s*months?\\b',
      '\\b[a-z]{3}-\\d{5}\\b', 'brake.*fail', 'r\\.?o\\.?\\s*\\d{5}', '(?:cat|dog)+', '\\w+\\s+\\w+']) {
      expect(regexProblem(p)).toBeUndefined()
    }
  })

  test('no accepted random pattern takes long on hostile input at the scan limit', () => {
    let accepted = 0
    fc.assert(fc.property(regexArb, (p) => {
      if (regexProblem(p) !== undefined) return
      accepted++
      const re = new RegExp(p, 'i')
      for (const s of HOSTILE) {
        const ms = timeExec(re, s)
        // Catastrophic backtracking takes seconds here; an accepted pattern is at worst quadratic (a few ms, more on a loaded CI box).
        if (ms > 250) throw new Error(`/${p}/ took ${ms.toFixed(0)} ms on ${JSON.stringify(s.slice(0, 12))}…`)
      }
    }), { numRuns: 3000 })
    expect(accepted).toBeGreaterThan(150)
  })

  test('a rules file with a slow regex is refused at load, naming the rule and line', () => {
    const r = tryLoadRules(`${BASE}\nrules:\n  - id: slow-one\n    when: { regex: '(\\w+\\s?)+$' }\n    then: { handoff: sales }\n`)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/^line \d+, column \d+: rule 'slow-one': unsafe regex/)
  })
})
