import { sql } from 'drizzle-orm'
import {
  bigint, bigserial, boolean, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const created = () => ts('created_at').notNull().defaultNow()

export const CONVERSATION_STATUSES = ['bot', 'waiting', 'claimed', 'closed'] as const
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number]
export const MESSAGE_AUTHORS = ['customer', 'bot', 'staff', 'system'] as const
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number]
/** A manager works the inbox like staff and also sees /insights; the column is plain text, so no migration. */
export const STAFF_ROLES = ['admin', 'manager', 'staff'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

export const stores = pgTable('stores', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('America/Chicago'),
  phone: text('phone'),
  address: text('address'),
  /** Departments and weekly hours shown to riders; the escalation rules file may refine them. */
  settings: jsonb('settings').$type<StoreSettings>().notNull().default({ departments: [] }),
  createdAt: created(),
})

export const CONVERSATION_EVENTS = ['handoff', 'claim', 'close'] as const
export type ConversationEventName = (typeof CONVERSATION_EVENTS)[number]
export interface DepartmentHours { name: string; label: string; hours: Record<string, string[]> }
export interface StoreSettings {
  departments: DepartmentHours[]
  cannedReplies?: { department: string; title: string; body: string }[]
  /** Outbound webhooks per department (HMAC-signed), for SMS/Slack bridges. */
  webhooks?: { department: string; url: string; secret: string }[]
  /** Store-wide webhook subscriptions to conversation events (handoff, claim, close), HMAC-signed. */
  subscriptions?: { url: string; secret: string; events: ConversationEventName[] }[]
  /** ADF/XML lead export to the dealer's CRM on handoffs to these departments (POST and/or email). */
  leads?: { departments: string[]; url?: string; email?: string }
  /** Shown when a rider leaves contact details for an after-hours follow-up. */
  contactConsent?: string
}

export const staffUsers = pgTable('staff_users', {
  id: uuid('id').primaryKey().defaultRandom(),
  storeId: text('store_id').notNull().references(() => stores.id),
  email: text('email').notNull(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: STAFF_ROLES }).notNull().default('staff'),
  departments: jsonb('departments').$type<string[]>().notNull().default([]),
  active: boolean('active').notNull().default(true),
  createdAt: created(),
}, (t) => [uniqueIndex('staff_users_email_idx').on(t.email)])

export const sessions = pgTable('sessions', {
  /** sha256 of the cookie token, so a leaked table cannot be replayed as cookies. */
  id: text('id').primaryKey(),
  userId: uuid('user_id').notNull().references(() => staffUsers.id, { onDelete: 'cascade' }),
  expiresAt: ts('expires_at').notNull(),
  createdAt: created(),
}, (t) => [index('sessions_user_idx').on(t.userId)])

export const customers = pgTable('customers', {
  id: uuid('id').primaryKey().defaultRandom(),
  storeId: text('store_id').notNull().references(() => stores.id),
  visitorId: text('visitor_id').notNull(),
  name: text('name'),
  phone: text('phone'),
  email: text('email'),
  createdAt: created(),
}, (t) => [uniqueIndex('customers_visitor_idx').on(t.storeId, t.visitorId)])

export const conversations = pgTable('conversations', {
  id: uuid('id').primaryKey().defaultRandom(),
  storeId: text('store_id').notNull().references(() => stores.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id),
  status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('bot'),
  department: text('department'),
  priority: text('priority'),
  /** Rank of `priority` in the rules file (0 = highest) so the inbox sorts without the rules at hand. */
  priorityRank: integer('priority_rank').notNull().default(1000),
  tags: jsonb('tags').$type<string[]>().notNull().default([]),
  assigneeId: uuid('assignee_id').references(() => staffUsers.id),
  summary: text('summary'),
  escalationReason: text('escalation_reason'),
  escalationTrace: jsonb('escalation_trace').$type<unknown>(),
  waitingSince: ts('waiting_since'),
  lastMessageAt: ts('last_message_at').notNull().defaultNow(),
  /** When the rider's first message was stored (null: created, nothing said yet — the inbox leaves it out). */
  firstMessageAt: ts('first_message_at'),
  /** The rider's latest message and when it was sent: what the inbox card shows, kept with every message stored. */
  lastRiderText: text('last_rider_text'),
  lastRiderAt: ts('last_rider_at'),
  closedAt: ts('closed_at'),
  createdAt: created(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('conversations_store_activity_idx').on(t.storeId, t.lastMessageAt),
  // The "needs a person" queue of one store, in the order the inbox shows it.
  index('conversations_store_queue_idx').on(t.storeId, t.status, t.priorityRank, t.waitingSince),
  index('conversations_customer_idx').on(t.customerId),
])

/** The assignee a count row has when the conversations it counts have none (a key column cannot be null). */
export const NO_ASSIGNEE = '00000000-0000-0000-0000-000000000000'

/**
 * How many conversations of a store are in each status (and with each assignee), kept by triggers on
 * `conversations` (migrations/0008): the inbox tabs read these few rows instead of counting every conversation the
 * store ever had (tens of milliseconds a render at 100,000). Only conversations with a first message count, as in
 * the inbox. Each conversation counts in one of 8 rows per key (`hashtext(id) & 7`), so writers of different
 * conversations rarely wait for one row; a reader sums them.
 */
export const conversationCounts = pgTable('conversation_counts', {
  storeId: text('store_id').notNull(),
  status: text('status').notNull(),
  assigneeId: uuid('assignee_id').notNull().default(NO_ASSIGNEE),
  shard: integer('shard').notNull(),
  n: bigint('n', { mode: 'number' }).notNull().default(0),
}, (t) => [primaryKey({ columns: [t.storeId, t.status, t.assigneeId, t.shard] })])

export const messages = pgTable('messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  author: text('author', { enum: MESSAGE_AUTHORS }).notNull(),
  staffId: uuid('staff_id').references(() => staffUsers.id),
  body: text('body').notNull(),
  /** Client-generated id: a retried POST with the same id stores nothing new. */
  clientId: text('client_id').notNull(),
  internal: boolean('internal').notNull().default(false),
  decision: jsonb('decision').$type<unknown>(),
  citations: jsonb('citations').$type<unknown>(),
  createdAt: created(),
}, (t) => [
  uniqueIndex('messages_client_idx').on(t.conversationId, t.clientId),
  index('messages_conversation_idx').on(t.conversationId, t.createdAt),
  // Full-text search over transcripts from the inbox.
  index('messages_fts_idx').using('gin', sql`to_tsvector('english', ${t.body})`),
])

/** Append-only: the source for SSE replay (Last-Event-ID) and for analytics. */
export const events = pgTable('events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  storeId: text('store_id').notNull(),
  conversationId: uuid('conversation_id'),
  kind: text('kind').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: created(),
  /**
   * The oldest transaction still running when the statement that stored the event began (64-bit). A transaction that
   * took a lower id and commits after this event was sent began later or was running then: a reconnecting stream
   * replays the events below its position written at or after it (`eventsSince`, `resumed`). Null before migration 0010.
   */
  horizon: bigint('horizon', { mode: 'number' }).default(sql`(pg_snapshot_xmin(pg_current_snapshot())::text::bigint)`),
}, (t) => [
  index('events_conversation_idx').on(t.conversationId, t.id),
  // A store's newest event and the events after a position (every stream, every page): without it, a quiet store's
  // max(id) walked back through every other store's newer events.
  index('events_store_id_idx').on(t.storeId, t.id),
  index('events_store_kind_idx').on(t.storeId, t.kind, t.createdAt),
  // migrations/0003 adds events_facts_idx: the same keys, INCLUDE (conversation_id, id, data), for insights' kinds.
])

export const documents = pgTable('documents', {
  id: text('id').primaryKey(),
  storeId: text('store_id').notNull().references(() => stores.id),
  type: text('type').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull().default(''),
  fields: jsonb('fields').$type<Record<string, unknown>>().notNull().default({}),
  source: text('source').notNull().default('manual'),
  effectiveAt: ts('effective_at').notNull().defaultNow(),
  expiresAt: ts('expires_at'),
  contentHash: text('content_hash').notNull(),
  embedding: real('embedding').array(),
  createdAt: created(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('documents_store_type_idx').on(t.storeId, t.type),
  index('documents_hash_idx').on(t.contentHash),
])

/** Vectors by content hash, so re-imports and restarts never re-embed unchanged text. */
export const embeddings = pgTable('embeddings', {
  contentHash: text('content_hash').primaryKey(),
  model: text('model').notNull(),
  vector: real('vector').array().notNull(),
  createdAt: created(),
})


export const RATING_KINDS = ['answer', 'chat'] as const
/** A rider's verdict: thumbs (+1/-1) on one AI answer, or 1-5 stars on a closed chat. */
export const ratings = pgTable('ratings', {
  id: uuid('id').primaryKey().defaultRandom(),
  storeId: text('store_id').notNull().references(() => stores.id),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  /** The rated AI message for `answer`; null for a whole-chat rating. */
  messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: RATING_KINDS }).notNull(),
  value: integer('value').notNull(),
  comment: text('comment'),
  createdAt: created(),
}, (t) => [
  // One verdict per answer and one per chat; a second vote replaces the first.
  uniqueIndex('ratings_target_idx').on(t.conversationId, t.kind, sql`coalesce(${t.messageId}, '00000000-0000-0000-0000-000000000000'::uuid)`),
  index('ratings_store_idx').on(t.storeId, t.kind, t.createdAt),
])

export const DELIVERY_CHANNELS = ['webhook', 'lead-http', 'lead-email'] as const
export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const
/** Outbound deliveries (signed webhooks, ADF/XML leads): the queue and the log staff read. */
export const deliveries = pgTable('deliveries', {
  id: uuid('id').primaryKey().defaultRandom(),
  storeId: text('store_id').notNull().references(() => stores.id),
  conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
  channel: text('channel', { enum: DELIVERY_CHANNELS }).notNull(),
  event: text('event').notNull(),
  target: text('target').notNull(),
  contentType: text('content_type').notNull().default('application/json'),
  payload: text('payload').notNull(),
  status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastStatus: integer('last_status'),
  lastError: text('last_error'),
  nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
  deliveredAt: ts('delivered_at'),
  createdAt: created(),
}, (t) => [
  index('deliveries_due_idx').on(t.status, t.nextAttemptAt),
  index('deliveries_store_idx').on(t.storeId, t.createdAt),
])

/** Per-dealer keys for the DMS push API; only a hash is kept, the key is shown once. */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  storeId: text('store_id').notNull().references(() => stores.id),
  name: text('name').notNull(),
  /** First characters of the key, shown in the admin list so a dealer can tell keys apart. */
  prefix: text('prefix').notNull(),
  hash: text('hash').notNull(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
  createdAt: created(),
}, (t) => [uniqueIndex('api_keys_hash_idx').on(t.hash), index('api_keys_store_idx').on(t.storeId)])

const day = (name: string) => date(name, { mode: 'string' })

/**
 * Insights rollups (src/insights/rollup.ts): for each store, time zone and complete store day, the additive
 * facts behind every chart, kept from `events`. Which columns a metric uses is documented in src/insights/daily.ts.
 */
export const insightsDaily = pgTable('insights_daily', {
  storeId: text('store_id').notNull(),
  timeZone: text('time_zone').notNull(),
  /** The store day whose events the fact counts (midnight to midnight in `time_zone`). */
  day: day('day').notNull(),
  /** The calendar day to chart it on, only where it differs from `day` (an hour repeated across midnight). */
  localDay: day('local_day'),
  metric: text('metric').notNull(),
  key: text('key'),
  /** Store days of other events the fact depends on (the latest handoff, a reply, a later vote). */
  ref: day('ref'),
  ref2: day('ref2'),
  value: doublePrecision('value'),
  dueAt: ts('due_at'),
  n: integer('n').notNull(),
  late: integer('late').notNull().default(0),
  /** First replies: each one's waited seconds and target minutes, so percentiles over any range are exact. */
  waits: doublePrecision('waits').array(),
  targets: doublePrecision('targets').array(),
}, (t) => [index('insights_daily_idx').on(t.storeId, t.timeZone, t.metric, t.day)])

/** The store days that `insights_daily` holds; a day missing here is read live from `events`. */
export const insightsDays = pgTable('insights_days', {
  storeId: text('store_id').notNull(),
  timeZone: text('time_zone').notNull(),
  day: day('day').notNull(),
  builtAt: ts('built_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.storeId, t.timeZone, t.day] })])

/** Per time zone, the last `events.id` whose effects the rollups include (newer events mark their days stale). */
export const insightsWatermarks = pgTable('insights_watermarks', {
  timeZone: text('time_zone').primaryKey(),
  eventId: bigint('event_id', { mode: 'number' }).notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
})
