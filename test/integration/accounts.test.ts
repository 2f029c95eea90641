import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { backends } from '../support/db.ts'
import { demoApp, PASSWORD } from '../support/app.ts'

for (const backend of backends) {
  describe(`staff accounts (${backend.name})`, () => {
    let ctx: Awaited<ReturnType<typeof demoApp>>
    let cleanup: () => Promise<void>
    beforeAll(async () => {
      const opened = await backend.open()
      cleanup = opened.cleanup
      ctx = await demoApp(opened.database)
    })
    afterAll(() => cleanup())

    test('admins add staff; staff cannot; bad input names the field', async () => {
      const admin = ctx.client(); await admin.login()
      const res = await admin.request('/staff', { method: 'POST', form: { name: 'Kim Lee', email: 'kim@ridgeline.example', password: 'a-long-password', role: 'staff', departments: 'parts' } })
      expect(res.status).toBe(201)
      expect(await res.text()).toContain('kim@ridgeline.example')
      const dup = await admin.request('/staff', { method: 'POST', form: { name: 'Kim', email: 'kim@ridgeline.example', password: 'a-long-password', role: 'staff' } })
      expect(dup.status).toBe(409)
      const bad = await admin.request('/staff', { method: 'POST', form: { name: 'X', email: 'nope', password: 'short', role: 'boss' } })
      expect(bad.status).toBe(400)
      const text = await bad.text()
      expect(text).toContain('email: must be an email address')
      expect(text).toContain('password: must be at least 10 characters')
      const badDept = await admin.request('/staff', { method: 'POST', form: { name: 'Y', email: 'y@r.example', password: 'a-long-password', role: 'staff', departments: 'marketing' } })
      expect(badDept.status).toBe(400)
      const kim = ctx.client()
      expect((await kim.login('kim@ridgeline.example', 'a-long-password')).status).toBe(303)
      expect((await kim.request('/staff')).status).toBe(403)
      expect((await kim.request('/staff', { method: 'POST', form: { name: 'Z', email: 'z@r.example', password: 'a-long-password', role: 'admin' } })).status).toBe(403)
    })

    test('deactivating a staff member ends their sessions', async () => {
      const admin = ctx.client(); await admin.login()
      const tom = ctx.client(); await tom.login('tom@ridgeline.example')
      expect((await tom.request('/inbox')).status).toBe(200)
      const page = await (await admin.request('/staff')).text()
      const id = page.match(/\/staff\/([0-9a-f-]{36})\/deactivate/g)!.map((m) => m.split('/')[2])
      const tomRow = page.split('<tr>').find((r) => r.includes('tom@ridgeline.example'))!
      const tomId = tomRow.match(/\/staff\/([0-9a-f-]{36})\//)![1]
      expect(id).toContain(tomId)
      expect((await admin.request(`/staff/${tomId}/deactivate`, { method: 'POST', form: {} })).status).toBe(303)
      expect((await tom.request('/inbox')).status).toBe(302)
      expect((await ctx.client().login('tom@ridgeline.example')).status).toBe(401)
    })

    test('password change checks the current password and signs out other sessions', async () => {
      const a = ctx.client(); await a.login('luis@ridgeline.example')
      const b = ctx.client(); await b.login('luis@ridgeline.example')
      const wrong = await a.request('/account/password', { method: 'POST', form: { current: 'nope', next: 'another-long-password' } })
      expect(wrong.status).toBe(400)
      const ok = await a.request('/account/password', { method: 'POST', form: { current: PASSWORD, next: 'another-long-password' } })
      expect(ok.status).toBe(200)
      expect((await a.request('/inbox')).status).toBe(200)
      expect((await b.request('/inbox')).status).toBe(302)
      expect((await ctx.client().login('luis@ridgeline.example', 'another-long-password')).status).toBe(303)
    })

    test('logout ends the session; a session id from before login is not reused', async () => {
      const c = ctx.client()
      c.cookies.set('pw_session', 'attacker-chosen-token')
      await c.login('priya@ridgeline.example')
      expect(c.cookies.get('pw_session')).not.toBe('attacker-chosen-token')
      expect((await c.request('/inbox')).status).toBe(200)
      expect((await c.request('/logout', { method: 'POST', form: {} })).status).toBe(303)
      expect((await c.request('/inbox')).status).toBe(302)
    })

    test('sessions expire', async () => {
      const c = ctx.client(); await c.login('priya@ridgeline.example')
      const realNow = ctx.services.now
      ctx.services.now = () => new Date(Date.now() + 13 * 3600_000)
      try {
        expect((await c.request('/inbox')).status).toBe(302)
      } finally {
        ctx.services.now = realNow
      }
    })

    test('failed sign-ins are rate limited', async () => {
      const c = ctx.client()
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push((await c.login('admin@ridgeline.example', `wrong-${i}`)).status)
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10)
      expect(statuses.at(-1)).toBe(429)
    })
  })
}
