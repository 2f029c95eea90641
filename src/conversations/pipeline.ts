import type { Services } from '../deps.ts'
import { redact } from '../agent/redact.ts'
import { appendEvent } from '../realtime/events.ts'
import {
  conversationForVisitor, insertMessage, knownOwner, storeMessage, storeMessageIf, storeTurn, transcript, updateConversation, type Conversation, type Message, type NewMessage,
} from './store.ts'
import type { BusEvent } from '../realtime/bus.ts'
import { and, desc, eq, sql } from 'drizzle-orm'
import { perConnection, prepared } from '../db/prepared.ts'
import { keep } from '../ops/bounded.ts'
import { randomUUID } from 'node:crypto'
import { messages } from '../db/schema.ts'
import type { Decision, TriageContext } from '../escalation/types.ts'
import { focusFromCitations, focusFromHistory, type Answer, type Citation } from '../agent/index.ts'
import { applyDecision, defaultHandoffReply } from './handoff.ts'
import { aiAnswers } from './state.ts'
import { botSays, messageEvent, publishMessage, sayAndPublish } from './say.ts'
import type { FactKind } from '../insights/facts.ts'

export interface CustomerMessageInput {
  storeId: string
  visitorId: string
  conversationId: string
  clientId: string
  body: string
  /** The conversation as the caller already read it for this visitor (the chat route's access check); null: it found none yet. */
  conversation?: Conversation | null
}

export const ACK_LINE = 'Thanks for your message! Our team at the dealership can see this chat and will reply here.'
const REDACTION_NOTE = 'For your safety we removed sensitive numbers from your message. Please don\'t share card numbers, SSNs or dates of birth in chat.'

/**
 * persist -> (triage -> answer or hand off) -> publish. A retry with the same client id stores nothing new; if the
 * first attempt died after storing (database restart) and the AI never answered, the retry finishes the job.
 */
export async function postCustomerMessage(s: Services, input: CustomerMessageInput): Promise<{ message: Message; duplicate: boolean }> {
  const { text, kinds } = redact(input.body)
  const m = { conversationId: input.conversationId, author: 'customer' as const, body: text, clientId: input.clientId }
  const known = input.conversation?.id === input.conversationId ? input.conversation : undefined
  const absent = input.conversation === null
  const owned = !known && !absent && knownOwner(s.db, input.storeId, input.visitorId, input.conversationId)
  // The answerer's failure there is this message's: the usual path stores the message, then reports it (no second try).
  const turn = (owned || absent) && !kinds.length ? await answeredTurn(s, input, m, absent) : undefined
  if (turn && 'message' in turn) return { message: turn.message, duplicate: false }
  turns(s.db).delete(input.conversationId)
  // A conversation this process knows to be the visitor's goes straight to the statement that stores the message, which
  // stores it only if the chat is not closed (else, or on a retry, nothing is stored and the path below runs).
  const fast = owned
    ? await storeNew(s, input.storeId, m, { onlyOpen: true }) : undefined
  const conv = fast?.current ?? known ?? await conversationForVisitor(s.db, input.storeId, input.visitorId, input.conversationId, { absent })
  const stored = fast ?? await storeInto(s, conv, m)
  const { message, duplicate, current } = stored
  for (const e of stored.events) await s.bus.publish(e).catch(() => { /* stored: SSE replay delivers it */ })
  if (duplicate) {
    if (await unanswered(s, conv, message)) await respondOnce(s, conv, message)
    return { message, duplicate }
  }
  if (kinds.length) await botSays(s, current, REDACTION_NOTE, `redaction:${message.id}`, 'system')
  // The statement that stored the message read the transcript with it (unless a redaction note came after).
  await respondOnce(s, current, message, kinds.length ? undefined : stored.transcript, turn?.failed)
  return { message, duplicate }
}

/** A rider's message as stored: the conversation after it, events to publish, and the transcript when the statement read it. */
interface Stored { message: Message; duplicate: boolean; current: Conversation; events: BusEvent[]; transcript?: Message[] }

/**
 * The message, the conversation's activity and the live event are stored together or not at all: one statement, or
 * (rare: a closed chat reopens) one transaction that also moves the status.
 */
async function storeInto(s: Services, conv: Conversation, m: NewMessage): Promise<Stored> {
  if (conv.status !== 'closed') return (await storeNew(s, conv.storeId, m, { fallback: conv }))!
  return s.db.transaction(async (tx): Promise<Stored> => {
    const r = await insertMessage(tx, m)
    if (r.duplicate) return { ...r, current: conv, events: [] }
    const current = await updateConversation(tx, conv.id, {
      lastMessageAt: r.message.createdAt, lastRiderText: r.message.body, lastRiderAt: r.message.createdAt, status: 'bot', closedAt: null, assigneeId: null,
    })
    const events = [await appendEvent(tx, messageEvent(current, r.message))]
    events.push(await appendEvent(tx, { storeId: conv.storeId, conversationId: conv.id, kind: 'status', data: { from: 'closed', to: 'bot' } }))
    return { ...r, current, events }
  })
}

/**
 * The one-statement store. `onlyOpen`: undefined when nothing was stored (a closed chat, or a retry); else a retry
 * returns the stored message, with `fallback` as the conversation.
 */
async function storeNew(s: Services, storeId: string, m: NewMessage, o: { onlyOpen?: boolean; fallback?: Conversation }): Promise<Stored | undefined> {
  const opts = { notify: s.bus.notifyChannel, transcript: true, onlyOpen: o.onlyOpen }
  const r = o.onlyOpen ? await storeMessageIf(s.db, storeId, m, opts) : await storeMessage(s.db, storeId, m, opts)
  const current = r?.conversation ?? o.fallback
  if (!r || !current) return undefined
  const events = r.eventId && !r.notified ? [{ id: r.eventId, storeId, conversationId: m.conversationId, kind: 'message' }] : []
  return { message: r.message, duplicate: r.duplicate, current, events, transcript: r.transcript }
}

/** Rider messages being answered in this process, so a quick retry does not answer the same message twice. */
const answering = new Set<string>()

async function respondOnce(s: Services, conv: Conversation, message: Message, transcriptSoFar?: Message[], failed?: Failed) {
  answering.add(message.id)
  try {
    await respond(s, conv, message, transcriptSoFar, failed)
  } finally {
    answering.delete(message.id)
  }
}

/** The AI owns the chat, this is the rider's latest message, and no reply to it was stored. */
async function unanswered(s: Services, conv: Conversation, message: Message): Promise<boolean> {
  if (conv.status !== 'bot' || answering.has(message.id)) return false
  const [latest] = await s.db.select({ id: messages.id }).from(messages)
    .where(and(eq(messages.conversationId, conv.id), eq(messages.author, 'customer')))
    .orderBy(desc(messages.createdAt), desc(messages.id)).limit(1)
  if (latest?.id !== message.id) return false
  const [reply] = await s.db.select({ id: messages.id }).from(messages)
    .where(and(eq(messages.conversationId, conv.id), eq(messages.clientId, `bot:${message.id}`))).limit(1)
  return !reply
}

/** Triage, then: hand off (tell the rider who replies and when), offer a person, or answer. */
async function respond(s: Services, conv: Conversation, message: Message, known?: Message[], failed?: Failed) {
  // The transcript is read once per message (if anything needs it): triage, the answer and a handoff summary share it.
  let read: Promise<Message[]> | undefined = known && Promise.resolve(known)
  const lines = () => (read ??= transcript(s.db, conv.id, { includeInternal: false }))
  const [decision, llmTags] = await Promise.all([
    s.triage ? s.triage(triageContext(s, await lines(), message)) : undefined,
    s.tagger ? s.tagger(message.body).catch(() => []) : [],
  ])
  if (decision) for (const t of llmTags) {
    if (!decision.tags.includes(t)) decision.tags.push(t)
    decision.trace.push({ rule: `tag:${t}`, step: 'match', source: 'llm', condition: 'llm_tag' })
  }
  let current = conv
  // When the AI will answer, the decision is stored with its answer (same statement); otherwise now.
  const withAnswer = !!decision && decision.action !== 'handoff' && !!s.answerer && aiAnswers(conv.status)
  if (decision) {
    if (!withAnswer) await storeDecision(s, message, decision)
    current = await applyDecision(s, conv, message, decision, decision.action === 'handoff' ? await lines() : undefined)
  }
  if (decision?.action === 'handoff' && conv.status === 'bot' && current.status === 'waiting') {
    const reply = decision.reply ?? defaultHandoffReply(current.department ?? undefined, s.expectReply?.(current))
    await botSays(s, current, reply, `bot:${message.id}`, 'bot', { decision: { rules: decision.rules } })
    return
  }
  if (!aiAnswers(current.status)) return
  if (!s.answerer) {
    await botSays(s, current, decision?.reply ?? ACK_LINE, `bot:${message.id}`)
    return
  }
  await answer(s, current, message, await lines(), decision, withAnswer ? decision : undefined, failed)
}

const storeDecision = (s: Services, message: Message, decision: Decision) =>
  prepared(s.db, 'pw_store_decision', (db) => db.update(messages).set({ decision: sql.placeholder('decision') })
    .where(eq(messages.id, sql.placeholder('id')))).execute({ decision, id: message.id })

/**
 * The AI answers from the DMS content (streamed as draft signals, then stored with its citations);
 * a guardrail or tool handoff, a flag, or low retrieval confidence then feeds back into the rules.
 * `lines` is the transcript up to and including the rider's message; `unstored`, the decision to store with the answer;
 * `failed`, the answerer's failure on this message before it was stored (`answeredTurn`), reported instead of asking again.
 */
async function answer(s: Services, conv: Conversation, message: Message, lines: Message[], decision?: Decision, unstored?: Decision, failed?: Failed) {
  const a = await (failed ? Promise.reject(failed.error) : askAnswerer(s, conv, message, lines)).catch(async (err) => {
    if (unstored) await storeDecision(s, message, unstored)
    throw err
  })
  // The answer fact for insights is stored with the reply (same statement), once.
  const { message: reply, conversation } = await sayAndPublish(s, conv, {
    conversationId: conv.id, author: 'bot', body: replyBody(a, decision), clientId: `bot:${message.id}`, citations: a.citations, decision: replyDecision(a),
  }, { fact: answerFact(message, a), ...(unstored ? { decide: { messageId: message.id, decision: unstored } } : {}) })
  // The transcript now, as a fresh read would give it: the answer is the newest public line.
  await afterAnswer(s, conversation ?? conv, message, [...lines.filter((m) => m.id !== reply.id), reply], a, decision)
}

/** The answerer's answer to the rider's message (`lines`: the transcript up to and including it), streamed as draft signals. */
function askAnswerer(s: Services, conv: Pick<Conversation, 'storeId' | 'id'>, message: Message, lines: Message[]): Promise<Answer> {
  const earlier = lines.filter((m) => m.id !== message.id)
  const lastBot = earlier.findLast((m) => m.author === 'bot' && m.citations)
  const history = earlier.map((m) => ({ author: m.author, text: m.body }))
  const draft = (delta: string) => void s.bus.publish({ id: 0, storeId: conv.storeId, conversationId: conv.id, kind: 'draft', data: { delta } }).catch(() => {})
  return s.answerer!.answer({
    storeId: conv.storeId, text: message.body, history, now: s.now(), onText: draft,
    focus: focusFromCitations(lastBot?.citations as Citation[] | undefined) ?? focusFromHistory(history),
  })
}

const replyBody = (a: Answer, decision?: Decision) =>
  a.text + (decision?.action === 'suggest_handoff' ? `\n\n${decision.reply ?? offerLine(decision.department)}` : '')
const replyDecision = (a: Answer) => ({ source: a.source, confidence: a.confidence, guardrails: a.guardrails ?? [] })
const answerFact = (message: Message, a: Answer) =>
  ({ kind: 'answer' satisfies FactKind, data: { questionId: message.id, confidence: a.confidence, source: a.source, handoff: a.handoff?.via ?? null } })

/**
 * After the answer is stored (`now`: the transcript ending with it): a guardrail or tool handoff, a flag, or low
 * retrieval confidence feeding back into the rules. When none of them changes the chat, this process keeps the
 * transcript for the rider's next message (`answeredTurn`).
 */
async function afterAnswer(s: Services, conv: Conversation, message: Message, now: Message[], a: Answer, decision?: Decision) {
  if (a.handoff || a.flagged) {
    const after = a.handoff ? await applyDecision(s, conv, message, {
      action: 'handoff', department: a.handoff.department, tags: decision?.tags ?? [], rules: [`agent:${a.handoff.via}`],
      reasons: [a.handoff.reason], trace: [{ rule: `agent:${a.handoff.via}`, step: 'fired', source: a.source === 'claude' ? 'llm' : 'rules', detail: a.handoff.reason }],
    }, now) : conv
    // A handoff because Claude failed is flagged too, so staff can find every chat the AI could not serve.
    if (a.flagged) await flag(s, after, message, a.flagged)
    return
  }
  if (s.triage && decision?.action === 'answer') {
    // Low retrieval confidence is a rules condition: re-run the rules with it (microseconds; no LLM unless a rule asks).
    const second = await s.triage({ ...triageContext(s, now, message), answerConfidence: a.confidence })
    if (second.action !== 'answer') {
      const after = await applyDecision(s, conv, message, second, now)
      if (second.action === 'suggest_handoff') await botSays(s, after, second.reply ?? offerLine(second.department), `offer:${message.id}`)
      else if (second.action === 'handoff' && after.status === 'waiting') await botSays(s, after, second.reply ?? defaultHandoffReply(after.department ?? undefined, s.expectReply?.(after)), `offer:${message.id}`)
      return
    }
  }
  if (aiAnswers(conv.status)) keepTurn(s, conv, now)
}

/**
 * The transcripts of chats the AI is answering, as this process last stored them (bounded, per database connection):
 * the rider's next message can then be answered before it is stored, and stored with its answer by one statement.
 */
const turnsByDb = new WeakMap<object, Map<string, { conv: Conversation; lines: Message[] }>>()
const turns = (db: Services['db']) => perConnection(turnsByDb, db, () => new Map<string, { conv: Conversation; lines: Message[] }>())
const TURNS_KEPT = 2_000
/** Longer chats are read again: memory stays bounded by entries times lines. */
const TURN_LINES_KEPT = 40
const keepTurn = (s: Services, conv: Conversation, lines: Message[]) => {
  if (lines.length <= TURN_LINES_KEPT) keep(turns(s.db), conv.id, { conv, lines }, TURNS_KEPT)
}

/**
 * A rider's message in a chat the local AI is answering, when this process holds its transcript (or the chat is new:
 * `opens`): the rules and the answer run first (milliseconds, no network), then one statement stores the message with
 * its answer and both live events, opening the chat if new (`storeTurn`). Undefined, with nothing stored, when the
 * usual path must take it: a handoff, another answerer (Claude takes seconds: the message is stored first so staff
 * see it at once), or a chat that moved on meanwhile (a person took it, another message came in, the id was taken:
 * the statement checks).
 */
async function answeredTurn(s: Services, input: CustomerMessageInput, m: NewMessage & { author: 'customer' }, opens: boolean): Promise<{ message: Message } | { failed: Failed } | undefined> {
  const held = opens ? { lines: [] as Message[], conv: undefined } : turns(s.db).get(m.conversationId)
  if (!held || s.answerer?.mode !== 'local' || s.tagger || (held.conv && !aiAnswers(held.conv.status))) return undefined
  if (held.lines.some((l) => l.clientId === m.clientId)) return undefined // a retry of a message already answered
  turns(s.db).delete(m.conversationId) // kept again once this turn is answered
  const message: Message = {
    id: randomUUID(), conversationId: m.conversationId, author: 'customer', staffId: null, body: m.body, clientId: m.clientId,
    internal: false, decision: null, citations: null, createdAt: s.now(),
  }
  const lines = [...held.lines, message]
  const decision = s.triage ? await s.triage(triageContext(s, lines, message)) : undefined
  if (decision?.action === 'handoff') return undefined
  const where = { storeId: input.storeId, id: m.conversationId }
  let a: Answer
  try {
    a = await askAnswerer(s, where, message, lines)
  } catch (error) {
    return { failed: { error } }
  }
  const r = await storeTurn(s.db, input.storeId, {
    conversationId: m.conversationId, after: opens ? { opens: input.visitorId } : held.lines.at(-1)!.id,
    tags: decision?.tags, notify: s.bus.notifyChannel, fact: answerFact(message, a),
    rider: { id: message.id, body: m.body, clientId: m.clientId, decision },
    reply: { body: replyBody(a, decision), citations: a.citations, decision: replyDecision(a) },
  })
  if (!r) return undefined
  if (!r.notified) {
    for (const id of r.eventIds) await s.bus.publish({ id, storeId: input.storeId, conversationId: m.conversationId, kind: 'message' }).catch(() => { /* stored: SSE replay delivers it */ })
  }
  await afterAnswer(s, r.conversation, r.message, [...held.lines, r.message, r.reply], a, decision)
  return { message: r.message }
}

/** The answerer failed on a message before it was stored. */
interface Failed { error: unknown }

const offerLine = (department?: string) =>
  `If you'd rather talk it through with someone from our ${department ?? ''} team, tap "Talk to a person".`.replace('our  team', 'our team')

/** Something staff should look at (Claude failed, a guardrail replaced an answer): tag it and leave a note. */
async function flag(s: Services, conv: Conversation, message: Message, why: string) {
  await applyDecision(s, conv, message, { action: 'answer', tags: ['ai-flagged'], rules: [], reasons: [], trace: [] })
  const { message: note, duplicate } = await insertMessage(s.db, { conversationId: conv.id, author: 'system', internal: true, body: `AI flagged this chat: ${why}`, clientId: `flag:${message.id}` })
  if (!duplicate) await publishMessage(s, conv, note)
}

/** The rider's message with the conversation so far (`lines`: the public transcript), as the escalation engine reads it. */
function triageContext(s: Services, lines: Message[], message: Message): TriageContext {
  const earlier = lines.filter((m) => m.id !== message.id)
  return {
    text: message.body, now: s.now(),
    history: earlier.map((m) => ({ author: m.author, text: m.body })),
    turn: earlier.filter((m) => m.author === 'customer').length + 1,
  }
}
