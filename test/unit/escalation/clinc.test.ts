/**
 * Language nobody on the team wrote: CLINC150 utterances (car-and-commute intents, small talk, out of scope).
 * Skips when ../shared/data is absent. Reports per-intent escalation rates and asserts sensible bounds.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { evaluate, loadRules } from '../../../src/escalation/index.ts'

const DATA = join(import.meta.dir, '../../../../shared/data/clinc150-dev.jsonl')
const rules = loadRules(readFileSync(join(import.meta.dir, '../../../rules/escalation.yaml'), 'utf8'))
const now = new Date('2026-11-24T10:30:00-06:00')

interface Stat { n: number; handoff: number; suggest: number; departments: Record<string, number> }

describe.skipIf(!existsSync(DATA))('CLINC150 utterances through the default rules', () => {
  const stats = new Map<string, Stat>()
  for (const line of (existsSync(DATA) ? readFileSync(DATA, 'utf8') : '').split('\n')) {
    if (!line.trim()) continue
    const { text, intent } = JSON.parse(line) as { text: string; intent: string }
    const d = evaluate(rules, { text, now, history: [] })
    const s = stats.get(intent) ?? { n: 0, handoff: 0, suggest: 0, departments: {} }
    s.n++
    if (d.action === 'handoff') s.handoff++
    if (d.action === 'suggest_handoff') s.suggest++
    if (d.department) s.departments[d.department] = (s.departments[d.department] ?? 0) + 1
    stats.set(intent, s)
  }
  const rate = (intents: string[], pick: (s: Stat) => number) => {
    let n = 0
    let k = 0
    for (const i of intents) {
      const s = stats.get(i)
      if (s) { n += s.n; k += pick(s) }
    }
    return n ? k / n : 0
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`

  test('report', () => {
    const rows = [...stats].sort(([a], [b]) => a.localeCompare(b))
      .map(([i, s]) => `${i.padEnd(22)} n=${String(s.n).padStart(3)} handoff=${pct(s.handoff / s.n).padStart(6)} offer=${pct(s.suggest / s.n).padStart(6)} ${JSON.stringify(s.departments)}`)
    console.log(rows.join('\n'))
    expect(stats.size).toBeGreaterThan(10)
  })

  test('small talk is answered, not handed off', () => {
    const smallTalk = ['greeting', 'goodbye', 'thank_you', 'cancel']
    expect(rate(smallTalk, (s) => s.handoff)).toBe(0)
    expect(rate(smallTalk, (s) => s.handoff + s.suggest)).toBeLessThan(0.02)
  })

  test('out-of-scope chatter rarely escalates', () => {
    expect(rate(['out_of_scope'], (s) => s.handoff + s.suggest)).toBeLessThan(0.05)
  })

  test('car how-to and commute questions stay with the AI', () => {
    const howTo = ['oil_change_how', 'oil_change_when', 'tire_pressure', 'tire_change', 'gas', 'gas_type', 'mpg', 'directions', 'distance', 'traffic', 'jump_start', 'current_location', 'uber']
    const escalated = rate(howTo.filter((i) => i !== 'uber'), (s) => s.handoff + s.suggest)
    console.log(`how-to/commute escalation (excluding "book an uber"): ${pct(escalated)}`)
    expect(escalated).toBeLessThan(0.03)
  })

  test('"are you a bot" is answered with an offer, almost never an immediate handoff', () => {
    expect(rate(['are_you_a_bot'], (s) => s.handoff)).toBeLessThan(0.05)
  })

  test('maintenance booking requests written by strangers mostly reach service', () => {
    const s = stats.get('schedule_maintenance')!
    const toService = (s.departments.service ?? 0) / s.n
    console.log(`schedule_maintenance → service: ${pct(toService)}`)
    expect(toService).toBeGreaterThan(0.6)
  })
})
