import { evaluate, loadRules, type Decision, type Rules, type TriageContext } from '../../../src/escalation/index.ts'

/** A Tuesday 10:30 in Chicago: every test department is open. */
export const TUESDAY_MORNING = new Date('2026-11-24T10:30:00-06:00')

export const BASE = `
store: { name: Test Moto, timezone: America/Chicago, phone: 555-0100 }
departments:
  sales: { hours: { mon-fri: "9:00-19:00", sat: "9:00-17:00" } }
  service:
    label: Service
    hours: { tue-fri: ["7:30-12:00", "13:00-17:30"], sat: "8:00-12:00" }
  parts: { hours: { mon-sat: "8:00-18:00" } }
closures:
  - { date: "12-25", name: Christmas }
priorities:
  - { id: urgent, label: Urgent, first_response: 15m, hours: always }
  - { id: hot, label: Hot lead, first_response: 30m }
  - { id: normal, first_response: 4h }
tags:
  money-talk: { description: Money questions, keywords: [financing, apr] }
  code: { description: Fault codes, entity: fault_code }
  manual: { description: Only added by rules }
`

/** Rules file = BASE + the given `rules:` section (YAML, indented by two). */
export function rulesWith(rulesYaml: string, base = BASE): Rules {
  return loadRules(`${base}\nrules:\n${rulesYaml}\n`)
}

export function ev(rules: Rules, text: string, ctx: Partial<TriageContext> = {}): Decision {
  return evaluate(rules, { text, now: TUESDAY_MORNING, history: [], ...ctx })
}
