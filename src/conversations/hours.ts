import { formatOpening, humanDuration, isOpen, nextOpening, type Rules } from '../escalation/index.ts'
import type { Conversation } from './store.ts'

/** What the rider is told about when a person replies, from the rules' department hours and priority targets. */
export function expectReply(rules: Rules, conv: Pick<Conversation, 'department' | 'priority'>, now: Date): string | null {
  const dept = conv.department ? rules.departments[conv.department] : undefined
  const priority = rules.priorities.find((p) => p.id === conv.priority) ?? rules.priorities.at(-1)
  const within = priority ? `within ${humanDuration(priority.firstResponseMinutes)}` : null
  if (!dept) return within
  if (isOpen(dept, now) || priority?.hours === 'always') return within
  return `when ${dept.label} opens ${formatOpening(nextOpening(dept, now), now, dept.timezone)}`
}

export function departmentOpen(rules: Rules, department: string, now: Date): boolean | undefined {
  const dept = rules.departments[department]
  return dept ? isOpen(dept, now) : undefined
}
