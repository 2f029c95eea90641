import type { Services } from '../deps.ts'
import type { Decision } from '../escalation/types.ts'
import { recordEvent } from '../realtime/events.ts'
import { botSays, publishMessage } from './say.ts'
import { desc, eq } from 'drizzle-orm'
import { messages } from '../db/schema.ts'
import { insertMessage, transcript, updateConversation, type Conversation, type Message } from './store.ts'
import { extractSummary, formatSummary } from '../agent/summary.ts'
import { conversationEvent } from '../integrations/outbound.ts'
import { metrics } from '../ops/metrics.ts'

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])]

export const defaultHandoffReply = (department?: string, when?: string | null) =>
  `I'm bringing in our ${department ? `${department} team` : 'team'} — a person will reply here ${when ?? 'shortly'}.`

/**
 * Applies a triage Decision to the conversation: tags always; a handoff moves it to the waiting queue
 * with department, priority, reason and trace, and leaves a staff-only note naming the rule. `lines`: the public
 * transcript when the caller has already read it (else it is read for the summary).
 */
export async function applyDecision(s: Services, conv: Conversation, trigger: Message | null, d: Decision, lines?: Message[]): Promise<Conversation> {
  const tags = union(conv.tags, d.tags)
  if (d.action !== 'handoff' || conv.status !== 'bot' && conv.status !== 'waiting') {
    return tags.length === conv.tags.length ? conv : updateConversation(s.db, conv.id, { tags })
  }
  const firstHandoff = conv.status === 'bot'
  const reason = d.reasons.join('; ') || 'handed off by the rules'
  const summary = await handoffSummary(s, conv, d, reason, lines)
  const updated = await updateConversation(s.db, conv.id, {
    summary,
    status: 'waiting', tags, department: d.department ?? conv.department,
    priority: d.priority ?? conv.priority, priorityRank: d.priorityRank ?? conv.priorityRank,
    escalationReason: reason, escalationTrace: { rules: d.rules, trace: d.trace, llm: d.llm ?? [] },
    waitingSince: firstHandoff ? s.now() : conv.waitingSince,
  })
  await recordEvent(s.db, s.bus, {
    storeId: conv.storeId, conversationId: conv.id, kind: 'handoff',
    data: {
      department: updated.department, priority: updated.priority, tags, rules: d.rules, messageId: trigger?.id ?? null,
      // For insights: a fresh handoff (from the AI) starts the first-response clock against this target.
      from: conv.status, targetMinutes: s.rules?.().priorities.find((p) => p.id === updated.priority)?.firstResponseMinutes ?? null,
    },
  })
  metrics.handoffs.inc({ department: updated.department ?? 'none', priority: updated.priority ?? 'none' })
  // A lead goes to the CRM once per department, not again on every later rule that fires while waiting.
  await conversationEvent(s, updated, 'handoff', { reason, summary }, { lead: firstHandoff || conv.department !== updated.department })
  if (firstHandoff) {
    await recordEvent(s.db, s.bus, { storeId: conv.storeId, conversationId: conv.id, kind: 'status', data: { from: 'bot', to: 'waiting' } })
    const note = `Handed off to ${updated.department ?? 'staff'} by rule ${d.rules.join(', ') || '(none)'}${updated.priority ? ` at ${updated.priority}` : ''}`
    const { message, duplicate } = await insertMessage(s.db, { conversationId: conv.id, author: 'system', body: note, clientId: `handoff:${trigger?.id ?? Date.now()}`, internal: true })
    if (!duplicate) await publishMessage(s, updated, message)
  }
  return updated
}

/** The rider pressed "talk to a person": a handoff to the front desk (the conversation's department if known). */
export async function requestPerson(s: Services, conv: Conversation, department = 'sales'): Promise<Conversation> {
  if (conv.status !== 'bot') return conv
  const [trigger] = await s.db.select().from(messages).where(eq(messages.conversationId, conv.id)).orderBy(desc(messages.createdAt)).limit(1)
  const updated = await applyDecision(s, conv, trigger ?? null, {
    action: 'handoff', department: conv.department ?? department, tags: ['human-request'], rules: ['talk-to-a-person-button'],
    reasons: ['the rider pressed "Talk to a person"'], trace: [],
  })
  await botSays(s, updated, defaultHandoffReply(updated.department ?? undefined, s.expectReply?.(updated)), `person:${conv.id}:${updated.waitingSince?.getTime()}`)
  return updated
}

/** The package staff act on without reading the transcript, shaped by the reason (Claude when configured, else extraction). */
async function handoffSummary(s: Services, conv: Conversation, d: Decision, reason: string, known?: Message[]): Promise<string> {
  // The message pipeline passes the public transcript it already read.
  const lines = known ?? await transcript(s.db, conv.id, { includeInternal: false })
  const riderLines = lines.filter((m) => m.author === 'customer')
  const last = riderLines.at(-1)
  const input = {
    department: d.department ?? conv.department ?? undefined, reason, tags: union(conv.tags, d.tags),
    text: last?.body ?? '', history: lines.filter((m) => m !== last).map((m) => ({ author: m.author, text: m.body })),
  }
  return formatSummary(s.summarize ? await s.summarize(input) : extractSummary(input))
}
