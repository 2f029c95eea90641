import { Hono } from 'hono'
import { rateLimiter } from 'hono-rate-limiter'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { endSession, SESSION_HOURS, startSession, verifyLogin } from '../staff/accounts.ts'
import { LoginPage } from '../../views/pages/LoginPage.tsx'
import { parseBody, secureCookies, SESSION_COOKIE } from './middleware.ts'
import { clientAddress } from './limits.ts'

const LoginInput = v.object({
  email: v.pipe(v.string('is required'), v.trim(), v.email('must be an email address'), v.maxLength(200)),
  password: v.pipe(v.string('is required'), v.minLength(1, 'is required'), v.maxLength(200)),
  next: v.optional(v.string()),
})

/** Only local paths are followed after login, never another site. */
const safeNext = (next?: string) => (next && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : '/inbox')

export function authRoutes(s: Services) {
  const app = new Hono()
  const html = async (jsx: unknown, status: 200 | 400 | 401 | 429 = 200) => new Response('<!doctype html>' + (await (jsx as Promise<string>)), {
    status, headers: { 'content-type': 'text/html; charset=UTF-8' },
  })

  app.get('/login', (c) => html(<LoginPage next={safeNext(c.req.query('next'))} />))

  // Failed sign-ins per client address: 10 per 15 minutes, then 429 until the window passes.
  app.post('/login', rateLimiter({
    windowMs: 15 * 60_000, limit: 10, standardHeaders: 'draft-7', skipSuccessfulRequests: true,
    keyGenerator: (c) => clientAddress(c, s.config.trustProxy),
    handler: (c) => html(<LoginPage error="Too many failed sign-ins. Wait 15 minutes and try again." />, 429),
  }))
  app.post('/login', async (c) => {
    const parsed = await parseBody(c, LoginInput)
    if (!parsed.ok) return html(<LoginPage error={parsed.issues.map((i) => `${i.field}: ${i.message}`).join('; ')} />, 400)
    const user = await verifyLogin(s.db, parsed.data.email, parsed.data.password)
    if (!user) return html(<LoginPage error="Email or password is wrong." email={parsed.data.email} next={parsed.data.next} />, 401)
    // No fixation: whatever session cookie came in is ended, and a new token is issued.
    const previous = getCookie(c, SESSION_COOKIE)
    if (previous) await endSession(s.db, previous)
    const token = await startSession(s.db, user.id, s.now())
    setCookie(c, SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'Lax', secure: secureCookies(s), maxAge: SESSION_HOURS * 3600 })
    return c.redirect(safeNext(parsed.data.next), 303)
  })

  app.post('/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE)
    if (token) await endSession(s.db, token)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.redirect('/login', 303)
  })
  return app
}
