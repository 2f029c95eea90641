import { Hono, type MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import type { Services } from '../deps.ts'
import { readiness } from '../ops/readiness.ts'
import { registry } from '../ops/metrics.ts'

export interface OpsOptions {
  /** True once shutdown has begun: /readyz answers 503 so the proxy sends new requests elsewhere. */
  draining?: () => boolean
}

/** GET /metrics in Prometheus text format. */
export const metricsHandler = async () =>
  new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } })

/**
 * Who may read /metrics on the public port: with METRICS_TOKEN, bearers of it; else, when METRICS_PORT
 * serves it privately, nobody (404); else everyone (a local or development server).
 */
function metricsGate(s: Services): MiddlewareHandler {
  const { token, port } = s.config.metrics
  if (token) return bearerAuth({ token })
  if (port) return (c) => Promise.resolve(c.text('Not found', 404))
  return (_c, next) => next()
}

/** Liveness (/healthz: the process answers), readiness (/readyz: worth sending traffic to) and metrics. */
export function opsRoutes(s: Services, opts: OpsOptions = {}) {
  const app = new Hono()
  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/readyz', async (c) => {
    const r = await readiness(s, { draining: opts.draining?.() })
    return c.json(r, r.ready ? 200 : 503, { 'cache-control': 'no-store' })
  })
  app.get('/metrics', metricsGate(s), metricsHandler)
  return app
}
