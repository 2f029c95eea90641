import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { secureHeaders } from 'hono/secure-headers'
import { HTTPException } from 'hono/http-exception'
import type { Services } from './deps.ts'
import { Forbidden, NotFound } from './conversations/store.ts'
import { InvalidTransition } from './conversations/state.ts'
import { BadInput, ClaimedByOther } from './conversations/staff.ts'
import { authRoutes } from './routes/auth.tsx'
import { chatRoutes } from './routes/chat.tsx'
import { inboxRoutes } from './routes/inbox.tsx'
import { staticRoutes } from './routes/static.ts'
import { staffRoutes } from './routes/staff.tsx'
import { insightsRoutes } from './routes/insights.tsx'
import { apiRoutes } from './routes/api.ts'
import { integrationRoutes } from './routes/integrations.tsx'
import { isDatabaseUnavailable } from './db/errors.ts'
import { databaseUnavailable } from './routes/unavailable.tsx'
import { BODY_LIMITS, sizeLimit } from './routes/limits.ts'
import { opsRoutes, type OpsOptions } from './routes/ops.ts'
import { accessLog, requestIds } from './ops/http.ts'
import { errorFields, log } from './ops/log.ts'

export function createApp(s: Services, ops: OpsOptions = {}) {
  const app = new Hono()
  // First, so the log line and the latency cover everything after (request id echoed in X-Request-Id).
  app.use('*', requestIds(), accessLog())
  const staffSizeLimit = sizeLimit(BODY_LIMITS.staff)
  // Staff pages may never be framed; the rider chat may be, by the sites the dealer allows.
  // Scripts and styles come only from our files (htmx 4 needs no eval unless hx-on/js: is used, and we use neither).
  const csp = {
    defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
    fontSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"],
  }
  const strict = secureHeaders({ referrerPolicy: 'same-origin', xFrameOptions: 'DENY', contentSecurityPolicy: { ...csp, frameAncestors: ["'none'"] } })
  const embeddable = secureHeaders({
    referrerPolicy: 'same-origin', xFrameOptions: false, crossOriginResourcePolicy: 'cross-origin',
    contentSecurityPolicy: { ...csp, frameAncestors: ["'self'", ...s.config.widgetOrigins] },
  })
  app.use('*', (c, next) => (/^\/(chat|widget)(\/|$)|^\/static\/widget\.js$/.test(c.req.path) ? embeddable : strict)(c, next))
  // Form posts must come from our own pages; behind a TLS proxy PUBLIC_URL names the origin browsers send.
  // Bodies are capped before anything reads them: small for the public chat, larger for staff forms (/api sets its own).
  app.use('/chat/*', sizeLimit(BODY_LIMITS.chat))
  app.use('*', (c, next) => (c.req.path.startsWith('/chat/') || c.req.path.startsWith('/api/') ? next() : staffSizeLimit(c, next)))
  const sameOrigin = csrf(s.config.publicUrl ? { origin: (o, c) => o === s.config.publicUrl || o === new URL(c.req.url).origin } : {})
  // The DMS API authenticates with bearer keys, never cookies, so a forged cross-site request carries nothing to abuse.
  app.use('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : sameOrigin(c, next)))

  app.route('/', opsRoutes(s, ops))
  app.get('/', (c) => c.redirect('/chat'))
  app.route('/static', staticRoutes())
  app.route('/chat', chatRoutes(s))
  app.route('/inbox', inboxRoutes(s))
  app.route('/', authRoutes(s))
  app.route('/', staffRoutes(s))
  app.route('/insights', insightsRoutes(s))
  app.route('/', integrationRoutes(s))
  app.route('/api/v1', apiRoutes(s))

  app.notFound((c) => c.text('Not found', 404))
  app.onError((err, c) => {
    if (err instanceof NotFound) return c.text(err.message, 404)
    if (err instanceof Forbidden) return c.text(err.message, 403)
    if (err instanceof InvalidTransition || err instanceof ClaimedByOther) return c.text(err.message, 409)
    if (err instanceof BadInput) return c.text(err.message, 400)
    if (err instanceof HTTPException) return err.getResponse()
    // A database restart or failover: the same request works in a moment, so say so (503 + Retry-After).
    if (isDatabaseUnavailable(err)) return databaseUnavailable(c)
    log.error('unhandled error', { ...errorFields(err, true), method: c.req.method, path: c.req.path, requestId: c.get('requestId' as never) as string | undefined })
    return c.text('Something went wrong on our side. Please try again.', 500)
  })
  return app
}
