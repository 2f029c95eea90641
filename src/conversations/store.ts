import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, sql, type SQL } from 'drizzle-orm'
import { rows, type Db } from '../db/client.ts'
import { conversationCounts, conversations, customers, NO_ASSIGNEE, events, messages, staffUsers, stores, type ConversationStatus, type MessageAuthor } from '../db/schema.ts'
import { metrics } from '../ops/metrics.ts'
import { keep } from '../ops/bounded.ts'
import { perConnection, prepared, preparedRows } from '../db/prepared.ts'

export type Conversation = typeof conversations.$inferSelect
export type Message = typeof messages.$inferSelect
export type Customer = typeof customers.$inferSelect

/** The columns of a conversation an inbox card shows (a list re-rendered many times a second reads nothing else). */
const cardColumns = (({ id, status, department, priority, priorityRank, tags, summary, waitingSince, lastMessageAt, lastRiderText }) =>
  ({ id, status, department, priority, priorityRank, tags, summary, waitingSince, lastMessageAt, lastRiderText }))(getTableColumns(conversations))

/** A conversation as the inbox shows it. */
export interface ConversationCard extends Pick<Conversation, keyof typeof cardColumns> {
  customerName: string | null
  assigneeName: string | null
  /** What the rider last said. */
  lastMessage: string | null
}

export type Store = typeof stores.$inferSelect

export class NotFound extends Error {}
export class Forbidden extends Error {}

/** The visitor's open conversation, if any (a closed one is reopened when they write again). */
export async function latestConversationOf(db: Db, storeId: string, visitorId: string): Promise<Conversation | undefined> {
  const [row] = await db.select({ c: conversations }).from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(and(eq(conversations.storeId, storeId), eq(customers.visitorId, visitorId)))
    .orderBy(desc(conversations.lastMessageAt)).limit(1)
  return row?.c
}

/**
 * The conversation a visitor writes to: created on the first message with the id the page was given,
 * refused when it belongs to someone else.
 */
/**
 * Who owns a conversation (store and visitor) never changes once it exists, so each process remembers the owners it
 * has read or created: a rider's later messages then need no access check of their own (the statement that stores
 * the message checks the conversation is open). Bounded; a forgotten owner is read again.
 */
const ownersByDb = new WeakMap<object, Map<string, string>>()
const owners = (db: Db) => perConnection(ownersByDb, db, () => new Map<string, string>())
const OWNERS_KEPT = 20_000
const ownerKey = (storeId: string, visitorId: string) => `${storeId}\n${visitorId}`
const rememberOwner = (db: Db, id: string, storeId: string, visitorId: string) => keep(owners(db), id, ownerKey(storeId, visitorId), OWNERS_KEPT)

/** True or false when this process knows who owns conversation `id`, undefined when it must ask the database. */
export function knownOwner(db: Db, storeId: string, visitorId: string, id: string): boolean | undefined {
  const owner = owners(db).get(id)
  return owner === undefined ? undefined : owner === ownerKey(storeId, visitorId)
}

export async function conversationForVisitor(db: Db, storeId: string, visitorId: string, id: string, opts: { absent?: boolean } = {}): Promise<Conversation> {
  // `absent`: the caller's access check just found no conversation with this id (a first message): go on to create it.
  if (!opts.absent) {
    const known = await visitorAccess(db, storeId, visitorId, id)
    if (known.conversation) return known.conversation
    if (!known.allowed || known.exists) throw new Forbidden('not your conversation')
  }
  const created = await openConversation(db, storeId, visitorId, id)
  if (created) return created
  // Someone created it in the meantime (the visitor's retry, or another visitor guessing the id): theirs or not?
  const again = await visitorAccess(db, storeId, visitorId, id)
  if (again.conversation) return again.conversation
  throw new Forbidden('not your conversation')
}

/**
 * The visitor (created if new) and their conversation with this id, created in one statement with the `opened`
 * fact insights count conversations from (not published: no live view shows it). Undefined when the id was taken.
 */
async function openConversation(db: Db, storeId: string, visitorId: string, id: string): Promise<Conversation | undefined> {
  const [row] = await rows<{ conversation: unknown }>(db, sql`
    with cu as (
      insert into customers (store_id, visitor_id) values (${storeId}, ${visitorId})
      on conflict (store_id, visitor_id) do update set visitor_id = excluded.visitor_id
      returning id
    ), c as (
      insert into conversations (id, store_id, customer_id) select ${id}, ${storeId}, cu.id from cu
      on conflict do nothing
      returning *
    ), o as (
      insert into events (store_id, conversation_id, kind) select store_id, id, 'opened' from c
    )
    select row_to_json(c) as conversation from c`)
  if (!row) return undefined
  rememberOwner(db, id, storeId, visitorId)
  return fromJson<Conversation>(conversations, row.conversation)
}

export async function getConversation(db: Db, storeId: string, id: string): Promise<Conversation> {
  const [row] = await prepared(db, 'pw_get_conversation', (d) => d.select().from(conversations)
    .where(and(eq(conversations.id, sql.placeholder('id')), eq(conversations.storeId, sql.placeholder('storeId')))))
    .execute({ id, storeId })
  if (!row) throw new NotFound(`conversation ${id} not found`)
  return row
}

/**
 * Whether a visitor may use this conversation (an id not yet created is theirs to start), in one statement; when it
 * exists and is theirs, the row too, so the request need not read it again.
 */
export async function visitorAccess(db: Db, storeId: string, visitorId: string, id: string): Promise<{ allowed: boolean; exists: boolean; conversation?: Conversation }> {
  const [row] = await db.select({ c: conversations, visitorId: customers.visitorId, customerStore: customers.storeId }).from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId)).where(eq(conversations.id, id))
  if (!row) return { allowed: true, exists: false }
  if (row.customerStore === row.c.storeId) rememberOwner(db, id, row.c.storeId, row.visitorId)
  const allowed = row.c.storeId === storeId && row.visitorId === visitorId
  return { allowed, exists: true, conversation: allowed && row.customerStore === storeId ? row.c : undefined }
}

export interface NewMessage {
  conversationId: string
  author: MessageAuthor
  body: string
  clientId: string
  staffId?: string | null
  internal?: boolean
  decision?: unknown
  citations?: unknown
}

/** Inserts once per (conversation, client id); a retry returns the stored message and `duplicate: true`. */
export async function insertMessage(db: Db, m: NewMessage): Promise<{ message: Message; duplicate: boolean }> {
  const inserted = await db.insert(messages).values(m).onConflictDoNothing().returning()
  if (inserted[0]) metrics.messages.inc({ author: m.author })
  if (inserted[0]) return { message: inserted[0], duplicate: false }
  const [existing] = await db.select().from(messages)
    .where(and(eq(messages.conversationId, m.conversationId), eq(messages.clientId, m.clientId)))
  return { message: existing, duplicate: true }
}

/** A row built by row_to_json(), mapped the way drizzle maps the table's own rows (column keys, dates, jsonb). */
function fromJson<T>(table: typeof messages | typeof conversations, json: unknown): T {
  const row = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    const v = row[col.name]
    out[key] = v === null || v === undefined ? null : col.columnType === 'PgJsonb' ? v : col.mapFromDriverValue(v)
  }
  return out as T
}

/**
 * The card's copy of the rider's latest message, set from the stored message `m`: only a rider's message that is
 * newer than the one held changes it (two statements committing out of order keep the newest).
 */
const riderCard = sql.raw(`last_rider_text = case when m.author = 'customer' and m.created_at >= coalesce(conversations.last_rider_at, '-infinity')
    then m.body else conversations.last_rider_text end,
  last_rider_at = case when m.author = 'customer' then greatest(conversations.last_rider_at, m.created_at) else conversations.last_rider_at end`)

/** A value of the statements below, by name: they are compiled once per shape (`preparedRows`) and filled in per call. */
const p = (name: string) => sql.placeholder(name)
/** A jsonb value for a placeholder (`null` stays SQL null). */
const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v))
/** The shape of a statement with optional parts, for its compiled form's name. */
const shape = (...parts: unknown[]) => parts.map((x) => (x ? 1 : 0)).join('')

/** The CTE that stores an analytics fact (not published) about the message the CTE `from` inserted; its data gets the message's id. */
const factAbout = (from: 'm' | 'r') => sql`, f as (
      insert into events (store_id, conversation_id, kind, data)
      select ${p('storeId')}::text, ${sql.raw(from)}.conversation_id, ${p('factKind')}::text, ${p('factData')}::jsonb || jsonb_build_object('messageId', ${sql.raw(from)}.id) from ${sql.raw(from)}
    )`
const factValues = (fact?: { kind: string; data: Record<string, unknown> }) => (fact ? { factKind: fact.kind, factData: JSON.stringify(fact.data) } : {})

/**
 * One statement, so one round trip and all or nothing: the message, the conversation's last activity and the
 * `message` event that puts it on every live view. Once per (conversation, client id): a retry changes nothing
 * and returns the stored message with `duplicate: true` (and no event to publish, no fact recorded).
 */
export async function storeMessage(db: Db, storeId: string, m: NewMessage, opts: StoreOptions = {}): Promise<StoredMessage> {
  const r = await storeMessageIf(db, storeId, m, opts)
  return r ?? { ...(await insertMessage(db, m)), notified: false } // a retry: the stored message (the insert finds the conflict again)
}

export interface StoreOptions {
  fact?: { kind: string; data: Record<string, unknown> }; notify?: string; decide?: { messageId: string; decision: unknown }
  /** Also return the public transcript up to and including the new message (what `transcript()` would read next). */
  transcript?: boolean
  /**
   * Store only into a conversation that is not closed, and store nothing otherwise: `storeMessageIf` then returns
   * undefined for a closed conversation and for a retry alike (the caller reads the conversation and takes its slower path).
   */
  onlyOpen?: boolean
}

export interface StoredMessage { message: Message; duplicate: boolean; conversation?: Conversation; eventId?: number; notified: boolean; transcript?: Message[] }

/** `storeMessage`, or undefined when nothing was stored (a retry; with `onlyOpen`, a closed conversation too). */
export async function storeMessageIf(db: Db, storeId: string, m: NewMessage, opts: StoreOptions = {}): Promise<StoredMessage | undefined> {
  const [r] = await preparedRows<{ message: unknown; conversation: unknown; event_id: string | number | null; notified?: unknown; transcript?: unknown }>(
    db, `pw_store_message_${shape(opts.onlyOpen, opts.fact, opts.decide, opts.notify, opts.transcript)}`, () => sql`
    with m as (
      insert into messages (conversation_id, author, staff_id, body, client_id, internal, decision, citations)
      ${opts.onlyOpen ? sql`select` : sql`values (`} ${p('conversationId')}::uuid, ${p('author')}::text, ${p('staffId')}::uuid, ${p('body')}::text, ${p('clientId')}::text, ${p('internal')}::boolean, ${p('decision')}::jsonb, ${p('citations')}::jsonb${
        opts.onlyOpen ? sql` where exists (select 1 from conversations where id = ${p('conversationId')}::uuid and status <> 'closed')` : sql`)`}
      on conflict do nothing returning *
    ), c as (
      update conversations set last_message_at = m.created_at, first_message_at = coalesce(conversations.first_message_at, m.created_at),
        ${riderCard}, updated_at = ${p('now')}::timestamptz
      from m where conversations.id = m.conversation_id returning conversations.*
    ), e as (
      insert into events (store_id, conversation_id, kind, data)
      select ${p('storeId')}::text, m.conversation_id, 'message', jsonb_build_object('messageId', m.id, 'author', m.author, 'internal', m.internal) from m
      returning id
    )${opts.fact ? factAbout('m') : sql``}${
      // The triage decision on the rider's message this answers, stored by the same statement (one round trip less).
      opts.decide ? sql`, d as (update messages set decision = ${p('decided')}::jsonb where id = ${p('decidedId')}::uuid)` : sql``}${
      // On the PostgreSQL bus the event is published by the same statement (delivered on commit): no window where it is
      // stored but never announced because the process died in between.
      opts.notify ? sql`, n as (
      select pg_notify(${p('notify')}::text, json_build_object('id', e.id, 'storeId', ${p('storeId')}::text, 'conversationId', m.conversation_id, 'kind', 'message')::text) from e, m
    )` : sql``}
    select (select row_to_json(m) from m) as message, (select row_to_json(c) from c) as conversation, (select id from e) as event_id${opts.notify ? sql`, (select count(*) from n) as notified` : sql``}${opts.transcript ? transcriptWith : sql``}`, {
    storeId, conversationId: m.conversationId, author: m.author, staffId: m.staffId ?? null, body: m.body, clientId: m.clientId, internal: m.internal ?? false,
    decision: json(m.decision), citations: json(m.citations), now: new Date().toISOString(), notify: opts.notify ?? null,
    decided: json(opts.decide?.decision), decidedId: opts.decide?.messageId ?? null, ...factValues(opts.fact),
  })
  if (!r?.message) return undefined
  metrics.messages.inc({ author: m.author })
  return {
    message: fromJson<Message>(messages, r.message), duplicate: false,
    conversation: fromJson<Conversation>(conversations, r.conversation), eventId: Number(r.event_id), notified: !!opts.notify,
    ...(opts.transcript ? { transcript: jsonRows(r.transcript).map((row) => fromJson<Message>(messages, row)) } : {}),
  }
}

/** A rider's message and the AI's answer to it, stored together by `storeTurn`. */
export interface Turn {
  conversationId: string
  /**
   * The newest public message of the transcript the answer was made from (nothing is stored if it is no longer the
   * newest); or `{ opens: visitorId }`, the visitor's first message: the statement opens the conversation as
   * `openConversation` does (customer, conversation, `opened` fact), and stores nothing if the id is taken.
   */
  after: string | { opens: string }
  rider: { id: string; body: string; clientId: string; decision?: unknown }
  reply: { body: string; citations?: unknown; decision?: unknown }
  /** Tags the rules gave the message, added to the conversation's. */
  tags?: string[]
  /** An analytics fact about the answer (not published); its data gets the answer's id. */
  fact?: { kind: string; data: Record<string, unknown> }
  notify?: string
}

export interface StoredTurn { message: Message; reply: Message; conversation: Conversation; eventIds: number[]; notified: boolean }

/**
 * A rider's message and its answer in one statement: both messages (the answer 1 µs after the question, so they
 * keep their order), the conversation's activity and tags, both `message` events (the question's first) with their
 * NOTIFYs, and the answer's fact; for a first message, the conversation too (inserted as it ends up: a statement
 * does not see its own inserts, so it could not update it). Only while the AI still owns the chat and `after` is its
 * newest public message (or the id is free), and only once per client id: otherwise nothing is stored and undefined
 * is returned (the caller takes the usual path).
 */
export async function storeTurn(db: Db, storeId: string, t: Turn): Promise<StoredTurn | undefined> {
  const opens = typeof t.after !== 'string'
  const [r] = await preparedRows<{ message: unknown; reply: unknown; conversation: unknown; event_ids: unknown; notified?: unknown }>(
    db, `pw_store_turn_${shape(opens, t.fact, t.notify)}`, () => sql`
    with ${!opens ? sql`g as (
      select 1 from conversations where id = ${p('conversationId')}::uuid and status = 'bot' and (
        select id from messages where conversation_id = ${p('conversationId')}::uuid and internal = false order by created_at desc, id desc limit 1
      ) = ${p('after')}::uuid
    )` : sql`cu as (
      insert into customers (store_id, visitor_id) values (${p('storeId')}::text, ${p('visitorId')}::text)
      on conflict (store_id, visitor_id) do update set visitor_id = excluded.visitor_id
      returning id
    ), c as (
      insert into conversations (id, store_id, customer_id, first_message_at, last_message_at, last_rider_text, last_rider_at, tags)
      select ${p('conversationId')}::uuid, ${p('storeId')}::text, cu.id, now(), now() + interval '1 microsecond', ${p('riderBody')}::text, now(), ${p('tags')}::jsonb from cu
      on conflict do nothing
      returning *
    ), o as (
      insert into events (store_id, conversation_id, kind) select store_id, id, 'opened' from c
    ), g as (select 1 from c)`}, m as (
      insert into messages (id, conversation_id, author, body, client_id, internal, decision)
      select ${p('riderId')}::uuid, ${p('conversationId')}::uuid, 'customer', ${p('riderBody')}::text, ${p('riderClientId')}::text, false, ${p('riderDecision')}::jsonb from g
      on conflict do nothing returning *
    ), r as (
      insert into messages (conversation_id, author, body, client_id, internal, decision, citations, created_at)
      select m.conversation_id, 'bot', ${p('replyBody')}::text, 'bot:' || m.id, false, ${p('replyDecision')}::jsonb, ${p('replyCitations')}::jsonb, m.created_at + interval '1 microsecond' from m
      returning *
    )${!opens ? sql`, c as (
      update conversations set last_message_at = r.created_at, first_message_at = coalesce(conversations.first_message_at, m.created_at),
        ${riderCard}, tags = conversations.tags || coalesce((
          select jsonb_agg(x.t order by x.o) from jsonb_array_elements(${p('tags')}::jsonb) with ordinality as x(t, o) where not conversations.tags @> jsonb_build_array(x.t)
        ), '[]'::jsonb), updated_at = ${p('now')}::timestamptz
      from m, r where conversations.id = m.conversation_id returning conversations.*
    )` : sql``}, e as (
      insert into events (store_id, conversation_id, kind, data)
      select ${p('storeId')}::text, x.conversation_id, 'message', jsonb_build_object('messageId', x.id, 'author', x.author, 'internal', x.internal)
      from (select m.*, 0 as k from m union all select r.*, 1 from r) x order by x.k
      returning id
    )${t.fact ? factAbout('r') : sql``}${t.notify ? sql`, n as (
      select pg_notify(${p('notify')}::text, json_build_object('id', e.id, 'storeId', ${p('storeId')}::text, 'conversationId', ${p('conversationId')}::text, 'kind', 'message')::text) from e
    )` : sql``}
    select (select row_to_json(m) from m) as message, (select row_to_json(r) from r) as reply, (select row_to_json(c) from c) as conversation,
      (select json_agg(id order by id) from e) as event_ids${t.notify ? sql`, (select count(*) from n) as notified` : sql``}`, {
    storeId, conversationId: t.conversationId, after: opens ? null : t.after, visitorId: opens ? (t.after as { opens: string }).opens : null,
    tags: JSON.stringify([...new Set(t.tags ?? [])]), riderId: t.rider.id, riderBody: t.rider.body, riderClientId: t.rider.clientId,
    riderDecision: json(t.rider.decision), replyBody: t.reply.body, replyDecision: json(t.reply.decision), replyCitations: json(t.reply.citations),
    now: new Date().toISOString(), notify: t.notify ?? null, ...factValues(t.fact),
  })
  if (!r?.message || !r.reply || !r.conversation) return undefined
  if (opens) rememberOwner(db, t.conversationId, storeId, (t.after as { opens: string }).opens)
  metrics.messages.inc({ author: 'customer' })
  metrics.messages.inc({ author: 'bot' })
  return {
    message: fromJson<Message>(messages, r.message), reply: fromJson<Message>(messages, r.reply),
    conversation: fromJson<Conversation>(conversations, r.conversation),
    eventIds: jsonRows(r.event_ids).map(Number), notified: !!t.notify,
  }
}

/**
 * The public transcript in the statement that stores a message: the statement does not see its own insert in
 * `messages`, so the new row (from `m`) is added, and both are ordered as `transcript()` orders them.
 */
const transcriptWith = sql.raw(`, (select coalesce(json_agg(t order by t.created_at, t.id), '[]'::json) from (
      select * from messages where conversation_id = (select conversation_id from m) and internal = false
      union all select * from m where not m.internal
    ) t) as transcript`)

const jsonRows = (v: unknown): unknown[] => (typeof v === 'string' ? JSON.parse(v) : (v as unknown[]) ?? [])

export async function getMessage(db: Db, id: string): Promise<Message | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id))
  return row
}

export async function transcript(db: Db, conversationId: string, opts: { includeInternal: boolean }): Promise<Message[]> {
  const where = opts.includeInternal
    ? eq(messages.conversationId, conversationId)
    : and(eq(messages.conversationId, conversationId), eq(messages.internal, false))
  return db.select().from(messages).where(where).orderBy(asc(messages.createdAt), asc(messages.id))
}

export async function updateConversation(
  db: Db, id: string, patch: Partial<Omit<Conversation, 'id' | 'storeId' | 'customerId' | 'createdAt'>>,
): Promise<Conversation> {
  const [row] = await db.update(conversations).set({ ...patch, updatedAt: new Date() }).where(eq(conversations.id, id)).returning()
  return row
}

export const INBOX_VIEWS = ['needs', 'mine', 'bot', 'closed', 'all'] as const
export type InboxView = (typeof INBOX_VIEWS)[number]

export interface InboxQuery {
  view?: InboxView
  /** The viewer, for the "mine" view. */
  staffId?: string
  department?: string
  tag?: string
  priority?: string
  /** Full-text search over the transcript. */
  q?: string
  ids?: string[]
  limit?: number
}

function viewCondition(view: InboxView, staffId?: string): SQL | undefined {
  switch (view) {
    case 'needs': return eq(conversations.status, 'waiting')
    case 'mine': return and(eq(conversations.status, 'claimed'), eq(conversations.assigneeId, staffId ?? '00000000-0000-0000-0000-000000000000'))
    case 'bot': return eq(conversations.status, 'bot')
    case 'closed': return eq(conversations.status, 'closed')
    case 'all': return undefined
  }
}

function filters(storeId: string, q: InboxQuery): SQL[] {
  // A conversation is created just before its first message; until that is stored it is nothing to show.
  const conds: SQL[] = [eq(conversations.storeId, storeId), isNotNull(conversations.firstMessageAt)]
  if (q.department) conds.push(eq(conversations.department, q.department))
  if (q.priority) conds.push(eq(conversations.priority, q.priority))
  if (q.tag) conds.push(sql`${conversations.tags} @> ${JSON.stringify([q.tag])}::jsonb`)
  if (q.ids?.length) conds.push(inArray(conversations.id, q.ids))
  if (q.q) conds.push(sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and to_tsvector('english', m.body) @@ websearch_to_tsquery('english', ${q.q}))`)
  return conds
}

/** Inbox cards for a view: "needs a person" by priority rank then longest waiting, the rest newest activity first. */
export async function listCards(db: Db, storeId: string, q: InboxQuery = {}): Promise<ConversationCard[]> {
  const view = q.view ?? 'all'
  const conds = filters(storeId, q)
  const v = viewCondition(view, q.staffId)
  if (v) conds.push(v)
  const order = view === 'needs'
    ? [asc(conversations.priorityRank), asc(conversations.waitingSince)]
    : [desc(conversations.lastMessageAt)]
  const rows = await db.select({
    c: cardColumns, customerName: customers.name, assigneeName: staffUsers.name,
  }).from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .leftJoin(staffUsers, eq(staffUsers.id, conversations.assigneeId))
    .where(and(...conds))
    .orderBy(...order)
    .limit(q.limit ?? 100)
  // The card shows what the rider last said: that is what staff triage on.
  return rows.map((r) => ({ ...r.c, customerName: r.customerName, assigneeName: r.assigneeName, lastMessage: r.c.lastRiderText }))
}

/** How many conversations each view holds under the same filters, for every staff member at once ("mine" by assignee). */
export interface StoreViewCounts { needs: number; bot: number; closed: number; all: number; mine: Record<string, number> }

/**
 * The counts every staff member's tabs show, in one query whatever the number of staff (grouped by status and
 * assignee). Unfiltered (the inbox as it opens, and every live frame of it): the counts the triggers of migration 0008
 * keep, a few rows whatever the store's history. With a filter: counted over the conversations it matches.
 */
export async function storeViewCounts(db: Db, storeId: string, q: InboxQuery = {}): Promise<StoreViewCounts> {
  if (q.department || q.priority || q.tag || q.q || q.ids?.length) return countedViewCounts(db, storeId, q)
  return viewCountsOf(await db.select({ status: conversationCounts.status, assigneeId: conversationCounts.assigneeId, n: sql<number>`sum(${conversationCounts.n})` })
    .from(conversationCounts).where(eq(conversationCounts.storeId, storeId)).groupBy(conversationCounts.status, conversationCounts.assigneeId))
}

/** The tab counts counted over the store's conversations (under the filters): what a filtered inbox shows, and what the kept counts must equal. */
export async function countedViewCounts(db: Db, storeId: string, q: InboxQuery = {}): Promise<StoreViewCounts> {
  return viewCountsOf(await db.select({ status: conversations.status, assigneeId: conversations.assigneeId, n: sql<number>`count(*)` })
    .from(conversations).where(and(...filters(storeId, q))).groupBy(conversations.status, conversations.assigneeId))
}

function viewCountsOf(groups: Array<{ status: string; assigneeId: string | null; n: number | string }>): StoreViewCounts {
  const c: StoreViewCounts = { needs: 0, bot: 0, closed: 0, all: 0, mine: {} }
  for (const g of groups) {
    const n = Number(g.n)
    if (!n) continue // a kept row whose conversations all moved on
    c.all += n
    if (g.status === 'waiting') c.needs += n
    else if (g.status === 'bot') c.bot += n
    else if (g.status === 'closed') c.closed += n
    else if (g.status === 'claimed' && g.assigneeId && g.assigneeId !== NO_ASSIGNEE) c.mine[g.assigneeId] = (c.mine[g.assigneeId] ?? 0) + n
  }
  return c
}

/** One staff member's tab counts from the store's. */
export const countsFor = (c: StoreViewCounts, staffId?: string): Record<InboxView, number> =>
  ({ needs: c.needs, mine: (staffId && c.mine[staffId]) || 0, bot: c.bot, closed: c.closed, all: c.all })

/** How many conversations each view holds under the same filters (one query). */
export async function viewCounts(db: Db, storeId: string, q: InboxQuery = {}): Promise<Record<InboxView, number>> {
  return countsFor(await storeViewCounts(db, storeId, q), q.staffId)
}

export async function getStore(db: Db, id: string): Promise<Store> {
  const [row] = await prepared(db, 'pw_get_store', (d) => d.select().from(stores).where(eq(stores.id, sql.placeholder('id'))))
    .execute({ id })
  if (!row) throw new NotFound(`store '${id}' not found: run \`pitwall seed-demo\` or set PITWALL_STORE`)
  return row
}
