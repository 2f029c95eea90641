import { Hono } from 'hono'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { DELIVERY_STATUSES } from '../db/schema.ts'
import { getStore } from '../conversations/store.ts'
import { listDeliveries, retryDelivery, type Delivery } from '../integrations/deliveries.ts'
import { createApiKey, listApiKeys, revokeApiKey } from '../integrations/api-keys.ts'
import { DeliveriesPage } from '../../views/pages/DeliveriesPage.tsx'
import { ApiKeysPage } from '../../views/pages/ApiKeysPage.tsx'
import { LeadStatus } from '../../views/partials/LeadStatus.tsx'
import { describeIssues, parseBody, requireStaff, UUID, type Env } from './middleware.ts'

type Me = Env['Variables']['staff']
const KeyName = v.object({ name: v.pipe(v.string('is required'), v.trim(), v.minLength(1, 'is required'), v.maxLength(80, 'must be at most 80 characters')) })
const StatusFilter = v.optional(v.picklist(DELIVERY_STATUSES))

const page = async (jsx: unknown, status = 200) =>
  new Response('<!doctype html>' + (await (jsx as Promise<string>)), { status, headers: { 'content-type': 'text/html; charset=UTF-8' } })

/** Admin pages for integrations (delivery log with retry, API keys) and the lead status on a conversation. */
export function integrationRoutes(s: Services) {
  const app = new Hono<Env>()
  for (const p of ['/settings/deliveries', '/settings/deliveries/*', '/settings/api-keys', '/settings/api-keys/*']) {
    app.use(p, requireStaff(s), async (c, next) => (c.get('staff').role === 'admin' ? next() : c.text('Only admins manage integrations', 403)))
  }
  app.use('/deliveries/*', requireStaff(s))
  const tz = async (me: Me) => (await getStore(s.db, me.storeId)).timezone

  const deliveriesPage = async (me: Me, status: string | undefined, extra: { notice?: string; error?: string } = {}, code = 200) => {
    const rows = await listDeliveries(s.db, me.storeId, { status: status as Delivery['status'] | undefined, limit: 300 })
    return page(<DeliveriesPage me={me} rows={rows} timeZone={await tz(me)} status={status} {...extra} />, code)
  }
  app.get('/settings/deliveries', async (c) => {
    const status = c.req.query('status') || undefined
    if (!v.is(StatusFilter, status)) return c.text(`status: must be one of ${DELIVERY_STATUSES.join(', ')}`, 400)
    return deliveriesPage(c.get('staff'), status)
  })
  app.post('/settings/deliveries/:id/retry', async (c) => {
    if (!v.is(UUID, c.req.param('id'))) return c.text('id: must be a UUID', 400)
    const row = await retryDelivery(s, c.get('staff').storeId, c.req.param('id'))
    if (!row) return deliveriesPage(c.get('staff'), undefined, { error: 'That delivery is not failed (or not in this store), so there is nothing to retry.' }, 409)
    return deliveriesPage(c.get('staff'), undefined, { notice: `Queued ${row.event} to ${row.target} again.` })
  })

  const keysPage = async (me: Me, extra: Partial<Parameters<typeof ApiKeysPage>[0]> = {}, code = 200) =>
    page(<ApiKeysPage me={me} keys={await listApiKeys(s.db, me.storeId)} timeZone={await tz(me)} {...extra} />, code)
  app.get('/settings/api-keys', (c) => keysPage(c.get('staff')))
  app.post('/settings/api-keys', async (c) => {
    const me = c.get('staff')
    const parsed = await parseBody(c, KeyName)
    if (!parsed.ok) return keysPage(me, { error: describeIssues(parsed.issues) }, 400)
    const { key } = await createApiKey(s.db, me.storeId, parsed.data.name, s.now())
    // The page showing the key must not be cached anywhere.
    const res = await keysPage(me, { created: { name: parsed.data.name, key } }, 201)
    res.headers.set('cache-control', 'no-store')
    return res
  })
  app.post('/settings/api-keys/:id/revoke', async (c) => {
    const me = c.get('staff')
    if (!v.is(UUID, c.req.param('id'))) return c.text('id: must be a UUID', 400)
    const ok = await revokeApiKey(s.db, me.storeId, c.req.param('id'), s.now())
    return ok ? keysPage(me, { notice: 'Key revoked: requests with it now get 401.' }) : keysPage(me, { error: 'No such active key in this store.' }, 404)
  })

  app.get('/deliveries/conversation/:id', async (c) => {
    const me = c.get('staff')
    if (!v.is(UUID, c.req.param('id'))) return c.text('id: must be a UUID', 400)
    const rows = await listDeliveries(s.db, me.storeId, { conversationId: c.req.param('id'), channel: ['lead-http', 'lead-email'], limit: 10 })
    return c.html(<LeadStatus rows={rows} admin={me.role === 'admin'} />)
  })
  return app
}
