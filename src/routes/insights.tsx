import { Hono } from 'hono'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { loadInsights, loadTable, seesInsights, viewerScope, visibleStores } from '../insights/service.ts'
import { createDraft, DraftForm, DraftInvalid, getDraft, listDrafts, NewDraftInput, saveDraft } from '../insights/drafts.ts'
import { TABLE_NAMES, toCsv, type TableName } from '../insights/tables.ts'
import { InsightsPage } from '../../views/pages/InsightsPage.tsx'
import { DraftPage } from '../../views/pages/DraftPage.tsx'
import { describeIssues, parseBody, requireStaff, type Env } from './middleware.ts'

const page = async (jsx: unknown, status = 200) =>
  new Response('<!doctype html>' + (await (jsx as Promise<string>)), { status, headers: { 'content-type': 'text/html; charset=UTF-8' } })
const DraftId = v.pipe(v.string(), v.regex(/^answer-[0-9a-f]{8}$/, 'must be an answer draft id'))
const StoreField = v.object({ store: v.optional(v.pipe(v.string(), v.trim())) })

/** /insights: escalation analytics, CSV exports and answer drafts, for admins and managers. */
export function insightsRoutes(s: Services) {
  const app = new Hono<Env>()
  app.use('*', requireStaff(s))
  app.use('*', async (c, next) => (seesInsights(c.get('staff').role) ? next() : c.text('Only admins and managers see insights', 403)))
  const priorities = () => s.rules?.().priorities.map((p) => p.id) ?? []
  const storeIds = async (me: Env['Variables']['staff']) => (await visibleStores(s.db, me)).map((st) => st.id)

  app.get('/', async (c) => {
    const me = c.get('staff')
    const r = await viewerScope(s.db, me, c.req.query(), s.now())
    if (!r.ok) return c.text(r.error, r.status)
    const [data, drafts] = [await loadInsights(s.db, r.scope, priorities()), await listDrafts(s.database, r.scope.storeIds)]
    return page(<InsightsPage me={me} filter={r.filter} stores={r.stores} timeZone={r.timeZone} data={data} drafts={drafts} />)
  })

  app.get('/export/:file', async (c) => {
    const name = c.req.param('file').replace(/\.csv$/, '') as TableName
    if (!TABLE_NAMES.includes(name)) return c.text(`table: must be one of ${TABLE_NAMES.join(', ')}`, 404)
    const r = await viewerScope(s.db, c.get('staff'), c.req.query(), s.now())
    if (!r.ok) return c.text(r.error, r.status)
    const csv = toCsv(await loadTable(s.db, r.scope, name, priorities()))
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}_${r.filter.from}_${r.filter.to}.csv"` })
  })

  app.post('/drafts', async (c) => {
    const me = c.get('staff')
    const parsed = await parseBody(c, v.object({ ...NewDraftInput.entries, ...StoreField.entries }))
    if (!parsed.ok) return c.text(describeIssues(parsed.issues), 400)
    const store = parsed.data.store || me.storeId
    if (!(await storeIds(me)).includes(store)) return c.text(`store: '${store}' is not a store you can see`, 403)
    const id = await createDraft(s.database, store, parsed.data, s.now())
    return c.redirect(`/insights/drafts/${id}`, 303)
  })

  app.get('/drafts/:id', async (c) => {
    if (!v.is(DraftId, c.req.param('id'))) return c.text('id: must be an answer draft id', 400)
    return page(<DraftPage me={c.get('staff')} draft={await getDraft(s.database, await storeIds(c.get('staff')), c.req.param('id'))} />)
  })

  app.post('/drafts/:id', async (c) => {
    const me = c.get('staff')
    const id = c.req.param('id')
    if (!v.is(DraftId, id)) return c.text('id: must be an answer draft id', 400)
    const stores = await storeIds(me)
    const parsed = await parseBody(c, DraftForm)
    if (!parsed.ok) return page(<DraftPage me={me} draft={await getDraft(s.database, stores, id)} error={describeIssues(parsed.issues)} />, 400)
    try {
      const { doc, published } = await saveDraft(s.database, stores, id, parsed.data, s.now())
      // Sync would pick the document up within seconds; indexing now lets the AI use it on the next message.
      if (published) await (await s.search)?.reindex([doc]).catch((err) => console.error(`insights: publish ${id}: ${(err as Error).message}`))
      return page(<DraftPage me={me} draft={await getDraft(s.database, stores, id)} notice={published ? 'Published: the AI can now answer from it.' : 'Draft saved.'} />)
    } catch (err) {
      if (err instanceof DraftInvalid) return page(<DraftPage me={me} draft={{ ...(await getDraft(s.database, stores, id)), ...parsed.data }} error={err.message} />, 400)
      throw err
    }
  })
  return app
}
