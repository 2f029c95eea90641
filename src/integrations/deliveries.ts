import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { deliveries, DELIVERY_CHANNELS } from '../db/schema.ts'
import { closeMailers, sendDelivery, type SendResult } from './senders.ts'

export type Delivery = typeof deliveries.$inferSelect
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number]

export interface NewDelivery {
  storeId: string
  conversationId?: string | null
  channel: DeliveryChannel
  event: string
  target: string
  contentType?: string
  payload: string
  /** Given when the payload must name its own delivery (webhook receivers dedupe on it). */
  id?: string
}

export interface DeliveryOptions {
  /** Attempts before a delivery is marked failed (default 8). */
  maxAttempts?: number
  /** First retry delay; each later one is 4x longer (default 30 s), capped at maxDelayMs (default 6 h). */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Per-attempt HTTP/SMTP timeout (default 10 s). */
  timeoutMs?: number
  /** How many due rows one pass claims (default 20). */
  batch?: number
  /** Tests inject a fetch; the server uses the global one. */
  fetch?: typeof fetch
}

/** What the queue needs from the running services. */
export interface QueueDeps {
  db: Db
  config: Config
  now(): Date
  deliveryOptions?: DeliveryOptions
  /** The running worker, nudged after an enqueue so deliveries go out at once rather than on the next tick. */
  deliveryWorker?: { kick(): void }
}

const DEFAULTS = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 6 * 3600_000, timeoutMs: 10_000, batch: 20 }
const opts = (d: QueueDeps) => ({ ...DEFAULTS, ...d.deliveryOptions })

/** Delay before attempt `attempts + 1`, after `attempts` failures: base, 4x base, 16x base, … capped. */
export function backoffMs(attempts: number, o: Pick<typeof DEFAULTS, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(o.maxDelayMs, o.baseDelayMs * 4 ** Math.max(0, attempts - 1))
}

export async function enqueue(d: QueueDeps, item: NewDelivery): Promise<Delivery> {
  const [row] = await d.db.insert(deliveries).values({
    id: item.id ?? randomUUID(), storeId: item.storeId, conversationId: item.conversationId ?? null, channel: item.channel,
    event: item.event, target: item.target, contentType: item.contentType ?? 'application/json', payload: item.payload,
    nextAttemptAt: d.now(), createdAt: d.now(),
  }).returning()
  d.deliveryWorker?.kick()
  return row
}

/**
 * Claims due rows by pushing their next attempt past the send timeout (a lease) in one statement.
 * `FOR UPDATE SKIP LOCKED` lets several server processes claim side by side without ever taking the same
 * row; a process that dies mid-send leaves a row that falls due again when its lease runs out.
 */
async function claimDue(d: QueueDeps, now: Date): Promise<Delivery[]> {
  const o = opts(d)
  const due = d.db.select({ id: deliveries.id }).from(deliveries)
    .where(and(inArray(deliveries.status, ['pending', 'retrying']), lte(deliveries.nextAttemptAt, now)))
    .orderBy(asc(deliveries.nextAttemptAt)).limit(o.batch)
    .for('update', { skipLocked: true })
  return d.db.update(deliveries)
    .set({ attempts: sql`${deliveries.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + o.timeoutMs * 2 + 60_000) })
    .where(inArray(deliveries.id, due))
    .returning()
}

async function record(d: QueueDeps, row: Delivery, r: SendResult, now: Date): Promise<void> {
  const o = opts(d)
  const lastStatus = r.status ?? null
  if (r.ok) {
    await d.db.update(deliveries).set({ status: 'delivered', lastStatus, lastError: null, deliveredAt: now }).where(eq(deliveries.id, row.id))
    return
  }
  const giveUp = r.permanent || row.attempts >= o.maxAttempts
  await d.db.update(deliveries).set({
    status: giveUp ? 'failed' : 'retrying', lastStatus, lastError: (r.error ?? 'failed').slice(0, 500),
    nextAttemptAt: new Date(now.getTime() + (giveUp ? 0 : backoffMs(row.attempts, o))),
  }).where(eq(deliveries.id, row.id))
}

/** One pass: claims what is due, sends it, records each outcome; returns how many were attempted. */
export async function runDue(d: QueueDeps): Promise<number> {
  const now = d.now()
  const claimed = await claimDue(d, now)
  const o = opts(d)
  await Promise.all(claimed.map(async (row) => {
    let result: SendResult
    try {
      result = await sendDelivery({ db: d.db, config: d.config, fetch: o.fetch, timeoutMs: o.timeoutMs }, row)
    } catch (err) {
      result = { ok: false, error: (err as Error).message }
    }
    await record(d, row, result, d.now())
  }))
  return claimed.length
}

export interface DeliveryWorker {
  /** Runs a pass soon (after an enqueue or a staff retry). */
  kick(): void
  stop(): Promise<void>
}

/** Polls the queue every `tickMs`; one pass at a time, and a kick during a pass runs another after it. */
export function startDeliveryWorker(d: QueueDeps, tickMs = 2000, log: (line: string) => void = console.error): DeliveryWorker {
  let running: Promise<number> | undefined
  let again = false
  let stopped = false
  const pass = (): Promise<number> => {
    if (running) { again = true; return running }
    running = (async () => {
      let total = 0
      try {
        // A full batch means more may be due: keep going rather than wait for the next tick.
        for (let n = opts(d).batch; (again || n >= opts(d).batch) && !stopped;) { again = false; n = await runDue(d); total += n }
      } catch (err) {
        log(`deliveries: ${(err as Error).message}`)
      }
      return total
    })().finally(() => { running = undefined })
    return running
  }
  const timer = setInterval(() => { if (!stopped) void pass() }, tickMs)
  return {
    kick() { if (!stopped) setTimeout(() => void pass(), 0) },
    async stop() {
      stopped = true
      clearInterval(timer)
      // A send in flight keeps its lease; if shutdown cuts it off, the row falls due again and another pass sends it.
      let timeout: ReturnType<typeof setTimeout> | undefined
      await Promise.race([running, new Promise((r) => { timeout = setTimeout(r, 5000) })])
      clearTimeout(timeout)
      closeMailers()
    },
  }
}

/** Staff asked to try a failed delivery again: it goes out on the next pass; a failure fails it again at once. */
export async function retryDelivery(d: QueueDeps, storeId: string, id: string): Promise<Delivery | undefined> {
  const [row] = await d.db.update(deliveries).set({ status: 'pending', nextAttemptAt: d.now() })
    .where(and(eq(deliveries.id, id), eq(deliveries.storeId, storeId), eq(deliveries.status, 'failed'))).returning()
  if (row) d.deliveryWorker?.kick()
  return row
}

export async function listDeliveries(
  db: Db, storeId: string, q: { conversationId?: string; channel?: DeliveryChannel[]; status?: Delivery['status']; limit?: number } = {},
): Promise<Delivery[]> {
  const conds = [eq(deliveries.storeId, storeId)]
  if (q.status) conds.push(eq(deliveries.status, q.status))
  if (q.conversationId) conds.push(eq(deliveries.conversationId, q.conversationId))
  if (q.channel) conds.push(inArray(deliveries.channel, q.channel))
  return db.select().from(deliveries).where(and(...conds)).orderBy(desc(deliveries.createdAt)).limit(q.limit ?? 200)
}
