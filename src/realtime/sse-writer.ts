import type { Context } from 'hono'
import { log, errorFields } from '../ops/log.ts'

/** One SSE message (as hono's writeSSE takes it). */
export interface SseMessage { event?: string; id?: string; data: string; retry?: number }

export interface SseWriter {
  readonly aborted: boolean
  readonly closed: boolean
  write(chunk: Uint8Array | string): Promise<void>
  /** Writes without waiting: for fan-out to many streams at once. While the socket has not taken it all, `backlogged`. */
  writeNow(chunk: Uint8Array | string): void
  /** A `writeNow` is still waiting for the socket (a slow reader): send through `write`, which waits. */
  readonly backlogged: boolean
  writeSSE(message: SseMessage): Promise<void>
  onAbort(listener: () => void): void
}

/** Bun's "direct" stream controller: writes go to the socket's buffer without a queue of chunks in between. */
interface DirectController { write(chunk: Uint8Array | string): number; flush(): number | Promise<number>; close(): void }

/** Text as SSE data lines (one `data:` line per line of the text), without the closing blank line. */
export const sseDataLines = (text: string): string => text.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n')

/** An SSE message as text: data lines, then event, id and retry fields (the field checks are hono's). */
export function sseText(m: SseMessage): string {
  for (const key of ['event', 'id'] as const) {
    if (m[key] && /[\r\n]/.test(m[key]!)) throw new Error(`${key} must not contain "\\r" or "\\n"`)
  }
  const lines = [m.event && `event: ${m.event}`, sseDataLines(m.data),
    m.id !== undefined && `id: ${m.id}`, m.retry !== undefined && `retry: ${m.retry}`]
  return lines.filter(Boolean).join('\n') + '\n\n'
}

/**
 * A text/event-stream response written through a Bun direct ReadableStream: each write goes straight to the
 * connection (hono's streamSSE passes every chunk through a TransformStream and a second ReadableStream, three
 * promise hops a write — with a thousand inbox streams that piping was a tenth of the server's CPU).
 * `run` starts at once, as with hono (what it writes before the body is first read waits in a list), and the
 * stream ends when it returns; a closed connection sets `aborted` and calls the onAbort listeners, even if the
 * body was never read, and writes after that are dropped.
 */
export function sseResponse(c: Context, run: (stream: SseWriter) => Promise<void>): Response {
  let controller: DirectController | undefined
  const pending: Array<Uint8Array | string> = []
  const listeners: Array<() => void> = []
  const state = { aborted: false, closed: false, backlogged: false }
  const abort = () => {
    if (state.aborted) return
    state.aborted = true
    for (const l of listeners.splice(0)) { try { l() } catch { /* a listener's failure is its own */ } }
  }
  const writer: SseWriter = {
    get aborted() { return state.aborted },
    get closed() { return state.closed },
    async write(chunk) {
      if (state.aborted || state.closed) return
      if (!controller) { pending.push(chunk); return }
      controller.write(chunk)
      await controller.flush()
    },
    writeNow(chunk) {
      if (state.aborted || state.closed) return
      if (!controller) { pending.push(chunk); return }
      controller.write(chunk)
      const flushed = controller.flush() as unknown
      if (!(flushed instanceof Promise)) return // taken by the socket (a byte count), or nothing to flush
      state.backlogged = true
      flushed.then(() => { state.backlogged = false }, () => { state.backlogged = false })
    },
    get backlogged() { return state.backlogged },
    writeSSE(message) { return writer.write(sseText(message)) },
    onAbort(listener) { if (state.aborted) listener(); else listeners.push(listener) },
  }
  const finished = (async () => {
    try {
      await run(writer)
    } catch (err) {
      log.error('event stream failed', errorFields(err))
    } finally {
      state.closed = true
    }
  })()
  const body = new ReadableStream({
    type: 'direct',
    async pull(ctl: DirectController) {
      controller = ctl
      for (const chunk of pending.splice(0)) ctl.write(chunk)
      await ctl.flush()
      await finished
      try { ctl.close() } catch { /* already closed by the client */ }
    },
    cancel: abort,
  } as unknown as UnderlyingDefaultSource)
  c.req.raw.signal?.addEventListener('abort', abort)
  return c.newResponse(body, 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
}
