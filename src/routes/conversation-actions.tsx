import { Hono } from 'hono'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { claim, simpleAction, transfer } from '../conversations/staff.ts'
import { getStore, type Conversation } from '../conversations/store.ts'
import { ConversationActions } from '../../views/partials/ConversationActions.tsx'
import { describeIssues, parseBody, type Env } from './middleware.ts'

const TransferInput = v.object({ department: v.pipe(v.string('is required'), v.trim(), v.regex(/^[a-z0-9_-]{1,40}$/, 'must be a department id')) })

export const storeDepartments = async (s: Services, storeId: string) =>
  (await getStore(s.db, storeId)).settings.departments.map((d) => d.name)

/** Ownership moves on one conversation; each answers with the refreshed action bar. */
export function conversationActionRoutes(s: Services) {
  const app = new Hono<Env>()
  const bar = async (staffId: string, c: Conversation) =>
    <ConversationActions c={c} departments={await storeDepartments(s, c.storeId)} meId={staffId} />

  app.post('/:id/claim', async (c) => c.html(await bar(c.get('staff').id, await claim(s, c.get('staff'), c.req.param('id')))))
  app.post('/:id/hand-back', async (c) => c.html(await bar(c.get('staff').id, await simpleAction(s, c.get('staff'), c.req.param('id'), 'hand_back'))))
  app.post('/:id/close', async (c) => c.html(await bar(c.get('staff').id, await simpleAction(s, c.get('staff'), c.req.param('id'), 'close'))))
  app.post('/:id/transfer', async (c) => {
    const parsed = await parseBody(c, TransferInput)
    if (!parsed.ok) return c.text(describeIssues(parsed.issues), 400)
    const staff = c.get('staff')
    if (!(await storeDepartments(s, staff.storeId)).includes(parsed.data.department)) return c.text(`department: '${parsed.data.department}' is not a department of this store`, 400)
    return c.html(await bar(staff.id, await transfer(s, staff, c.req.param('id'), { department: parsed.data.department })))
  })
  return app
}
