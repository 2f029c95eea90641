import { Hono } from 'hono'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { claim, relabel, simpleAction, transfer } from '../conversations/staff.ts'
import { LabelEditor } from '../../views/partials/LabelEditor.tsx'
import { filterChoices } from './choices.ts'
import { getStore, type Conversation } from '../conversations/store.ts'
import { ConversationActions } from '../../views/partials/ConversationActions.tsx'
import { describeIssues, parseBody, type Env } from './middleware.ts'

const TagList = v.pipe(
  v.optional(v.string(), ''), v.transform((t) => [...new Set(t.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))]),
  v.maxLength(20, 'at most 20 tags'), v.check((t) => t.every((x) => /^[a-z0-9][a-z0-9_-]{0,39}$/.test(x)), 'tags are lowercase words joined by - or _'),
)
const LabelsInput = v.object({ tags: TagList, priority: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[a-z0-9_-]{0,40}$/, 'must be a priority id')), '') })

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
  app.post('/:id/labels', async (c) => {
    const staff = c.get('staff')
    const parsed = await parseBody(c, LabelsInput)
    if (!parsed.ok) return c.text(describeIssues(parsed.issues), 400)
    const { priorities, tags } = await filterChoices(s, staff.storeId)
    const updated = await relabel(s, staff, c.req.param('id'), parsed.data, priorities)
    return c.html(<LabelEditor c={updated} priorities={priorities} tags={tags} />)
  })
  return app
}
