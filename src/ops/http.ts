import type { MiddlewareHandler } from 'hono'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import { log } from './log.ts'
import { metrics } from './metrics.ts'

/** X-Request-Id: the incoming one when it is sane (Fly's proxy or a caller set it), else a new UUID; echoed back. */
export const requestIds = (): MiddlewareHandler => requestId()

/**
 * One JSON log line and one histogram sample per request: method, path (never the query string, which can
 * carry what a rider typed), status, milliseconds, request id. SSE streams are logged when their headers go out.
 */
export const accessLog = (): MiddlewareHandler => async (c, next) => {
  const started = performance.now()
  await next()
  const ms = performance.now() - started
  const status = c.res.status
  // The route pattern (/chat/:id), not the path, keeps the label set small; unmatched requests share one value.
  const pattern = routePath(c)
  const route = !pattern || pattern.endsWith('*') ? (status === 404 ? 'unmatched' : 'other') : pattern
  metrics.httpDuration.observe({ method: c.req.method, route, status: `${Math.floor(status / 100)}xx` }, ms / 1000)
  log.info('request', {
    method: c.req.method, path: c.req.path, route, status, ms: Math.round(ms * 10) / 10,
    requestId: c.get('requestId' as never) as string | undefined,
  })
}
