import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { getBunServer } from 'hono/bun'
import type { Server } from 'bun'
import { isEphemeral, type Bus, type BusEvent } from './bus.ts'

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
  keepAliveMs?: number
  /** Called every keep-alive tick while the stream is open (presence heartbeats). */
  onTick?: () => void
  onClose?: () => void
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
    const unsubscribe = o.bus.subscribe((e) => {
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
    try {
      await stream.writeSSE({ event: 'ready', data: String(sent) })
      for (const e of await o.replay(sent)) await send(e)
      o.onTick?.()
      const keepAlive = setInterval(() => {
        void stream.write(': keepalive\n\n').catch(() => {})
        o.onTick?.()
      }, o.keepAliveMs ?? 6000)
      try {
        while (!stream.aborted && !stream.closed) {
          if (queue.length === 0) await new Promise<void>((r) => { wake = r })
          wake = undefined
          queue.sort((a, b) => a.id - b.id) // ephemeral signals (id 0) go first: they are never stale-sensitive
          while (queue.length) await send(queue.shift()!)
        }
      } finally {
        clearInterval(keepAlive)
      }
    } finally {
      unsubscribe()
      o.onClose?.()
    }
  })
}
