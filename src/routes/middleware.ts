import { randomUUID } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, getSignedCookie, setSignedCookie } from 'hono/cookie'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { userForSession, type StaffUser } from '../staff/accounts.ts'

export type Env = { Variables: { staff: StaffUser; visitorId: string; newVisitor?: boolean } }

export const SESSION_COOKIE = 'pw_session'
const VISITOR_COOKIE = 'pw_visitor'

export const secureCookies = (s: Services) => (s.config.publicUrl ?? '').startsWith('https://')

/** Staff pages: a valid session or a trip to /login (htmx requests get HX-Redirect instead of a 302). */
export function requireStaff(s: Services): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE)
    const user = token ? await userForSession(s.db, token, s.now()) : null
    if (!user) {
      const url = new URL(c.req.url)
      const login = `/login?next=${encodeURIComponent(url.pathname + url.search)}`
      if (c.req.header('hx-request')) return c.body(null, 401, { 'HX-Redirect': login })
      return c.redirect(login, 302)
    }
    // hono/csrf checks form posts only; a staff write of any content type from another site is refused too.
    const origin = c.req.header('origin')
    if (!/^(GET|HEAD|OPTIONS)$/.test(c.req.method) && origin && origin !== new URL(c.req.url).origin && origin !== s.config.publicUrl) {
      return c.text('Forbidden: this request came from another site', 403)
    }
    c.set('staff', user)
    await next()
  }
}

/** Riders are known by a signed visitor cookie, issued on first contact. */
export function visitor(s: Services): MiddlewareHandler<Env> {
  return async (c, next) => {
    let id = await getSignedCookie(c, s.config.sessionSecret, VISITOR_COOKIE)
    if (!id || !/^[0-9a-f-]{36}$/.test(id)) {
      id = randomUUID()
      c.set('newVisitor', true) // nobody has any chat under this id yet
      await setSignedCookie(c, VISITOR_COOKIE, id, s.config.sessionSecret, { path: '/', httpOnly: true, maxAge: 60 * 60 * 24 * 180, ...visitorCookieScope(c, s) })
    }
    c.set('visitorId', id)
    await next()
  }
}

/**
 * Inside the widget's iframe on a dealer's site the cookie is third-party: it needs SameSite=None,
 * Secure and Partitioned (CHIPS). Browsers accept Secure on https and on localhost; plain http hosts get Lax.
 */
function visitorCookieScope(c: Context, s: Services) {
  const url = new URL(c.req.url)
  const secureContext = secureCookies(s) || url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  return secureContext
    ? { sameSite: 'None' as const, secure: true, partitioned: true }
    : { sameSite: 'Lax' as const, secure: false }
}

export interface FieldIssue { field: string; message: string }

export const isJson = (c: Context) => (c.req.header('content-type') ?? '').includes('application/json')

/** Parses a JSON or form body against a schema; issues name the field. */
export async function parseBody<S extends v.GenericSchema>(c: Context, schema: S):
  Promise<{ ok: true; data: v.InferOutput<S> } | { ok: false; issues: FieldIssue[] }> {
  let raw: unknown
  try {
    raw = isJson(c) ? await c.req.json() : await c.req.parseBody()
  } catch {
    return { ok: false, issues: [{ field: 'body', message: 'request body is not valid JSON or form data' }] }
  }
  const nul = nulField(raw)
  if (nul) return { ok: false, issues: [{ field: nul, message: 'must not contain NUL characters' }] }
  const r = v.safeParse(schema, raw)
  if (r.success) return { ok: true, data: r.output }
  return { ok: false, issues: r.issues.map((i) => ({ field: v.getDotPath(i) ?? 'body', message: i.message })) }
}

/** The first field holding a NUL character (PostgreSQL text and jsonb cannot store one), or undefined. */
export function nulField(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined
  if (!value || typeof value !== 'object') return undefined
  for (const [k, x] of Object.entries(value)) {
    const hit = nulField(x, path ? `${path}.${k}` : k)
    if (hit) return hit
  }
  return undefined
}

export const describeIssues = (issues: FieldIssue[]) => issues.map((i) => `${i.field}: ${i.message}`).join('; ')

export const UUID = v.pipe(v.string(), v.uuid('must be a UUID'))
export const ClientId = v.pipe(v.string('is required'), v.trim(), v.regex(/^[A-Za-z0-9_.:-]{8,64}$/, 'must be 8-64 letters, digits or _.:-'))
export const MessageBody = v.pipe(
  v.string('is required'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(4000, 'must be at most 4000 characters'),
)
export const MessageInput = v.object({ client_id: ClientId, body: MessageBody })
export const StaffMessageInput = v.object({ client_id: ClientId, body: MessageBody, internal: v.optional(v.union([v.literal('1'), v.boolean()])) })
