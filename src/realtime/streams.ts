/**
 * The SSE streams open in this process: /metrics counts them, and shutdown drains them. Draining tells each
 * browser when to come back (an SSE `retry:` hint) and ends the stream; the browser reconnects (to another
 * machine, behind Fly's proxy) with Last-Event-ID and the replay from `events` fills the gap.
 */
import { metrics } from '../ops/metrics.ts'

export interface OpenStream {
  /** Ask the stream to send `retry: <ms>` and end; resolves when it has ended. */
  end(retryMs: number): Promise<void>
}

const open = new Set<OpenStream>()

export function trackStream(s: OpenStream): () => void {
  open.add(s)
  metrics.sseClients.set(open.size)
  return () => {
    open.delete(s)
    metrics.sseClients.set(open.size)
  }
}

export const openStreamCount = () => open.size

/**
 * Ends every open stream, each told to reconnect after a random 0.5 to 3 s so the browsers do not all
 * arrive at the surviving machines at once. Resolves with how many were open, after they ended or `timeoutMs`.
 */
export async function drainStreams(timeoutMs = 3000): Promise<number> {
  const streams = [...open]
  const ended = Promise.all(streams.map((s) => s.end(500 + Math.floor(Math.random() * 2500)).catch(() => {})))
  await Promise.race([ended, Bun.sleep(timeoutMs)])
  return streams.length
}
