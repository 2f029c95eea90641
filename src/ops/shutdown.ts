import type { Server } from 'bun'
import { drainStreams } from '../realtime/streams.ts'
import { log } from './log.ts'

export interface ShutdownOptions {
  /** How long SSE streams get to send their retry hint and end. */
  streamsMs?: number
  /** How long in-flight requests (a rider's message being answered) get to finish, in all. */
  graceMs?: number
}

/**
 * Graceful stop: refuse new connections, end SSE streams with a reconnect hint (the browsers come back to
 * another machine and replay what they missed by Last-Event-ID), let in-flight requests finish, then cut
 * whatever is left. Fly's kill_timeout (15 s in fly.toml) must exceed `graceMs`.
 */
export async function stopServer(server: Server<unknown>, opts: ShutdownOptions = {}): Promise<void> {
  const started = performance.now()
  const graceMs = opts.graceMs ?? 8000
  void server.stop() // stops listening; resolves only when every connection is gone, which we wait for below
  const streams = await drainStreams(opts.streamsMs ?? 3000)
  while (server.pendingRequests > 0 && performance.now() - started < graceMs) await Bun.sleep(25)
  const cut = server.pendingRequests
  await server.stop(true)
  log.info('server stopped', { streams, cutRequests: cut, ms: Math.round(performance.now() - started) })
}
