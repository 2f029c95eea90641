import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { getBunServer } from 'hono/bun'
import type { Server } from 'bun'
import { isEphemeral, RESYNC, type Bus, type BusEvent } from './bus.ts'
import { trackStream } from './streams.ts'

export interface EventStreamOptions {
  bus: Bus
  /** Id the page was rendered at; Last-Event-ID from a reconnecting browser wins over it. */
  after: number
  /** Which live events belong to this stream. */
  accept(e: BusEvent): boolean
  /** Stored events after an id, for replay (oldest first). */
  replay(afterId: number): Promise<BusEvent[]>
  /** HTML for one event (one or more <hx-partial> blocks), or null to skip it. */
  render(e: BusEvent): Promise<string | null>
  /**
   * For views re-rendered whole (the inbox list): stored events that queued up together become one frame
   * with the newest id, and ephemeral signals are ignored. Null writes nothing (the view did not change).
   */
  renderBatch?(events: BusEvent[]): Promise<string | null>
  keepAliveMs?: number
  /** Called every keep-alive tick while the stream is open (presence heartbeats). */
  onTick?: () => void
  onClose?: () => void
}

const encoder = new TextEncoder()
const encoded = new Map<string, Uint8Array>()

/**
 * One SSE message as bytes, as hono's writeSSE would write it (data lines, then id). The data lines are encoded
 * once for every stream sending the same string: a fanned-out inbox frame is encoded once, not once a stream.
 */
function frameBytes(id: number, html: string): Uint8Array {
  let data = encoded.get(html)
  if (!data) {
    data = encoder.encode(html.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n') + '\n')
    encoded.set(html, data)
    if (encoded.size > 32) encoded.delete(encoded.keys().next().value!)
  }
  const tail = encoder.encode(`id: ${id}\n\n`)
  const out = new Uint8Array(data.length + tail.length)
  out.set(data)
  out.set(tail, data.length)
  return out
}

export const lastEventId = (c: Context, fallback: number): number => {
  const raw = c.req.header('last-event-id') ?? c.req.query('after')
  const n = raw && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN
  return Number.isFinite(n) ? n : fallback
}

/**
 * An SSE stream that never misses an event: it subscribes first, replays from `events` after the
 * client's last id, then drains live events in id order, skipping any it already sent.
 */
export function eventStream(c: Context, o: EventStreamOptions) {
  // Bun's idle timer (10 s default) would cut a quiet stream; c.env is absent under app.request().
  if (c.env) getBunServer<Server<undefined>>(c)?.timeout(c.req.raw, 0)
  let sent = lastEventId(c, o.after)
  return streamSSE(c, async (stream) => {
    const queue: BusEvent[] = []
    let wake: (() => void) | undefined
    let resync = false
    // Set by shutdown (drainStreams): send a retry hint and end, so the browser reconnects elsewhere.
    let endRetry: number | undefined
    let ended!: () => void
    const done = new Promise<void>((r) => { ended = r })
    const untrack = trackStream({ end: (ms) => { endRetry = ms; wake?.(); return done } })
    const unsubscribe = o.bus.subscribe((e) => {
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
      if (e.id <= sent) return
      sent = e.id
      const html = await o.render(e)
      await stream.writeSSE({ id: String(e.id), data: html ?? '' })
    }
    const sendBatch = async (batch: BusEvent[]) => {
      const fresh = batch.filter((e) => !isEphemeral(e) && e.id > sent)
      if (!fresh.length) return
      sent = fresh[fresh.length - 1].id
      const html = await o.renderBatch!(fresh)
      if (html) await stream.write(frameBytes(sent, html))
    }
    const replayMissed = async () => {
      if (o.renderBatch) await sendBatch(await o.replay(sent))
      else for (const e of await o.replay(sent)) await send(e)
    }
    try {
      await stream.writeSSE({ event: 'ready', data: String(sent) })
      await replayMissed()
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
          if (resync) { resync = false; await replayMissed() }
          queue.sort((a, b) => a.id - b.id) // ephemeral signals (id 0) go first: they are never stale-sensitive
          if (o.renderBatch) await sendBatch(queue.splice(0))
          else while (queue.length) await send(queue.shift()!)
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
