import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { getConnInfo } from 'hono/bun'
import { rateLimiter } from 'hono-rate-limiter'
import type { Config } from '../config.ts'

/** Request size, request rate and open-stream limits for hostile or runaway clients (see SECURITY.md). */

/** The rider chat posts short messages; staff forms (settings, canned replies) are larger. */
export const BODY_LIMITS = { chat: 16 * 1024, staff: 256 * 1024 } as const

/** The client's address: Fly's Fly-Client-IP only when TRUST_PROXY says a proxy sets it, else the socket's. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  const fly = trustProxy ? c.req.header('fly-client-ip')?.trim() : undefined
  if (fly) return fly
  try { return getConnInfo(c).remote.address ?? 'local' } catch { return 'local' } // no socket under app.request()
}

/** 413 with a sentence a person can act on; JSON callers get JSON. */
export function sizeLimit(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => {
      const error = `The request is too large (at most ${Math.round(maxSize / 1024)} KB).`
      return (c.req.header('content-type') ?? '').includes('json') ? c.json({ error }, 413) : c.text(error, 413)
    },
  })
}

/**
 * Per-visitor and per-IP write limits on the public chat (fixed one-minute windows, in memory per instance).
 * `tooMany` renders the rider-facing answer; a limit of 0 is off.
 */
export function chatRateLimits<E extends { Variables: { visitorId: string } }>(
  config: Config, tooMany: (c: Context<E>, retryAfter: number) => Response | Promise<Response>,
): MiddlewareHandler<E>[] {
  const windowMs = 60_000
  const limiter = (limit: number, key: (c: Context<E>) => string): MiddlewareHandler<E> => rateLimiter<E>({
    windowMs, limit, standardHeaders: 'draft-7', keyGenerator: key,
    handler: (c) => {
      const info = c.get('rateLimit' as never) as { resetTime?: Date } | undefined
      const retryAfter = Math.max(1, Math.ceil(((info?.resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000))
      c.header('Retry-After', String(retryAfter))
      return tooMany(c, retryAfter)
    },
  }) as MiddlewareHandler<E>
  const out: MiddlewareHandler<E>[] = []
  if (config.chatRate.perIp > 0) out.push(limiter(config.chatRate.perIp, (c) => `ip:${clientAddress(c, config.trustProxy)}`))
  if (config.chatRate.perVisitor > 0) out.push(limiter(config.chatRate.perVisitor, (c) => `visitor:${c.get('visitorId')}`))
  return out
}

/** Counts open SSE streams per client; `acquire` answers null when the client already holds the maximum. */
export class StreamSlots {
  private open = new Map<string, number>()
  constructor(private max: number) {}

  acquire(key: string): (() => void) | null {
    const n = this.open.get(key) ?? 0
    if (this.max > 0 && n >= this.max) return null
    this.open.set(key, n + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.open.get(key) ?? 1) - 1
      if (left <= 0) this.open.delete(key)
      else this.open.set(key, left)
    }
  }
}

export const TOO_MANY_STREAMS = 'Too many live connections are open from this browser. Close a tab and reload.'
