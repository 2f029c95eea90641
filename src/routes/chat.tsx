import { randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { postCustomerMessage } from '../conversations/pipeline.ts'
import { conversationForVisitor, getStore, knownOwner, latestConversationOf, transcript, visitorAccess, type Conversation } from '../conversations/store.ts'
import { requestPerson } from '../conversations/handoff.ts'
import { ContactInput, DEFAULT_CONSENT, saveContact } from '../conversations/contact.ts'
import { ContactForm } from '../../views/partials/ContactForm.tsx'
import { eventsSince, latestEventId, runningFromQuery, streamPosition } from '../realtime/events.ts'
import { eventStream } from '../realtime/sse.ts'
import { ChatPage } from '../../views/pages/ChatPage.tsx'
import { ChatComposer } from '../../views/partials/ChatComposer.tsx'
import { describeIssues, isJson, MessageInput, parseBody, UUID, visitor, type Env, type FieldIssue } from './middleware.ts'
import { staffNamesFor } from './names.ts'
import { contactSlot, riderEventHtml, riderStatus } from './live.tsx'
import { raw } from 'hono/html'
import { typingSignal } from '../realtime/presence.ts'
import { rate, RatingInput, RatingRefused, ratingsOf } from '../insights/ratings.ts'
import { AnswerRating } from '../../views/partials/AnswerRating.tsx'
import { ChatRating } from '../../views/partials/ChatRating.tsx'
import { chatRateLimits, StreamSlots, TOO_MANY_STREAMS } from './limits.ts'

/** 429 for a rider writing too fast: JSON for API callers, else the form they used with the reason (their text kept). */
async function tooFast(s: Services, c: Context<Env>, retryAfter: number): Promise<Response> {
  const error = `You're sending messages faster than we can read them. Please wait ${retryAfter} seconds and try again.`
  const id = c.req.param('id') ?? ''
  if (isJson(c)) return c.json({ error, retry_after: retryAfter }, 429)
  if (c.req.path.endsWith('/handoff')) return c.text(error, 429)
  if (c.req.path.endsWith('/contact')) {
    const consent = (await getStore(s.db, s.config.storeId)).settings.contactConsent ?? DEFAULT_CONSENT
    return c.html(<ContactForm conversationId={id} consent={consent} error={error} />, 429)
  }
  const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>))
  const value = typeof form.body === 'string' ? form.body : undefined
  return c.html(<ChatComposer conversationId={id} clientId={randomUUID()} error={error} value={value} />, 429)
}

/**
 * The conversation row the access check read (when it exists and is the visitor's), so handlers need not read it
 * again; null when the check found no conversation with that id yet (the visitor's first message creates it).
 */
type ChatEnv = { Variables: Env['Variables'] & { conversation?: Conversation | null } }

/** The rider's side: the chat page, posting messages, and the live stream of their conversation. */
export function chatRoutes(s: Services) {
  const storeId = s.config.storeId
  const app = new Hono<ChatEnv>()
  app.use('*', visitor(s))

  app.get('/', async (c) => {
    // The position first: an event that commits during the reads below is then replayed by the stream (its line is
    // added once, see public/append-new.js), never lost between a read and the position.
    const position = await streamPosition(s.db, storeId)
    const store = await getStore(s.db, storeId)
    // A visitor who just got their cookie has no chat to look for.
    const open = c.get('newVisitor') ? undefined : await latestConversationOf(s.db, storeId, c.get('visitorId'))
    const conversationId = open && open.status !== 'closed' ? open.id : randomUUID()
    const current = open?.id === conversationId ? open : undefined
    const messages = current ? await transcript(s.db, conversationId, { includeInternal: false }) : []
    return c.html('<!doctype html>' + (await (
      <ChatPage storeName={store.name} timeZone={store.timezone} conversationId={conversationId} clientId={randomUUID()}
        messages={messages} staffNames={await staffNamesFor(s, messages)} position={position}
        ratings={current ? (await ratingsOf(s.db, conversationId)).answers : {}}
        status={await riderStatus(s, conversationId, current)} embed={c.req.query('embed') === '1'}
        contactForm={raw(await contactSlot(s, current))} />
    )))
  })

  // Writes share one budget per visitor and per IP; the answer is rendered where the rider is typing.
  for (const limit of chatRateLimits<Env>(s.config, (c, retryAfter) => tooFast(s, c, retryAfter))) app.on('POST', ['/:id/messages', '/:id/contact', '/:id/handoff'], limit)
  // Typing signals (one per 3 s from app.js) get twice the budget of their own, answered silently.
  const typing = { ...s.config, chatRate: { perIp: s.config.chatRate.perIp * 2, perVisitor: s.config.chatRate.perVisitor * 2 } }
  for (const limit of chatRateLimits<Env>(typing, (c) => c.body(null, 429))) app.post('/:id/typing', limit)
  // Ratings (thumbs and stars) have a budget of their own, the size of the writes' one: a vote is a database write.
  for (const limit of chatRateLimits<Env>(s.config, (c, retryAfter) => {
    const error = `Too many ratings at once. Please wait ${retryAfter} seconds and try again.`
    return isJson(c) ? c.json({ error, retry_after: retryAfter }, 429) : c.text(error, 429)
  })) app.post('/:id/ratings', limit)

  app.use('/:id/*', async (c, next) => {
    if (!v.is(UUID, c.req.param('id'))) return c.json({ error: 'id: must be a UUID' }, 400)
    // Ownership never changes: a conversation this process already checked needs no query (handlers read it if they must).
    const owner = knownOwner(s.db, storeId, c.get('visitorId'), c.req.param('id'))
    if (owner === false) return c.json({ error: 'not your conversation' }, 403)
    if (owner) return next()
    const access = await visitorAccess(s.db, storeId, c.get('visitorId'), c.req.param('id'))
    if (!access.allowed) return c.json({ error: 'not your conversation' }, 403)
    c.set('conversation', access.exists ? access.conversation : null)
    await next()
  })

  app.post('/:id/messages', async (c) => {
    const id = c.req.param('id')
    const parsed = await parseBody(c, MessageInput)
    if (!parsed.ok) {
      if (isJson(c)) return c.json({ error: describeIssues(parsed.issues), issues: parsed.issues }, 400)
      return c.html(<ChatComposer conversationId={id} clientId={randomUUID()} error={describeIssues(parsed.issues)} />, 400)
    }
    const { message, duplicate } = await postCustomerMessage(s, {
      storeId, visitorId: c.get('visitorId'), conversationId: id, clientId: parsed.data.client_id, body: parsed.data.body,
      conversation: c.get('conversation'),
    })
    if (isJson(c)) return c.json({ message, duplicate }, duplicate ? 200 : 201)
    if (!c.req.header('hx-request')) return c.redirect('/chat', 303) // the form works before htmx loads, too
    return c.html(<ChatComposer conversationId={id} clientId={randomUUID()} />, duplicate ? 200 : 201)
  })

  app.post('/:id/handoff', async (c) => {
    const conv = c.get('conversation') ?? await conversationForVisitor(s.db, storeId, c.get('visitorId'), c.req.param('id'))
    await requestPerson(s, conv)
    return c.body(null, 204)
  })

  app.post('/:id/contact', async (c) => {
    const id = c.req.param('id')
    const store = await getStore(s.db, storeId)
    const consent = store.settings.contactConsent ?? DEFAULT_CONSENT
    const parsed = await parseBody(c, ContactInput)
    if (!parsed.ok) return c.html(<ContactForm conversationId={id} consent={consent} error={describeIssues(parsed.issues)} />, 400)
    await saveContact(s, storeId, c.get('visitorId'), id, parsed.data)
    return c.html(<ContactForm conversationId={id} consent={consent} saved />)
  })

  app.post('/:id/typing', async (c) => {
    await s.bus.publish(typingSignal(storeId, c.req.param('id'), 'rider', 'rider'))
    return c.body(null, 204)
  })

  app.post('/:id/ratings', async (c) => {
    const id = c.req.param('id')
    const parsed = await parseBody(c, RatingInput)
    const form = parsed.ok ? parsed.data : undefined
    try {
      if (!form) throw new RatingRefused(describeIssues((parsed as { issues: FieldIssue[] }).issues))
      const { value } = await rate(s.db, { storeId, visitorId: c.get('visitorId'), conversationId: id }, form)
      if (isJson(c)) return c.json({ kind: form.kind, value })
      if (!c.req.header('hx-request')) return c.redirect('/chat', 303)
      return c.html(form.kind === 'answer' ? <AnswerRating conversationId={id} messageId={form.message_id} value={value} /> : <ChatRating conversationId={id} value={value} />)
    } catch (err) {
      if (!(err instanceof RatingRefused)) throw err
      if (isJson(c)) return c.json({ error: err.message }, 400)
      const messageId = form?.kind === 'answer' ? form.message_id : undefined
      return c.html(messageId ? <AnswerRating conversationId={id} messageId={messageId} error={err.message} /> : <ChatRating conversationId={id} error={err.message} />, 400)
    }
  })

  app.get('/:id/messages', async (c) => c.json({ messages: await transcript(s.db, c.req.param('id'), { includeInternal: false }) }))

  const streams = new StreamSlots(s.config.sseStreamsPerClient)
  app.get('/:id/events', async (c) => {
    const id = c.req.param('id')
    const { timezone } = await getStore(s.db, storeId)
    const release = streams.acquire(c.get('visitorId'))
    if (!release) return c.text(TOO_MANY_STREAMS, 429)
    const running = runningFromQuery(c.req.query('running'))
    return eventStream(c, {
      onClose: release,
      bus: s.bus,
      after: () => latestEventId(s.db, storeId),
      accept: (e) => e.conversationId === id,
      conversationId: id,
      replay: (afterId, resumed) => eventsSince(s.db, { storeId, conversationId: id, afterId, running, resumed }),
      render: (e) => riderEventHtml(s, e, timezone),
    })
  })
  return app
}
