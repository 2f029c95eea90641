import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadRules, RulesError, tryLoadRules } from '../../../src/escalation/index.ts'
import { BASE } from './helpers.ts'

const BASE_LINES = BASE.split('\n').length

/** Loads BASE + rules and returns the problems (line numbers relative to the rules section: 1 = "rules:"). */
function problems(rulesYaml: string) {
  const r = tryLoadRules(`${BASE}\nrules:\n${rulesYaml}\n`)
  if (r.ok) throw new Error('expected the rules to be rejected')
  return r.error.problems.map((p) => ({ ...p, line: p.line - BASE_LINES - 1 }))
}

type Row = [name: string, rules: string, line: number, column: number, rule: string | undefined, message: string]

const BAD: Row[] = [
  ['unknown condition', `
  - id: a
    when: { keywordz: [quad] }
    then: { handoff: sales }`, 3, 13, 'a', "unknown condition 'keywordz' (did you mean 'keywords'?)"],
  ['unknown action', `
  - id: a
    when: { keywords: [quad] }
    then: { handof: sales }`, 4, 13, 'a', "unknown action 'handof' (did you mean 'handoff'?)"],
  ['unknown department', `
  - id: a
    when: { keywords: [quad] }
    then: { handoff: servce }`, 4, 22, 'a', "unknown department 'servce' (did you mean 'service'?)"],
  ['unknown department in outside_hours', `
  - id: a
    when: { outside_hours: finance }
    then: { handoff: sales }`, 3, 28, 'a', "unknown department 'finance'"],
  ['unknown priority', `
  - id: a
    when: { keywords: [quad] }
    then: { handoff: sales, priority: hot-leed }`, 4, 39, 'a', "unknown priority 'hot-leed'"],
  ['unknown tag in a condition', `
  - id: a
    when: { tag: financing }
    then: { handoff: sales }`, 3, 18, 'a', "unknown tag 'financing'"],
  ['unknown tag in an action', `
  - id: a
    when: { keywords: [quad] }
    then: { tag: [manual, nope] }`, 4, 27, 'a', "unknown tag 'nope'"],
  ['bad regex', `
  - id: a
    when: { regex: '(unclosed' }
    then: { handoff: sales }`, 3, 20, 'a', 'bad regex'],
  ['unsafe regex (nested repeat)', `
  - id: a
    when: { regex: '(a+)+$' }
    then: { handoff: sales }`, 3, 20, 'a', 'unsafe regex: a repeat inside a repeat'],
  ['unsafe regex (overlapping alternation)', `
  - id: a
    when: { regex: '(a|a)*b' }
    then: { handoff: sales }`, 3, 20, 'a', 'unsafe regex: alternatives inside a repeat'],
  ['unsafe regex (backreference)', `
  - id: a
    when: { regex: '(\\w)\\1' }
    then: { handoff: sales }`, 3, 20, 'a', 'back-references'],
  ['unsafe regex (polynomial)', `
  - id: a
    when: { regex: '.*brake.*fail' }
    then: { handoff: sales }`, 3, 20, 'a', 'two open-ended repeats'],
  ['duplicate id', `
  - id: a
    when: { keywords: [quad] }
    then: { handoff: sales }
  - id: a
    when: { keywords: [sled] }
    then: { handoff: sales }`, 5, 9, 'a', "duplicate rule id 'a' (also used by rule #1)"],
  ['missing then', `
  - id: a
    when: { keywords: [quad] }`, 2, 5, 'a', "missing 'then'"],
  ['empty condition', `
  - id: a
    when: {}
    then: { handoff: sales }`, 3, 11, 'a', 'a condition needs at least one test'],
  ['no action', `
  - id: a
    when: { keywords: [quad] }
    then: { stop: false }`, 4, 11, 'a', 'a rule needs at least one action'],
  ['both handoff and suggest', `
  - id: a
    when: { keywords: [quad] }
    then: { handoff: sales, suggest_handoff: parts }`, 4, 11, 'a', 'either handoff or suggest_handoff'],
  ['unknown placeholder', `
  - id: a
    when: { keywords: [quad] }
    then: { handoff: sales, reply: "see you {nextopen}" }`, 4, 36, 'a', 'unknown placeholder {nextopen}'],
  ['unknown entity', `
  - id: a
    when: { entity: vim }
    then: { handoff: sales }`, 3, 21, 'a', "'vim' is not valid for entity (did you mean 'vin'?)"],
  ['unknown signal', `
  - id: a
    when: { signal: human }
    then: { handoff: sales }`, 3, 21, 'a', "'human' is not valid for signal"],
  ['bad frustration level', `
  - id: a
    when: { frustration: extreme }
    then: { handoff: sales }`, 3, 26, 'a', "'extreme' is not valid for frustration"],
  ['wrong type', `
  - id: a
    when: { messages: lots }
    then: { handoff: sales }`, 3, 23, 'a', "'messages' must be a number (at least that many rider messages) or {min: n, max: n} (got 'lots')"],
  ['bad keyword', `
  - id: a
    when: { keywords: [quad, '!!!'] }
    then: { handoff: sales }`, 3, 30, 'a', "'!!!' has no letters or digits"],
  ['ask_llm without fallback', `
  - id: a
    when: { keywords: [quad] }
    then: { ask_llm: { question: "Stranded?" }, handoff: service }`, 4, 22, 'a', "missing 'fallback'"],
]

describe('loadRules rejects mistakes with line, column, rule id and what is wrong', () => {
  for (const [name, rules, line, column, rule, message] of BAD) {
    test(name, () => {
      const p = problems(rules)
      expect(p[0]).toMatchObject({ line, column, rule })
      expect(p[0].message).toContain(message)
    })
  }

  test('every problem is listed, in file order', () => {
    const p = problems(`
  - id: a
    when: { keywordz: [quad] }
    then: { handoff: sales }
  - id: b
    when: { keywords: [quad] }
    then: { handoff: nowhere, priority: nope }`)
    expect(p.map((x) => [x.line, x.rule])).toEqual([[3, 'a'], [7, 'b'], [7, 'b']])
  })

  test('a RulesError says where, in one line', () => {
    try {
      loadRules(BASE.replace('America/Chicago', 'Mars/Olympus') + 'rules: []\n', 'rules.yaml')
      throw new Error('should have thrown')
    } catch (err) {
      expect(err).toBeInstanceOf(RulesError)
      const e = err as RulesError
      expect(e.message).toBe("rules.yaml:2:37: unknown time zone 'Mars/Olympus' (use an IANA name such as America/Chicago)")
      expect(e).toMatchObject({ line: 2, column: 37 })
    }
  })

  test('one bad rule does not hide problems elsewhere in the file', () => {
    const r = tryLoadRules(BASE.replace('first_response: 4h', 'first_response: 4hrs') + 'rules:\n  - { id: a, when: { keyword: x }, then: { handoff: sales } }\n')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.problems.map((p) => p.message.split(' (')[0].split(';')[0])).toEqual(["unknown condition 'keyword'"])
    const r2 = tryLoadRules(BASE.replace('first_response: 4h', 'first_response: 4 parsecs') + 'rules:\n  - { id: a, when: { keyword: x }, then: { handoff: sales } }\n')
    expect(r2.ok).toBe(false)
    if (!r2.ok) expect(r2.error.problems.map((p) => p.message.slice(0, 30))).toEqual(["'4 parsecs' is not a duration ", "unknown condition 'keyword' (d"])
  })
})

const fileProblems = (text: string) => {
  const r = tryLoadRules(text)
  return r.ok ? [] : r.error.problems
}

describe('file-level problems', () => {
  test('YAML syntax error with its position', () => {
    const p = fileProblems('store:\n  name: "unclosed\n')
    expect(p[0].message).toStartWith('YAML:')
    expect(p[0].line).toBeGreaterThanOrEqual(2)
  })
  test('duplicate YAML key', () => {
    const p = fileProblems(`${BASE}\nrules: []\nrules: []\n`)
    expect(p[0].message).toContain('Map keys must be unique')
    expect(p[0].line).toBe(BASE_LINES + 2)
  })
  test('empty file', () => expect(fileProblems('')[0].message).toBe('the rules file is empty'))
  test('not a mapping', () => expect(fileProblems('- a\n- b\n')[0].message).toContain('must be a mapping'))
  test('unknown top-level section', () => {
    const p = fileProblems(`${BASE}\nrules: []\nrulez: []\n`)
    expect(p[0]).toMatchObject({ line: BASE_LINES + 2, column: 1 })
    expect(p[0].message).toContain("unknown section 'rulez' (did you mean 'rules'?)")
  })
  test('bad hours', () => {
    const p = fileProblems(BASE.replace('"9:00-19:00"', '"19:00-9:00"') + '\nrules: []\n')
    expect(p[0].message).toContain('ends before it starts')
    expect(p[0].path).toBe('departments.sales.hours.mon-fri')
  })
  test('a day given twice', () => {
    const p = fileProblems(BASE.replace('sat: "9:00-17:00"', 'fri: "9:00-17:00"') + '\nrules: []\n')
    expect(p[0].message).toContain("Friday is already given by 'mon-fri'")
  })
  test('bad closure date', () => {
    const p = fileProblems(BASE.replace('"12-25"', '"02-30"') + '\nrules: []\n')
    expect(p[0].message).toContain("'02-30' is not a real date")
  })
  test('bad duration', () => {
    const p = fileProblems(BASE.replace('first_response: 15m', 'first_response: soon') + '\nrules: []\n')
    expect(p[0].message).toContain("'soon' is not a duration")
  })
  test('an alias bomb is refused, not expanded', () => {
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n' +
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n'
    const p = fileProblems(bomb)
    expect(p.length).toBeGreaterThan(0)
  })
})

describe('the shipped rules file', () => {
  const text = readFileSync(join(import.meta.dir, '../../../rules/escalation.yaml'), 'utf8')
  test('loads, with the departments, priorities and tags the issue asks for', () => {
    const rules = loadRules(text)
    expect(Object.keys(rules.departments)).toEqual(['sales', 'service', 'parts', 'finance'])
    expect(rules.store.timezone).toBe('America/Chicago')
    expect(rules.priorities.map((p) => p.id)).toEqual(['stranded-rider', 'hot-lead', 'normal'])
    const tagIds = rules.tags.map((t) => t.id)
    for (const t of ['financing', 'trade-in', 'unit-availability', 'parts-fitment', 'fault-code', 'repair-status', 'service-appointment',
      'warranty', 'recall', 'stranded-rider', 'hot-lead', 'complaint', 'human-request', 'parts-order', 'hours-location']) expect(tagIds).toContain(t)
    for (const t of rules.tags) expect(t.description.length).toBeGreaterThan(10)
    expect(rules.rules.some((r) => r.askLlm)).toBe(true)
  })
  test('service has a split shift and is closed Sunday; there are holidays', () => {
    const rules = loadRules(text)
    expect(rules.departments.service.weekly[2].length).toBe(2)
    expect(rules.departments.sales.weekly[0]).toEqual([])
    expect(rules.departments.sales.closures.map((c) => c.name)).toContain('Christmas Day')
  })
})
