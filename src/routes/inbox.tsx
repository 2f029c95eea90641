import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { Hono, type MiddlewareHandler } from 'hono'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { staffReply } from '../conversations/staff.ts'
import { countsFor, getConversation, getStore, listCards, storeViewCounts, transcript, viewCounts } from '../conversations/store.ts'
import { customers } from '../db/schema.ts'
import { eventsSince, latestEventId, runningFromQuery, streamPosition } from '../realtime/events.ts'
import { eventStream } from '../realtime/sse.ts'
import { InboxPage } from '../../views/pages/InboxPage.tsx'
import { ConversationPage } from '../../views/pages/ConversationPage.tsx'
import { ReplyForm } from '../../views/partials/ReplyForm.tsx'
import { RulesBanner } from '../../views/partials/RulesBanner.tsx'
import { describeIssues, isJson, parseBody, StaffMessageInput, requireStaff, UUID, type Env } from './middleware.ts'
import { handoffNotice, inboxListHtml, inboxTabsHtml, notifyHtml, staffConversationEventHtml, staffName } from './live.tsx'
import { changedParts, perEventMemo, SharedInboxRenders, TABS_ONLY_EVERY_MS, type InboxFrame } from './inbox-feed.ts'
import { isEphemeral, type BusEvent } from '../realtime/bus.ts'
import { staffNamesFor } from './names.ts'
import { typingSignal } from '../realtime/presence.ts'
import { suggestReply } from '../agent/assist.ts'
import { parseInboxQuery } from './inbox-query.ts'
import { cannedReplies, filterChoices, priorityTargets } from './choices.ts'
import { conversationActionRoutes, storeDepartments } from './conversation-actions.tsx'
import { dmsSearchRoutes } from './dms-search.tsx'
import { StreamSlots, TOO_MANY_STREAMS } from './limits.ts'

const page = async (jsx: unknown) => '<!doctype html>' + (await (jsx as Promise<string>))

/** "Meilisearch unreachable: using the embedded engine" and the like, checked within a second. */
async function searchWarning(s: Services) {
  if (!s.search) return null
  const health = await Promise.race([s.search.then((x) => x.health()).catch(() => ({ warning: 'Search is unavailable.' })), Bun.sleep(1000).then(() => null)])
  return health?.warning ? <p class="warn" role="alert">{health.warning}</p> : null
}

/** The staff inbox: the live list, one conversation, replies. Every route requires a session. */
export function inboxRoutes(s: Services) {
  const app = new Hono<Env>()
  app.use('*', requireStaff(s))

  app.get('/', async (c) => {
    const staff = c.get('staff')
    const { view, query, filterQuery } = parseInboxQuery(c.req.query())
    // The position first: whatever commits after it is replayed by the stream, even if the reads below saw it too.
    const position = await streamPosition(s.db, staff.storeId)
    const store = await getStore(s.db, staff.storeId)
    const q = { ...query, staffId: staff.id }
    const [cards, counts] = await Promise.all([listCards(s.db, staff.storeId, q), viewCounts(s.db, staff.storeId, q)])
    return c.html(await page(
      <InboxPage staff={staff} view={view} query={query} filterQuery={filterQuery} cards={cards} counts={counts}
        choices={await filterChoices(s, staff.storeId)} targets={priorityTargets(s)} now={s.now()} timeZone={store.timezone}
        position={position}
        banner={<>
          {staff.role === 'admin' && s.rulesStatus && <RulesBanner status={s.rulesStatus()} />}
          {await searchWarning(s)}
        </>} />,
    ))
  })

  // One budget of open streams per staff member, shared by the list and conversation pages.
  const streams = new StreamSlots(s.config.sseStreamsPerClient)
  // Streams showing the same view share one render per change; handoff notices are looked up once per event.
  const shared = new SharedInboxRenders(s.bus)
  const notice = perEventMemo((e) => handoffNotice(s, e))
  // Only handoffs notify; the rest of a busy batch (every rider message is an event) costs nothing here.
  const noticesFor = (staff: { departments: string[]; role: string }) => async (batch: BusEvent[]) => {
    const handoffs = batch.filter((e) => e.kind === 'handoff')
    return handoffs.length ? (await Promise.all(handoffs.map(async (e) => notifyHtml(await notice(e), staff)))).join('') : ''
  }
  app.get('/events', async (c) => {
    const staff = c.get('staff')
    const { query } = parseInboxQuery(c.req.query())
    const { timezone } = await getStore(s.db, staff.storeId)
    const release = streams.acquire(staff.id)
    if (!release) return c.text(TOO_MANY_STREAMS, 429)
    const q = { ...query, staffId: staff.id }
    const key = JSON.stringify([staff.storeId, q])
    // What is shared past this staff member's own streams: the list by everyone showing the view with the same
    // filters ("mine" is each one's own), and the counts (with "mine" for every assignee) by every view and everyone.
    const listKey = JSON.stringify(['list', staff.storeId, { ...q, staffId: q.view === 'mine' ? staff.id : undefined }])
    const countsKey = JSON.stringify(['counts', staff.storeId, { ...q, view: undefined, staffId: undefined }])
    const forget = [shared.open(key), shared.open(listKey), shared.open(countsKey)]
    const render = async (): Promise<InboxFrame> => {
      const [list, counts] = await Promise.all([
        shared.frame(listKey, () => inboxListHtml(s, staff.storeId, q, timezone)),
        shared.frame(countsKey, () => storeViewCounts(s.db, staff.storeId, q)),
      ])
      return { ...list, tabs: inboxTabsHtml(q, countsFor(counts, staff.id)) }
    }
    const parts = changedParts(() => shared.frame(key, render), noticesFor(staff))
    const running = runningFromQuery(c.req.query('running'))
    return eventStream(c, {
      onClose: () => { release(); for (const f of forget) f() },
      bus: s.bus,
      after: () => latestEventId(s.db, staff.storeId),
      accept: (e) => e.storeId === staff.storeId && !!e.conversationId && !isEphemeral(e),
      // Streams of one view (same staff member and filters) render once per flush between them.
      group: { name: `inbox\n${key}`, prepare: parts.prepare, step: parts.step, held: parts.heldTabs, heldAfterMs: TABS_ONLY_EVERY_MS },
      // The list is re-rendered whole, so only the newest missed event needs replaying (a reconnect gets the list whatever came).
      replay: (afterId) => eventsSince(s.db, { storeId: staff.storeId, afterId, running, newest: true }),
      render: (e) => parts.render([e]),
      renderBatch: parts.render,
    })
  })

  app.route('/', dmsSearchRoutes(s))

  const validId: MiddlewareHandler = async (c, next) => {
    if (!v.is(UUID, c.req.param('id'))) return c.text('conversation id must be a UUID', 400)
    await next()
  }
  app.use('/:id', validId)
  app.use('/:id/*', validId)

  app.route('/', conversationActionRoutes(s))

  app.get('/:id', async (c) => {
    const staff = c.get('staff')
    // The position first: an event that commits during the reads below is then replayed by the stream (its line is
    // added once, see public/append-new.js), never lost between a read and the position.
    const position = await streamPosition(s.db, staff.storeId)
    const conversation = await getConversation(s.db, staff.storeId, c.req.param('id'))
    const [store, messages] = await Promise.all([getStore(s.db, staff.storeId), transcript(s.db, conversation.id, { includeInternal: true })])
    const [cust] = await s.db.select({ name: customers.name, phone: customers.phone, email: customers.email }).from(customers).where(eq(customers.id, conversation.customerId))
    return c.html(await page(
      <ConversationPage staff={staff} conversation={conversation} contact={cust ?? { name: null, phone: null, email: null }}
        assigneeName={await staffName(s, conversation.assigneeId)} messages={messages} staffNames={await staffNamesFor(s, messages)}
        timeZone={store.timezone} clientId={randomUUID()} position={position}
        departments={await storeDepartments(s, staff.storeId)} meId={staff.id} viewers={s.presence.list(conversation.id)}
        canned={await cannedReplies(s, staff.storeId, conversation.department)} choices={await filterChoices(s, staff.storeId)} />,
    ))
  })

  app.post('/:id/reply', async (c) => {
    const id = c.req.param('id')
    const parsed = await parseBody(c, StaffMessageInput)
    const canned = await cannedReplies(s, c.get('staff').storeId)
    if (!parsed.ok) {
      if (isJson(c)) return c.json({ error: describeIssues(parsed.issues), issues: parsed.issues }, 400)
      return c.html(<ReplyForm conversationId={id} clientId={randomUUID()} error={describeIssues(parsed.issues)} canned={canned} />, 400)
    }
    const { message, duplicate } = await staffReply(s, c.get('staff'), {
      conversationId: id, body: parsed.data.body, clientId: parsed.data.client_id, internal: !!parsed.data.internal,
    })
    if (isJson(c)) return c.json({ message, duplicate }, duplicate ? 200 : 201)
    if (!c.req.header('hx-request')) return c.redirect(`/inbox/${id}`, 303)
    return c.html(<ReplyForm conversationId={id} clientId={randomUUID()} canned={canned} />, duplicate ? 200 : 201)
  })

  app.post('/:id/suggest', async (c) => {
    const staff = c.get('staff')
    const conv = await getConversation(s.db, staff.storeId, c.req.param('id'))
    const canned = await cannedReplies(s, staff.storeId, conv.department)
    if (!s.answerer) return c.html(<ReplyForm conversationId={conv.id} clientId={randomUUID()} canned={canned} note="The assistant is not available on this server." />)
    const lines = await transcript(s.db, conv.id, { includeInternal: false })
    const suggestion = await suggestReply(s.answerer, { storeId: conv.storeId, history: lines.map((m) => ({ author: m.author, text: m.body })), now: s.now() })
    return c.html(<ReplyForm conversationId={conv.id} clientId={randomUUID()} canned={canned} value={suggestion.text} note={suggestion.note ?? 'Suggested from the DMS content — edit before sending.'} />)
  })

  app.post('/:id/typing', async (c) => {
    const staff = c.get('staff')
    const conv = await getConversation(s.db, staff.storeId, c.req.param('id'))
    await s.bus.publish(typingSignal(staff.storeId, conv.id, staff.name, 'staff'))
    return c.body(null, 204)
  })

  app.get('/:id/events', async (c) => {
    const { storeId, name } = c.get('staff')
    const conv = await getConversation(s.db, storeId, c.req.param('id'))
    const { timezone } = await getStore(s.db, storeId)
    const release = streams.acquire(c.get('staff').id)
    if (!release) return c.text(TOO_MANY_STREAMS, 429)
    const running = runningFromQuery(c.req.query('running'))
    return eventStream(c, {
      bus: s.bus,
      after: () => latestEventId(s.db, storeId),
      accept: (e) => e.conversationId === conv.id,
      conversationId: conv.id,
      replay: (afterId, resumed) => eventsSince(s.db, { storeId, conversationId: conv.id, afterId, running, resumed }),
      render: (e) => staffConversationEventHtml(s, e, timezone, c.get('staff').id, name),
      onTick: () => void s.presence.beat(storeId, conv.id, name),
      onClose: () => { release(); void s.presence.leave(storeId, conv.id, name) },
    })
  })
  return app
}
