import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { changePassword, createStaff, listStaff, setActive } from '../staff/accounts.ts'
import { StaffPage } from '../../views/pages/StaffPage.tsx'
import { AccountPage } from '../../views/pages/AccountPage.tsx'
import { SettingsPage } from '../../views/pages/SettingsPage.tsx'
import { parseSettingsForm, saveSettings, SettingsError } from '../staff/settings.ts'
import { getStore } from '../conversations/store.ts'
import { STAFF_ROLES } from '../db/schema.ts'
import { storeDepartments } from './conversation-actions.tsx'
import { describeIssues, nulField, parseBody, requireStaff, SESSION_COOKIE, UUID, type Env } from './middleware.ts'

const Password = v.pipe(v.string('is required'), v.minLength(10, 'must be at least 10 characters'), v.maxLength(200, 'must be at most 200 characters'))
const NewStaff = v.object({
  name: v.pipe(v.string('is required'), v.trim(), v.minLength(1, 'is required'), v.maxLength(100, 'must be at most 100 characters')),
  email: v.pipe(v.string('is required'), v.trim(), v.email('must be an email address'), v.maxLength(200)),
  password: Password,
  role: v.picklist(STAFF_ROLES, `must be one of ${STAFF_ROLES.join(', ')}`),
  departments: v.optional(v.union([v.string(), v.array(v.string())]), []),
})
const PasswordChange = v.object({ current: v.pipe(v.string('is required'), v.minLength(1, 'is required')), next: Password })

const page = async (jsx: unknown, status = 200) =>
  new Response('<!doctype html>' + (await (jsx as Promise<string>)), { status, headers: { 'content-type': 'text/html; charset=UTF-8' } })

/** Staff accounts: admins manage the team; everyone can change their own password. */
export function staffRoutes(s: Services) {
  const app = new Hono<Env>()
  app.use('/staff/*', requireStaff(s))
  app.use('/staff', requireStaff(s))
  app.use('/account/*', requireStaff(s))
  app.use('/account', requireStaff(s))
  const adminOnly = (role: string) => role === 'admin'

  const staffPage = async (me: Env['Variables']['staff'], status = 200, extra: { error?: string; notice?: string } = {}) =>
    page(<StaffPage me={me} staff={await listStaff(s.db, me.storeId)} departments={await storeDepartments(s, me.storeId)} {...extra} />, status)

  app.get('/staff', async (c) => (adminOnly(c.get('staff').role) ? staffPage(c.get('staff')) : c.text('Only admins manage staff', 403)))

  app.post('/staff', async (c) => {
    const me = c.get('staff')
    if (!adminOnly(me.role)) return c.text('Only admins manage staff', 403)
    const parsed = await parseBody(c, NewStaff)
    if (!parsed.ok) return staffPage(me, 400, { error: describeIssues(parsed.issues) })
    const known = await storeDepartments(s, me.storeId)
    const departments = [parsed.data.departments].flat().filter((d) => d)
    const unknown = departments.find((d) => !known.includes(d))
    if (unknown) return staffPage(me, 400, { error: `departments: '${unknown}' is not a department of this store` })
    try {
      await createStaff(s.db, { storeId: me.storeId, ...parsed.data, departments })
    } catch {
      return staffPage(me, 409, { error: `email: ${parsed.data.email} already has an account` })
    }
    return staffPage(me, 201, { notice: `Added ${parsed.data.name}.` })
  })

  app.post('/staff/:id/:action{activate|deactivate}', async (c) => {
    const me = c.get('staff')
    if (!adminOnly(me.role)) return c.text('Only admins manage staff', 403)
    if (!v.is(UUID, c.req.param('id')) || c.req.param('id') === me.id) return c.text('id: not a staff member you can change', 400)
    await setActive(s.db, me.storeId, c.req.param('id'), c.req.param('action') === 'activate')
    return c.redirect('/staff', 303)
  })

  app.use('/settings', requireStaff(s))
  const settingsPage = async (me: Env['Variables']['staff'], status = 200, extra: { error?: string; notice?: string } = {}) =>
    page(<SettingsPage me={me} settings={(await getStore(s.db, me.storeId)).settings} smtp={!!s.config.smtp} {...extra} />, status)
  app.get('/settings', async (c) => (adminOnly(c.get('staff').role) ? settingsPage(c.get('staff')) : c.text('Only admins change settings', 403)))
  app.post('/settings', async (c) => {
    const me = c.get('staff')
    if (!adminOnly(me.role)) return c.text('Only admins change settings', 403)
    try {
      const form = await c.req.parseBody({ all: true }).catch(() => null) as Record<string, string | string[]> | null
      if (!form) return settingsPage(me, 400, { error: 'body: the form could not be read (broken form data)' })
      const nul = nulField(form)
      if (nul) return settingsPage(me, 400, { error: `${nul}: must not contain NUL characters` })
      const next = parseSettingsForm(form, (await getStore(s.db, me.storeId)).settings)
      await saveSettings(s.db, me.storeId, next)
      return settingsPage(me, 200, { notice: 'Settings saved.' })
    } catch (err) {
      if (err instanceof SettingsError) return settingsPage(me, 400, { error: err.message })
      throw err
    }
  })

  app.get('/account', (c) => page(<AccountPage me={c.get('staff')} />))
  app.post('/account/password', async (c) => {
    const me = c.get('staff')
    const parsed = await parseBody(c, PasswordChange)
    if (!parsed.ok) return page(<AccountPage me={me} error={describeIssues(parsed.issues)} />, 400)
    const ok = await changePassword(s.db, me, parsed.data.current, parsed.data.next, getCookie(c, SESSION_COOKIE) ?? '')
    if (!ok) return page(<AccountPage me={me} error="current: the current password is wrong" />, 400)
    return page(<AccountPage me={me} notice="Password changed. Your other sessions were signed out." />)
  })
  return app
}
