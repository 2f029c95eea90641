import { keep } from '../ops/bounded.ts'
import type { Context } from 'hono'
import { getBunServer } from 'hono/bun'
import type { Server } from 'bun'
import { Fanout, isEphemeral, RESYNC, type Bus, type BusEvent } from './bus.ts'
import { trackStream } from './streams.ts'
import { LATE_COMMIT_IDS } from './events.ts'
import { sseDataLines, sseResponse } from './sse-writer.ts'
import { errorFields, log } from '../ops/log.ts'

export interface EventStreamOptions {
  bus: Bus
  /**
   * Where to start when the request names no position (neither Last-Event-ID from a reconnecting browser nor the
   * page's `?after=`): an id, or how to read it (then read only when needed: a page's stream always names one).
   */
  after: number | (() => Promise<number>)
  /** Which live events belong to this stream. */
  accept(e: BusEvent): boolean
  /**
   * Stored events after an id, for replay (oldest first). `resumed`: the stream was away (a browser reconnecting
   * with its Last-Event-ID, or the bus reconnecting after a database restart), so the late commits below the id that
   * it may have missed meanwhile are wanted too (`eventsSince`).
   */
  replay(afterId: number, resumed: boolean): Promise<BusEvent[]>
  /** HTML for one event (one or more <hx-partial> blocks), or null to skip it. */
  render(e: BusEvent): Promise<string | null>
  /**
   * For views re-rendered whole (the inbox list): stored events that queued up together become one frame
   * with the newest id, and ephemeral signals are ignored. Null writes nothing (the view did not change).
   */
  renderBatch?(events: BusEvent[]): Promise<string | null>
  /**
   * With `renderBatch`: at most one frame per this many ms (default BATCH_FLUSH_MS), so a burst of events
   * becomes one render and one frame per view, not one per event and stream; 0 sends every wake-up at once.
   */
  flushMs?: number
  /**
   * With `renderBatch`: streams showing the same thing (one inbox view of one staff member) name the same group. They
   * share one bus subscription, one flush timer and one render per flush (`prepare`), and each stream's frame is
   * then written synchronously from that render (`step`, which must be what `renderBatch` does after `prepare`):
   * a thousand open inboxes cost one filter per event and one socket write per stream and flush, with no promise
   * chain a stream. A stream still replaying, catching up after a resync or with a full socket takes its batches
   * through `renderBatch` instead. Every stream of a group must accept the same events: the first one's serve all.
   * Without a group, a batch stream is a group of its own (same throttle, its own subscription).
   */
  group?: BatchGroupOptions
  /**
   * The one conversation this stream shows (a rider's chat, a staff member's conversation page): the stream is
   * registered under it, so an event reaches only its own conversation's streams instead of every open stream
   * filtering it. `accept` still applies.
   */
  conversationId?: string
  keepAliveMs?: number
  /** Called every keep-alive tick while the stream is open (presence heartbeats). */
  onTick?: () => void
  onClose?: () => void
}

const encoder = new TextEncoder()
const encoded = new Map<string, Encoded>()
type Encoded = { data: Uint8Array; id: number; frame: Uint8Array }
let lastHtml: string | undefined
let lastEntry: Encoded | undefined

/**
 * One SSE message as bytes (data lines, then id). Encoded once for every stream sending the same string at the
 * same id — a fanned-out inbox frame is one allocation, not one a stream.
 */
function frameBytes(id: number, html: string): Uint8Array {
  // Every stream of a flush passes the same string: compared by identity first, hashed only when it changes.
  let e = html === lastHtml ? lastEntry : encoded.get(html)
  if (!e) {
    const data = encoder.encode(sseDataLines(html) + '\n')
    e = { data, id: -1, frame: data }
    keep(encoded, html, e, 32)
  }
  if (e.id !== id) {
    const tail = encoder.encode(`id: ${id}\n\n`)
    const frame = new Uint8Array(e.data.length + tail.length)
    frame.set(e.data)
    frame.set(tail, e.data.length)
    e.id = id
    e.frame = frame
  }
  lastHtml = html
  lastEntry = e
  return e.frame
}

/**
 * How often at most a re-rendered view (the inbox list) is sent. At a busy dealership's rate every rider message
 * is several events, and each would otherwise cost a render per view and a write per open inbox; streams send
 * at most one frame per window whatever the message rate, and the first change after a quiet window goes at once.
 */
export const BATCH_FLUSH_MS = 50

/**
 * Leading-and-trailing throttle shared by every stream: the first wake-up after a quiet window flushes on the
 * next macrotask (every stream woken by the same bus event joins it, so they share one render), later ones wait
 * for the end of the window — one timer for all streams, not one a stream.
 */
export class FlushClock {
  private leading?: Promise<void>
  private trailing?: Promise<void>
  private windowStart = -Infinity
  constructor(private readonly ms: number) {}
  next(): Promise<void> {
    if (this.leading) return this.leading
    if (this.trailing) return this.trailing
    const now = performance.now()
    if (now - this.windowStart >= this.ms) {
      this.windowStart = now
      this.leading = new Promise<void>((resolve) => setImmediate(() => { this.leading = undefined; resolve() }))
      return this.leading
    }
    this.trailing = new Promise<void>((resolve) => setTimeout(() => {
      this.trailing = undefined
      this.windowStart = performance.now()
      resolve()
    }, this.windowStart + this.ms - now))
    return this.trailing
  }
}

const clocks = new Map<number, FlushClock>()
const flushTick = (ms: number): Promise<void> => {
  let clock = clocks.get(ms)
  if (!clock) clocks.set(ms, (clock = new FlushClock(ms)))
  return clock.next()
}

export interface BatchGroupOptions {
  name: string
  /** The render every stream of the group shares for a batch. */
  prepare(batch: BusEvent[]): Promise<unknown>
  /** What this stream writes for a shared render (null: nothing changed for it, or nothing it must have now). */
  step(prepared: unknown): string | null
  /** What `step` held back (a count that can wait): every stream of the group is asked at once, `heldAfterMs` after the last flush. */
  held?(): string | null
  heldAfterMs?: number
}

interface GroupMember { take(batch: BusEvent[], prepared: unknown): void; resync(): void; release(): void }

/** The shared subscription of a group of batch streams: events queue once, and each flush renders once for all. */
class BatchGroup {
  private members = new Set<GroupMember>()
  private queue: BusEvent[] = []
  private scheduled = false
  private chain: Promise<void> = Promise.resolve()
  private releaseTimer?: ReturnType<typeof setTimeout>
  private readonly unsubscribe: () => void
  constructor(bus: Bus, accept: (e: BusEvent) => boolean, private readonly prepare: (batch: BusEvent[]) => Promise<unknown>,
    private readonly flushMs: number, private readonly onEmpty: () => void, private readonly heldAfterMs = 0) {
    this.unsubscribe = bus.subscribe((e) => {
      if (e.kind === RESYNC) { for (const m of this.members) m.resync(); return }
      if (isEphemeral(e) || !accept(e)) return
      this.queue.push(e)
      if (this.scheduled) return
      this.scheduled = true
      void (this.flushMs > 0 ? flushTick(this.flushMs) : Promise.resolve()).then(() => {
        this.scheduled = false
        // Flushes run one after another, so a slow render can never put an older frame after a newer one.
        this.chain = this.chain.then(() => this.flush())
      })
    })
  }
  private async flush() {
    const batch = this.queue.splice(0).sort((a, b) => a.id - b.id)
    if (!batch.length || !this.members.size) return
    let prepared: unknown
    try {
      prepared = await this.prepare(batch)
    } catch (err) {
      log.warn('inbox render failed; streams retry on the next change', errorFields(err))
      return
    }
    for (const m of this.members) m.take(batch, prepared)
    // What the streams held back goes to all of them together once the flushes stop (so they stay at one frame).
    if (this.heldAfterMs > 0) {
      clearTimeout(this.releaseTimer)
      this.releaseTimer = setTimeout(() => { for (const m of this.members) m.release() }, this.heldAfterMs)
    }
  }
  join(m: GroupMember): () => void {
    this.members.add(m)
    return () => {
      if (!this.members.delete(m) || this.members.size) return
      clearTimeout(this.releaseTimer)
      this.unsubscribe()
      this.onEmpty()
    }
  }
}

const groups = new WeakMap<Bus, Map<string, BatchGroup>>()

/** One bus subscription per process for every conversation stream, each event handed to its conversation's streams. */
const byConversation = new WeakMap<Bus, { streams: Map<string, Fanout>; unsubscribe: () => void }>()

function subscribeConversation(bus: Bus, conversationId: string, listener: (e: BusEvent) => void): () => void {
  let index = byConversation.get(bus)
  if (!index) {
    const streams = new Map<string, Fanout>()
    const unsubscribe = bus.subscribe((e) => {
      if (e.kind === RESYNC) { for (const fan of streams.values()) fan.emit(e); return }
      if (e.conversationId) streams.get(e.conversationId)?.emit(e)
    })
    byConversation.set(bus, (index = { streams, unsubscribe }))
  }
  const { streams } = index
  let fan = streams.get(conversationId)
  if (!fan) streams.set(conversationId, (fan = new Fanout()))
  const off = fan.subscribe(listener)
  let done = false
  return () => {
    if (done) return
    done = true
    off()
    if (fan!.size) return
    streams.delete(conversationId)
    if (!streams.size && byConversation.get(bus) === index) { index!.unsubscribe(); byConversation.delete(bus) }
  }
}

let loneStreams = 0

/** Events a grouped stream keeps while it cannot write (catching up, or its reader is slow). */
export const MAX_BACKLOG = 256

function joinGroup(bus: Bus, o: BatchGroupOptions, accept: (e: BusEvent) => boolean, flushMs: number, member: GroupMember): () => void {
  let byName = groups.get(bus)
  if (!byName) groups.set(bus, (byName = new Map()))
  const key = `${flushMs}\n${o.name}`
  let g = byName.get(key)
  if (!g) byName.set(key, (g = new BatchGroup(bus, accept, o.prepare, flushMs, () => { if (byName!.get(key) === g) byName!.delete(key) }, o.heldAfterMs)))
  return g.join(member)
}

export const lastEventId = (c: Context, fallback: number): number => {
  const raw = c.req.header('last-event-id') ?? c.req.query('after')
  const n = raw && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN
  return Number.isFinite(n) ? n : fallback
}

/**
 * The ids a conversation stream sent lately: with its position (the highest id sent, which the browser's
 * Last-Event-ID resumes from), a late commit below the position is sent once and a repeat never.
 */
class RecentIds {
  private ids = new Set<number>()
  fresh(id: number, position: number): boolean {
    return id > position || (id > position - LATE_COMMIT_IDS && !this.ids.has(id))
  }
  add(id: number) {
    this.ids.add(id)
    if (this.ids.size > 256) this.ids.delete(this.ids.values().next().value!)
  }
}

/**
 * An SSE stream that never misses an event: it subscribes first, replays from `events` after the
 * client's last id, then drains live events in id order, skipping any it already sent. An event that commits after
 * a higher id was sent is still sent (a conversation stream sends it under its own id, then puts the position back;
 * a re-rendered view just renders again).
 */
export async function eventStream(c: Context, o: EventStreamOptions): Promise<Response> {
  // Bun's idle timer (10 s default) would cut a quiet stream; c.env is absent under app.request().
  if (c.env) getBunServer<Server<undefined>>(c)?.timeout(c.req.raw, 0)
  let sent = lastEventId(c, -1)
  // A reconnecting browser: late commits below its position may have been missed, and a re-rendered view is sent whole.
  const resumed = sent >= 0 && !!c.req.header('last-event-id')
  // Read before the response goes out: a client that acts once the stream is open sees what follows.
  if (sent < 0) sent = typeof o.after === 'number' ? o.after : await o.after()
  const recent = new RecentIds()
  return sseResponse(c, async (stream) => {
    const queue: BusEvent[] = []
    let wake: (() => void) | undefined
    let resync = false
    // Set by shutdown (drainStreams): send a retry hint and end, so the browser reconnects elsewhere.
    let endRetry: number | undefined
    let ended!: () => void
    const done = new Promise<void>((r) => { ended = r })
    const untrack = trackStream({ end: (ms) => { endRetry = ms; wake?.(); return done } })
    const flushMs = o.flushMs ?? BATCH_FLUSH_MS
    // Every batch stream goes through a group; one without a group of its own is a group of one.
    const group = o.renderBatch ? (o.group ?? { name: `stream ${++loneStreams}`, prepare: o.renderBatch, step: (html) => html as string | null }) : undefined
    const subscribe = (fn: (e: BusEvent) => void) => (o.conversationId ? subscribeConversation(o.bus, o.conversationId, fn) : o.bus.subscribe(fn))
    // A grouped stream writes straight from its group's render once it is live (replayed, caught up, socket keeping up).
    let live = false
    // Whether a group's frame can be written straight away (else it waits in the queue for the stream's own path).
    const writable = () => live && !resync && !queue.length && !stream.backlogged
    const unsubscribe = group
      ? joinGroup(o.bus, group, o.accept, flushMs, {
        take: (batch, prepared) => {
          if (!writable()) {
            for (const e of batch) queue.push(e)
            // A reader that stopped reading must not grow this without end: the frame shows the whole list as it is
            // now, so only the newest events matter (older handoff notices are dropped with them).
            if (queue.length > MAX_BACKLOG) queue.splice(0, queue.length - MAX_BACKLOG)
            wake?.()
            return
          }
          // A whole view is rendered again: a batch of late commits (ids below the position) changes it too.
          sent = Math.max(sent, batch[batch.length - 1].id)
          const html = group.step(prepared)
          if (html) stream.writeNow(frameBytes(sent, html))
        },
        resync: () => { resync = true; wake?.() },
        release: () => {
          if (!writable()) return
          const html = group.held?.()
          if (html) stream.writeNow(frameBytes(sent, html))
        },
      })
      : subscribe((e) => {
        if (e.kind === RESYNC) { resync = true; wake?.(); return }
        if (!o.accept(e)) return
        queue.push(e)
        wake?.()
      })
    stream.onAbort(() => { unsubscribe(); wake?.() })
    const send = async (e: BusEvent) => {
      if (isEphemeral(e)) {
        const html = await o.render(e)
        if (html) await stream.writeSSE({ data: html })
        return
      }
      if (!recent.fresh(e.id, sent)) return
      recent.add(e.id)
      const late = e.id < sent
      if (!late) sent = e.id
      const html = await o.render(e)
      await stream.writeSSE({ id: String(e.id), data: html ?? '' })
      // A late commit goes out under its own id; an id-only message then puts the browser's Last-Event-ID back at the
      // position (the SSE parser records an id without dispatching anything), so a reconnect resumes from there.
      if (late) await stream.write(`id: ${sent}\n\n`)
    }
    /** `always`: render even when no event came (the view as it is now). */
    const sendBatch = async (batch: BusEvent[], always = false) => {
      const fresh = batch.filter((e) => !isEphemeral(e))
      if (!fresh.length && !always) return
      sent = Math.max(sent, fresh.at(-1)?.id ?? sent)
      const html = await o.renderBatch!(fresh)
      if (html) await stream.write(frameBytes(sent, html))
    }
    /** `away`: late commits below the position may have been missed (what this stream sent, it does not send again). */
    const replayMissed = async (away: boolean) => {
      const replayed = await o.replay(sent, away)
      if (o.renderBatch) await sendBatch(replayed, away)
      else for (const e of replayed) await send(e)
    }
    try {
      await stream.writeSSE({ event: 'ready', data: String(sent) })
      await replayMissed(resumed)
      live = !!group && !resync && !queue.length
      o.onTick?.()
      const keepAlive = setInterval(() => {
        void stream.write(': keepalive\n\n').catch(() => {})
        o.onTick?.()
      }, o.keepAliveMs ?? 6000)
      try {
        while (!stream.aborted && !stream.closed && endRetry === undefined) {
          if (queue.length === 0 && !resync && endRetry === undefined) await new Promise<void>((r) => { wake = r })
          wake = undefined
          // The bus reconnected (database restart): what was published meanwhile is only in `events`.
          if (resync) { resync = false; await replayMissed(true) }
          queue.sort((a, b) => a.id - b.id) // ephemeral signals (id 0) go first: they are never stale-sensitive
          if (o.renderBatch) await sendBatch(queue.splice(0))
          else while (queue.length) await send(queue.shift()!)
          live = !!group && !resync && !queue.length && !stream.backlogged
        }
        // A named event: htmx's SSE extension applies `retry` only from a message with data or a name.
        if (endRetry !== undefined && !stream.aborted) await stream.writeSSE({ event: 'reconnect', data: '', retry: endRetry }).catch(() => {})
      } finally {
        clearInterval(keepAlive)
      }
    } finally {
      unsubscribe()
      untrack()
      o.onClose?.()
      ended()
    }
  })
}
