import { keep } from '../ops/bounded.ts'
import { eq, sql } from 'drizzle-orm'
import type { Services } from '../deps.ts'
import { customers, events, messages, staffUsers } from '../db/schema.ts'
import type { BusEvent } from '../realtime/bus.ts'
import { getConversation, getStore, listCards, viewCounts, type Conversation, type ConversationCard, type InboxQuery, type InboxView, type Message } from '../conversations/store.ts'
import { formatWhen } from '../../views/format.ts'
import { ChatStatus, type ChatStatusProps } from '../../views/partials/ChatStatus.tsx'
import { TypingIndicator } from '../../views/partials/TypingIndicator.tsx'
import { Viewers } from '../../views/partials/Viewers.tsx'
import { TracePanel, type StoredTrace } from '../../views/partials/TracePanel.tsx'
import { SummaryPanel } from '../../views/partials/SummaryPanel.tsx'
import { ContactForm } from '../../views/partials/ContactForm.tsx'
import { DEFAULT_CONSENT } from '../conversations/contact.ts'
import { InboxTabs } from '../../views/partials/InboxTabs.tsx'
import { priorityTargets } from './choices.ts'
import { ConversationActions } from '../../views/partials/ConversationActions.tsx'
import { MessageItem } from '../../views/partials/MessageItem.tsx'
import { InboxList } from '../../views/partials/InboxList.tsx'
import { InboxRow } from '../../views/partials/InboxRow.tsx'
import { ConversationHeader } from '../../views/partials/ConversationHeader.tsx'
import type { InboxFrame } from './inbox-feed.ts'
import { ratingsOf } from '../insights/ratings.ts'

/** Renders stored events into <hx-partial> blocks: the same partials the pages use. */
const partial = (target: string, swap: string, html: string) => `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`

export async function staffName(s: Services, id: string | null | undefined): Promise<string | null> {
  if (!id) return null
  const [row] = await s.db.select({ name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.id, id))
  return row?.name ?? null
}

/** A message partial per (event, viewer, time zone), shared by every stream sending it: a stored message never changes. */
const renderedMessages = new WeakMap<Services, Map<string, Promise<string | null>>>()

function messageHtml(s: Services, e: BusEvent, timeZone: string, viewer: 'rider' | 'staff'): Promise<string | null> {
  let memo = renderedMessages.get(s)
  if (!memo) renderedMessages.set(s, (memo = new Map()))
  const key = `${e.id}\n${viewer}\n${timeZone}`
  let html = memo.get(key)
  if (!html) {
    html = renderMessage(s, e, timeZone, viewer)
    keep(memo, key, html, 256)
    html.catch(() => memo.delete(key))
  }
  return html
}

async function renderMessage(s: Services, e: BusEvent, timeZone: string, viewer: 'rider' | 'staff'): Promise<string | null> {
  const m = await eventMessage(s, e)
  if (!m || (viewer === 'rider' && m.internal)) return null
  const name = await staffName(s, m.staffId)
  const html = partial('#transcript', 'appendNew', (await (<MessageItem m={m} timeZone={timeZone} staffName={name} viewer={viewer} />)).toString())
  // The stored answer replaces the streamed draft.
  return m.author === 'bot' ? html + partial('#draft', 'innerHTML', '') : html
}

/** The message a `message` event names, in one statement. */
async function eventMessage(s: Services, e: BusEvent): Promise<Message | undefined> {
  const [row] = await s.db.select({ m: messages }).from(events)
    .innerJoin(messages, eq(messages.id, sql`(${events.data}->>'messageId')::uuid`)).where(eq(events.id, e.id))
  return row?.m
}

/** What the rider's status line shows for a conversation (none yet: the AI). */
export async function riderStatus(s: Services, conversationId: string, conv?: Conversation): Promise<ChatStatusProps> {
  if (!conv) return { conversationId, status: 'bot' }
  return {
    conversationId, status: conv.status, department: conv.department,
    agentName: await staffName(s, conv.assigneeId), expectReply: s.expectReply?.(conv) ?? null,
    chatRating: conv.status === 'closed' ? (await ratingsOf(s.db, conv.id)).chat : null,
  }
}

const typingHtml = async (who?: string) => partial('#typing', 'outerHTML', (await (<TypingIndicator who={who} />)).toString())

export async function riderEventHtml(s: Services, e: BusEvent, timeZone: string): Promise<string | null> {
  if (e.kind === 'message') return messageHtml(s, e, timeZone, 'rider')
  if (e.kind === 'typing') return e.data?.side === 'staff' ? typingHtml(e.data.name) : null
  if (e.kind === 'draft') return partial('#draft', 'beforeend', (await (<>{e.data?.delta ?? ''}</>)).toString())
  if (e.kind === 'presence' || e.kind === 'presence-leave') return null
  if (e.kind !== 'status' && e.kind !== 'handoff') return null
  const conv = await getConversation(s.db, e.storeId, e.conversationId!)
  return partial('#chat-status', 'outerHTML', (await (<ChatStatus {...await riderStatus(s, conv.id, conv)} />)).toString())
    + partial('#contact-slot', 'innerHTML', (await contactSlot(s, conv)).toString())
}

/** The after-hours contact form, offered while the rider waits for a person who is not in yet and we have no way to reach them. */
export async function contactSlot(s: Services, conv?: Conversation) {
  if (!conv || conv.status !== 'waiting' || (conv.department && s.isOpen?.(conv.department) !== false)) return ''
  const [cust] = await s.db.select().from(customers).where(eq(customers.id, conv.customerId))
  if (cust?.phone || cust?.email) return ''
  const store = await getStore(s.db, conv.storeId)
  return (await (<ContactForm conversationId={conv.id} consent={store.settings.contactConsent ?? DEFAULT_CONSENT} />)).toString()
}

export async function staffConversationEventHtml(s: Services, e: BusEvent, timeZone: string, meId: string, meName: string): Promise<string | null> {
  if (e.kind === 'message') return messageHtml(s, e, timeZone, 'staff')
  if (e.kind === 'typing') return e.data?.name === meName ? null : typingHtml(e.data?.side === 'rider' ? 'The rider' : e.data?.name)
  if (e.kind === 'draft') return null
  if (e.kind === 'presence' || e.kind === 'presence-leave') {
    return partial('#viewers', 'outerHTML', (await (<Viewers names={s.presence.list(e.conversationId!)} me={meName} />)).toString())
  }
  const c = await getConversation(s.db, e.storeId, e.conversationId!)
  const [cust] = await s.db.select({ name: customers.name, phone: customers.phone, email: customers.email }).from(customers).where(eq(customers.id, c.customerId))
  const header = await (<ConversationHeader c={c} contact={cust ?? { name: null, phone: null, email: null }} assigneeName={await staffName(s, c.assigneeId)} />)
  const departments = (await getStore(s.db, c.storeId)).settings.departments.map((d) => d.name)
  const actions = await (<ConversationActions c={c} departments={departments} meId={meId} />)
  const trace = await (<TracePanel reason={c.escalationReason} trace={c.escalationTrace as StoredTrace | null} />)
  return partial('#conv-header', 'outerHTML', header.toString()) + partial('#conv-actions', 'outerHTML', actions.toString())
    + partial('#trace', 'outerHTML', trace.toString())
    + partial('#summary', 'outerHTML', (await (<SummaryPanel summary={c.summary} />)).toString())
}

const renderedRows = new Map<string, string>()

/**
 * A card's HTML, rendered once for as long as nothing it shows changes: a busy inbox re-renders its list many times
 * a second, and most cards in it are the same as in the last render. The key is everything InboxRow shows,
 * including the relative times as they read now.
 */
async function rowHtml(c: ConversationCard, now: Date, timeZone: string, targetMinutes?: number): Promise<string> {
  const waitingMin = c.waitingSince ? Math.floor((now.getTime() - c.waitingSince.getTime()) / 60000) : null
  const key = JSON.stringify([c.id, c.status, c.department, c.priority, c.priorityRank, c.summary, c.lastMessage, c.tags, c.assigneeName,
    c.customerName, c.lastMessageAt.getTime(), c.waitingSince?.getTime(), formatWhen(c.lastMessageAt, now, timeZone), waitingMin, targetMinutes, timeZone])
  let html = renderedRows.get(key)
  if (html === undefined) {
    html = (await (<InboxRow c={c} now={now} timeZone={timeZone} targetMinutes={targetMinutes} />)).toString()
    keep(renderedRows, key, html, 2000)
  }
  return html
}

/** The inbox list as an <hx-partial> block (the tabs are another, so a stream can skip the unchanged one): the same for every staff member showing the view with the same filters (except "mine"). */
export async function inboxListHtml(s: Services, storeId: string, q: InboxQuery, timeZone: string): Promise<Omit<InboxFrame, 'tabs'>> {
  const cards = await listCards(s.db, storeId, q)
  const now = s.now()
  const targets = priorityTargets(s)
  // Card by card, so a stream can patch the list it already shows instead of replacing it (see inbox-patch.ts).
  const rows = await Promise.all(cards.map(async (c) => ({ id: c.id, html: await rowHtml(c, now, timeZone, c.priority ? targets[c.priority] : undefined) })))
  const list = await (<InboxList cards={cards} now={now} timeZone={timeZone} targets={targets} rows={rows.map((r) => r.html)} />)
  return { list: partial('#inbox-list', 'outerHTML', list.toString()), cards: rows }
}

const renderedTabs = new Map<string, string>()

/** The tabs block for a view and its counts (kept: every flush re-asks for the few combinations staff are showing). */
export function inboxTabsHtml(q: InboxQuery, counts: Record<InboxView, number>): string {
  const filterQuery = new URLSearchParams(Object.entries({ department: q.department, priority: q.priority, tag: q.tag, q: q.q })
    .filter((e): e is [string, string] => !!e[1])).toString()
  const current = q.view ?? 'needs'
  const key = JSON.stringify([current, counts, filterQuery])
  let html = renderedTabs.get(key)
  if (html === undefined) {
    html = partial('#inbox-tabs', 'outerHTML', (<InboxTabs current={current} counts={counts} filterQuery={filterQuery} />).toString())
    keep(renderedTabs, key, html, 500)
  }
  return html
}

export interface HandoffNotice { department: string | null; html: string }

/** The notification for a handoff event, for everyone (who gets it is `notifyHtml`'s call). */
export async function handoffNotice(s: Services, e: BusEvent): Promise<HandoffNotice | null> {
  if (e.kind !== 'handoff' || !e.conversationId) return null
  const c = await getConversation(s.db, e.storeId, e.conversationId)
  const title = `New handoff${c.department ? ` to ${c.department}` : ''}${c.priority ? ` (${c.priority})` : ''}`
  const html = await (<span class="notify" data-title={title} data-body={c.escalationReason ?? ''} data-href={`/inbox/${c.id}`} data-id={String(e.id)}>{title}</span>)
  return { department: c.department, html: partial('#notify', 'innerHTML', html.toString()) }
}

/** A new handoff into one of my departments: app.js turns this into a sound and a browser notification. */
export function notifyHtml(notice: HandoffNotice | null, me: { departments: string[]; role: string }): string {
  if (!notice || (me.role !== 'admin' && (!notice.department || !me.departments.includes(notice.department)))) return ''
  return notice.html
}
