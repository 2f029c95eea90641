import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCases, runCases } from '../../../src/escalation/cases.ts'
import { loadRules } from '../../../src/escalation/index.ts'

const root = join(import.meta.dir, '../../..')
const rules = loadRules(readFileSync(join(root, 'rules/escalation.yaml'), 'utf8'), 'rules/escalation.yaml')

describe('the shipped rules against rider messages', () => {
  const cases = parseCases(readFileSync(join(root, 'test/fixtures/escalation/messages.yaml'), 'utf8'))
  const results = runCases(rules, cases)

  test('at least 150 fixture messages, covering every department and outcome', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150)
    const want = new Set(results.map((r) => `${r.decision.action}:${r.decision.department ?? ''}`))
    for (const k of ['answer:', 'handoff:sales', 'handoff:service', 'handoff:parts', 'handoff:finance', 'suggest_handoff:service', 'suggest_handoff:parts', 'suggest_handoff:sales']) {
      expect(want).toContain(k)
    }
  })

  test('every fixture gets the expected outcome', () => {
    const failed = results.filter((r) => !r.pass).map((r) => `line ${r.case.line}: ${r.case.message} → ${r.problems.join('; ')}`)
    const accuracy = (results.length - failed.length) / results.length
    console.log(`fixture accuracy: ${results.length - failed.length}/${results.length} (${(accuracy * 100).toFixed(1)}%)`)
    expect(failed).toEqual([])
  })

  test('escalation decisions: handoffs name a department and a priority rank', () => {
    for (const r of results) {
      if (r.decision.action === 'answer') continue
      expect(r.decision.department).toBeDefined()
      expect(r.decision.priorityRank).toBe(rules.priorities.findIndex((p) => p.id === r.decision.priority))
      expect(r.decision.reasons.length).toBe(r.decision.rules.length)
    }
  })
})

describe('the dealer example cases file', () => {
  test('all pass', () => {
    const results = runCases(rules, parseCases(readFileSync(join(root, 'test/fixtures/escalation/cases.yaml'), 'utf8')))
    expect(results.length).toBeGreaterThanOrEqual(10)
    expect(results.filter((r) => !r.pass).map((r) => r.problems)).toEqual([])
  })
})
