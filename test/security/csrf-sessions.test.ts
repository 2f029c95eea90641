import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Database } from '../../src/db/client.ts'
import { conversations, sessions, staffUsers } from '../../src/db/schema.ts'
import { freshPglite } from '../support/db.ts'
import { Client, demoApp, ORIGIN, testConfig } from '../support/app.ts'

/** Every form the app renders refuses cross-site posts; sessions are fresh per login, end on logout, expire. */
describe('CSRF on every form, and session handling', () => {
  let database: Database
  let ctx: Awaited<ReturnType<typeof demoApp>>
  let admin: Client
  beforeAll(async () => {
    database = await freshPglite()
    ctx = await demoApp(database)
    admin = ctx.client()
    await admin.login()
  })
  afterAll(() => database.close())

  /** POST targets found in rendered HTML: hx-post/put/patch/delete, and the action of <form method="post">. */
  function postTargets(html: string): string[] {
    const urls = [...html.matchAll(/hx-(?:post|put|patch|delete)="([^"]+)"/g)].map((m) => m[1])
    for (const [form] of html.matchAll(/<form\b[^>]*>/g)) {
      const action = /\saction="([^"]+)"/.exec(form)?.[1]
      if (/\smethod="post"/i.test(form) && action) urls.push(action)
    }
    return [...new Set(urls.map((u) => u.replace(/&amp;/g, '&')))]
  }

  /** A request as a browser on another site (or a tool with no Origin) would send it, with the victim's cookies. */
  const raw = (c: Client, path: string, headers: Record<string, string>, body = '', type = 'application/x-www-form-urlencoded') =>
    ctx.app.request(ORIGIN + path, {
      method: 'POST', body, redirect: 'manual',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': type, ...headers },
    })

  test('every staff and rider form refuses a foreign Origin, a missing Origin and Sec-Fetch-Site: cross-site', async () => {
    const rider = ctx.client()
    await rider.request('/chat')
    const id = randomUUID()
    expect((await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'my sled will not start, can someone call me' } })).status).toBe(201)
    const targets = new Map<string, Client>()
    const collect = async (c: Client, path: string) => { for (const t of postTargets(await (await c.request(path)).text())) targets.set(t, c) }
    for (const path of ['/inbox?view=all', `/inbox/${id}`, '/staff', '/settings', '/account']) await collect(admin, path)
    await collect(rider, '/chat')
    expect((await admin.request(`/inbox/${id}/claim`, { method: 'POST', form: {} })).status).toBe(200)
    await collect(admin, `/inbox/${id}`) // a claimed conversation shows other actions
    await collect(ctx.client(), '/login')

    const found = [...targets.keys()]
    console.log(`CSRF: ${found.length} form targets found in rendered pages and checked`)
    for (const known of ['/logout', '/login', '/staff', '/settings', '/account/password', `/inbox/${id}/reply`, `/inbox/${id}/labels`,
      `/inbox/${id}/transfer`, `/inbox/${id}/close`, `/inbox/${id}/suggest`, `/chat/${id}/messages`]) expect(found).toContain(known)
    expect(found.length).toBeGreaterThanOrEqual(14)

    for (const [url, who] of targets) {
      const foreign = await raw(who, url, { origin: 'https://evil.example' }, 'client_id=abcdefgh1&body=hi')
      const missing = await raw(who, url, {}, 'client_id=abcdefgh1&body=hi')
      const crossSite = await raw(who, url, { 'sec-fetch-site': 'cross-site' }, 'client_id=abcdefgh1&body=hi')
      const plain = await raw(who, url, { origin: 'https://evil.example' }, 'body=hi', 'text/plain')
      expect([url, foreign.status, missing.status, crossSite.status, plain.status]).toEqual([url, 403, 403, 403, 403])
      if (!url.startsWith('/chat') && url !== '/login' && url !== '/logout') {
        // Staff routes also refuse a foreign Origin on JSON, which hono/csrf alone would let through.
        const json = await raw(who, url, { origin: 'https://evil.example' }, '{"client_id":"abcdefgh1","body":"hi"}', 'application/json')
        expect([url, json.status]).toEqual([url, 403])
      }
    }
    // Nothing the refused requests asked for happened.
    const [conv] = await database.db.select().from(conversations).where(eq(conversations.id, id))
    expect(conv.status).toBe('claimed')
    expect((await admin.request('/inbox')).status).toBe(200) // /logout was refused too

    // The same forms posted from our own pages are not refused (logout last: it ends the session).
    for (const [url, who] of [...targets].sort(([a], [b]) => Number(a === '/logout') - Number(b === '/logout'))) {
      const same = await raw(who, url, { origin: ORIGIN }, `client_id=${randomUUID()}&body=hi`)
      expect([url, same.status === 403]).toEqual([url, false])
    }
    await database.db.update(staffUsers).set({ active: true }) // the staff page's deactivate buttons were among them
  })

  test('PUBLIC_URL names the origin browsers send behind a TLS proxy', async () => {
    const proxied = await demoApp(database, { config: testConfig({ PUBLIC_URL: 'https://inbox.dealer.example' }) })
    const c = proxied.client()
    await c.login()
    const ok = await c.request('/inbox/00000000-0000-4000-8000-000000000000/claim', { method: 'POST', form: {}, headers: { origin: 'https://inbox.dealer.example' } })
    expect(ok.status).toBe(404)
    const bad = await c.request('/inbox/00000000-0000-4000-8000-000000000000/claim', { method: 'POST', form: {}, headers: { origin: 'https://inbox.dealer.example.evil.example' } })
    expect(bad.status).toBe(403)
  })

  test('session fixation: a planted cookie (even a valid session) is replaced and ended at login', async () => {
    const attacker = ctx.client()
    await attacker.login('tom@ridgeline.example')
    const planted = attacker.cookies.get('pw_session')!
    const victim = ctx.client()
    victim.cookies.set('pw_session', planted)
    expect((await victim.login('admin@ridgeline.example')).status).toBe(303)
    const fresh = victim.cookies.get('pw_session')!
    expect(fresh).not.toBe(planted)
    expect((await victim.request('/staff')).status).toBe(200) // the victim is the admin
    expect((await attacker.request('/inbox')).status).toBe(302) // the planted token no longer works

    const guessed = ctx.client()
    guessed.cookies.set('pw_session', 'attacker-chosen-token')
    await guessed.login('dana@ridgeline.example')
    expect(guessed.cookies.get('pw_session')).not.toBe('attacker-chosen-token')
  })

  test('session cookies are HttpOnly and SameSite=Lax (Secure behind https), stored only as a hash', async () => {
    const res = await ctx.client().login('dana@ridgeline.example')
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pw_session='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Max-Age=43200/)
    const token = cookie.split(';')[0].split('=')[1]
    const stored = await database.db.select({ id: sessions.id }).from(sessions)
    expect(stored.some((r) => r.id === token)).toBe(false)
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true)
    const https = await demoApp(database, { config: testConfig({ PUBLIC_URL: 'https://inbox.dealer.example' }) })
    const secure = (await https.client().login('dana@ridgeline.example')).headers.getSetCookie().find((c) => c.startsWith('pw_session='))!
    expect(secure).toMatch(/Secure/)
  })

  test('logout ends the session on the server: a copied cookie stops working', async () => {
    const c = ctx.client()
    await c.login('luis@ridgeline.example')
    const copy = ctx.client()
    copy.cookies.set('pw_session', c.cookies.get('pw_session')!)
    expect((await copy.request('/inbox')).status).toBe(200)
    expect((await c.request('/logout', { method: 'POST', form: {} })).status).toBe(303)
    expect((await copy.request('/inbox')).status).toBe(302)
    const htmx = await copy.request('/inbox/events', { headers: { 'hx-request': 'true' } })
    expect(htmx.status).toBe(401)
    expect(htmx.headers.get('hx-redirect')).toStartWith('/login')
  })

  test('sessions expire after 12 hours, on every route including live streams', async () => {
    const c = ctx.client()
    await c.login('priya@ridgeline.example')
    const realNow = ctx.services.now
    try {
      ctx.services.now = () => new Date(Date.now() + 11.9 * 3600_000)
      expect((await c.request('/inbox')).status).toBe(200)
      ctx.services.now = () => new Date(Date.now() + 12.1 * 3600_000)
      for (const path of ['/inbox', '/inbox/events', '/account', `/inbox/${randomUUID()}`]) expect([path, (await c.request(path)).status]).toEqual([path, 302])
      expect((await c.request('/account/password', { method: 'POST', form: { current: 'x', next: 'y'.repeat(12) } })).status).toBe(302)
    } finally {
      ctx.services.now = realNow
    }
  })
})
