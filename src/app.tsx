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
import { rows } from './db/client.ts'
import { sql } from 'drizzle-orm'

export function createApp(s: Services) {
  const app = new Hono()
  // Staff pages may never be framed; the rider chat may be, by the sites the dealer allows.
  const strict = secureHeaders({ referrerPolicy: 'same-origin' })
  const embeddable = secureHeaders({
    referrerPolicy: 'same-origin', xFrameOptions: false, crossOriginResourcePolicy: 'cross-origin',
    contentSecurityPolicy: { frameAncestors: ["'self'", ...s.config.widgetOrigins] },
  })
  app.use('*', (c, next) => (/^\/(chat|widget)(\/|$)|^\/static\/widget\.js$/.test(c.req.path) ? embeddable : strict)(c, next))
  // Form posts must come from our own pages; behind a TLS proxy PUBLIC_URL names the origin browsers send.
  app.use('*', csrf(s.config.publicUrl ? { origin: (o, c) => o === s.config.publicUrl || o === new URL(c.req.url).origin } : {}))

  app.get('/healthz', async (c) => {
    await rows(s.db, sql`select 1`)
    return c.json({ ok: true })
  })
  app.get('/', (c) => c.redirect('/chat'))
  app.route('/static', staticRoutes())
  app.route('/chat', chatRoutes(s))
  app.route('/inbox', inboxRoutes(s))
  app.route('/', authRoutes(s))
  app.route('/', staffRoutes(s))

  app.notFound((c) => c.text('Not found', 404))
  app.onError((err, c) => {
    if (err instanceof NotFound) return c.text(err.message, 404)
    if (err instanceof Forbidden) return c.text(err.message, 403)
    if (err instanceof InvalidTransition || err instanceof ClaimedByOther) return c.text(err.message, 409)
    if (err instanceof BadInput) return c.text(err.message, 400)
    if (err instanceof HTTPException) return err.getResponse()
    console.error(err)
    return c.text('Something went wrong on our side. Please try again.', 500)
  })
  return app
}
