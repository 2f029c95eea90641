import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { backends } from '../support/db.ts'
import type { Database } from '../../src/db/client.ts'
import { conversations, customers, events, staffUsers } from '../../src/db/schema.ts'
import { DEMO_STORE, seedDemoStore } from '../../src/staff/demo.ts'
import { conversationForVisitor, countsFor, Forbidden, getConversation, getMessage, knownOwner, listCards, storeMessage, storeMessageIf, storeTurn, storeViewCounts, transcript, viewCounts } from '../../src/conversations/store.ts'

// storeMessage is the one-statement write of the message pipeline: what it returns must be what a read gives.
for (const backend of backends) {
  describe(`storeMessage (${backend.name})`, () => {
    let database: Database
    let cleanup: () => Promise<void>
    let storeId: string
    beforeAll(async () => {
      ({ database, cleanup } = await backend.open())
      await seedDemoStore(database.db, { password: 'correct-horse-battery' })
      storeId = DEMO_STORE.id
    })
    afterAll(() => cleanup())

    test('stores the message, the activity and the event together, and returns rows as drizzle reads them', async () => {
      const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
      const r = await storeMessage(database.db, storeId, {
        conversationId: conv.id, author: 'bot', body: 'It comes in <red> & "blue"', clientId: 'c1',
        citations: [{ id: 'unit:1', title: 'A' }], decision: { source: 'local', confidence: 0.5 },
      })
      expect(r.duplicate).toBe(false)
      expect(r.message).toEqual((await getMessage(database.db, r.message.id))!)
      expect(r.conversation).toEqual(await getConversation(database.db, storeId, conv.id))
      expect(r.conversation!.lastMessageAt).toEqual(r.message.createdAt)
      const [e] = await database.db.select().from(events).where(eq(events.id, r.eventId!))
      expect(e).toMatchObject({ storeId, conversationId: conv.id, kind: 'message', data: { messageId: r.message.id, author: 'bot', internal: false } })
    })

    test('with `transcript`, the same statement returns the public transcript a read right after would give', async () => {
      const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
      const say = (author: 'customer' | 'bot' | 'system', body: string, internal = false) =>
        storeMessage(database.db, storeId, { conversationId: conv.id, author, body, clientId: randomUUID(), internal, citations: author === 'bot' ? [{ id: 'u1' }] : undefined }, { transcript: true })
      const first = await say('customer', 'Do you have a Grizzly?')
      expect(first.transcript).toEqual([first.message])
      await say('bot', 'Yes, stock N26-0222.')
      await say('system', 'AI flagged this chat', true)
      const third = await say('customer', 'How much is it?')
      expect(third.transcript).toEqual(await transcript(database.db, conv.id, { includeInternal: false }))
      expect(third.transcript!.map((m) => m.body)).toEqual(['Do you have a Grizzly?', 'Yes, stock N26-0222.', 'How much is it?'])
      const retry = await storeMessage(database.db, storeId, { conversationId: conv.id, author: 'customer', body: 'x', clientId: third.message.clientId }, { transcript: true })
      expect(retry.duplicate).toBe(true)
      expect(retry.transcript).toBeUndefined()
    })

    test('a retry with the same client id stores nothing and publishes nothing', async () => {
      const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
      const m = { conversationId: conv.id, author: 'customer' as const, body: 'hi', clientId: 'same' }
      const first = await storeMessage(database.db, storeId, m)
      const count = async () => (await database.db.select().from(events).where(eq(events.conversationId, conv.id))).length
      const before = await count()
      const again = await storeMessage(database.db, storeId, { ...m, body: 'changed' })
      expect(again).toMatchObject({ duplicate: true, message: first.message })
      expect(again.eventId).toBeUndefined()
      expect(await count()).toBe(before)
    })

    test.skipIf(backend.name !== 'postgres')('on PostgreSQL the same statement announces the event (NOTIFY on commit), and a retry does not', async () => {
      const got: unknown[] = []
      const listening = await database.pg!.listen('pw_store_message_test', (p) => got.push(JSON.parse(p)))
      try {
        const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
        const m = { conversationId: conv.id, author: 'customer' as const, body: 'hi', clientId: 'n1' }
        const r = await storeMessage(database.db, storeId, m, { notify: 'pw_store_message_test' })
        expect(r.notified).toBe(true)
        expect((await storeMessage(database.db, storeId, m, { notify: 'pw_store_message_test' })).notified).toBe(false)
        for (let i = 0; i < 50 && got.length < 1; i++) await Bun.sleep(20)
        await Bun.sleep(100)
        expect(got).toEqual([{ id: r.eventId, storeId, conversationId: conv.id, kind: 'message' }])
      } finally {
        await listening.unlisten()
      }
    })

    test('the inbox card keeps what the rider last said and lists the chat only once it has a message', async () => {
      const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
      const card = async () => (await listCards(database.db, storeId, { view: 'all', ids: [conv.id] }))[0]
      expect(await card()).toBeUndefined() // created for the first message, which is not stored yet
      const say = (author: 'customer' | 'bot' | 'system', body: string, internal = false) =>
        storeMessage(database.db, storeId, { conversationId: conv.id, author, body, clientId: randomUUID(), internal })
      const first = await say('customer', 'Do you have a Grizzly?')
      expect((await card())?.lastMessage).toBe('Do you have a Grizzly?')
      expect(first.conversation!.firstMessageAt).toEqual(first.message.createdAt)
      await say('bot', 'Yes, stock N26-0222.')
      await say('system', 'AI flagged this chat', true)
      expect((await card())?.lastMessage).toBe('Do you have a Grizzly?') // only the rider's words
      const second = await say('customer', 'How much is it?')
      expect((await card())?.lastMessage).toBe('How much is it?')
      expect(second.conversation!.firstMessageAt).toEqual(first.message.createdAt)
    })

    test('the tab counts of every staff member come from one query: "mine" per assignee, the rest shared', async () => {
      const [a, b] = await database.db.select({ id: staffUsers.id }).from(staffUsers).limit(2)
      const before = await storeViewCounts(database.db, storeId)
      const open = async (patch: Partial<{ status: 'waiting' | 'claimed' | 'closed'; assigneeId: string }>) => {
        const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
        await storeMessage(database.db, storeId, { conversationId: conv.id, author: 'customer', body: 'hi', clientId: randomUUID() })
        await database.db.update(conversations).set(patch).where(eq(conversations.id, conv.id))
      }
      await open({ status: 'waiting' })
      await open({ status: 'claimed', assigneeId: a.id })
      await open({ status: 'claimed', assigneeId: a.id })
      await open({ status: 'claimed', assigneeId: b.id })
      await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID()) // nothing said yet: not counted
      const after = await storeViewCounts(database.db, storeId)
      expect(after.all - before.all).toBe(4)
      expect(after.needs - before.needs).toBe(1)
      expect((after.mine[a.id] ?? 0) - (before.mine[a.id] ?? 0)).toBe(2)
      expect(countsFor(after, b.id).mine - countsFor(before, b.id).mine).toBe(1)
      expect(countsFor(after, randomUUID()).mine).toBe(0)
      expect(await viewCounts(database.db, storeId, { staffId: a.id })).toEqual(countsFor(after, a.id))
    })

    test('with `onlyOpen`, nothing is stored into a closed conversation, and a retry stores nothing either', async () => {
      const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
      const m = { conversationId: conv.id, author: 'customer' as const, body: 'are you open?', clientId: randomUUID() }
      const first = await storeMessageIf(database.db, storeId, m, { onlyOpen: true, transcript: true })
      expect(first?.message.body).toBe('are you open?')
      expect(first?.transcript?.map((x) => x.body)).toEqual(['are you open?'])
      expect(await storeMessageIf(database.db, storeId, m, { onlyOpen: true })).toBeUndefined()
      await database.db.update(conversations).set({ status: 'closed' }).where(eq(conversations.id, conv.id))
      const closed = { ...m, clientId: randomUUID(), body: 'hello again' }
      expect(await storeMessageIf(database.db, storeId, closed, { onlyOpen: true })).toBeUndefined()
      expect((await transcript(database.db, conv.id, { includeInternal: true })).map((x) => x.body)).toEqual(['are you open?'])
      expect((await getConversation(database.db, storeId, conv.id)).status).toBe('closed')
      // Without it, the message goes in as before (the caller moves the status).
      expect((await storeMessage(database.db, storeId, closed)).duplicate).toBe(false)
    })

    test('the process remembers who owns the conversations it opened or checked', async () => {
      const id = randomUUID()
      expect(knownOwner(database.db, storeId, 'v-remembered', id)).toBeUndefined()
      await conversationForVisitor(database.db, storeId, 'v-remembered', id)
      expect(knownOwner(database.db, storeId, 'v-remembered', id)).toBe(true)
      expect(knownOwner(database.db, storeId, 'v-someone-else', id)).toBe(false)
      expect(knownOwner(database.db, 'another-store', 'v-remembered', id)).toBe(false)
    })

    test('a conversation is only ever returned to the visitor who started it', async () => {
      const id = randomUUID()
      const mine = await conversationForVisitor(database.db, storeId, 'v-owner', id)
      expect((await conversationForVisitor(database.db, storeId, 'v-owner', id)).id).toBe(mine.id)
      await expect(conversationForVisitor(database.db, storeId, 'v-someone-else', id)).rejects.toBeInstanceOf(Forbidden)
    })

    test('the first message opens the conversation in one statement: one customer, one `opened` fact, even when raced', async () => {
      const id = randomUUID()
      const visitor = `v-${randomUUID()}`
      // The same visitor's two tabs (or a retry) at once, and a stranger with the same id.
      const results = await Promise.allSettled([
        conversationForVisitor(database.db, storeId, visitor, id), conversationForVisitor(database.db, storeId, visitor, id),
        conversationForVisitor(database.db, storeId, 'v-stranger', id),
      ])
      const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ id: string; customerId: string }>).value)
      expect(ok.length).toBeGreaterThanOrEqual(1)
      expect(new Set(ok.map((c) => c.id))).toEqual(new Set([id]))
      const [owner] = await database.db.select().from(customers).where(eq(customers.id, ok[0].customerId))
      // Whoever won the race owns it; everyone else is refused.
      const loser = owner.visitorId === visitor ? 'v-stranger' : visitor
      await expect(conversationForVisitor(database.db, storeId, loser, id)).rejects.toBeInstanceOf(Forbidden)
      expect((await database.db.select().from(customers).where(eq(customers.visitorId, visitor))).length).toBe(1)
      const opened = await database.db.select().from(events).where(and(eq(events.conversationId, id), eq(events.kind, 'opened')))
      expect(opened.length).toBe(1)
      // A visitor coming back with a new chat keeps their customer row.
      const next = await conversationForVisitor(database.db, storeId, owner.visitorId, randomUUID())
      expect(next.customerId).toBe(owner.id)
    })
    test('storeTurn: a question and its answer in one statement, or nothing when the chat moved on', async () => {
      const conv = await conversationForVisitor(database.db, storeId, `v-${randomUUID()}`, randomUUID())
      const hello = await storeMessage(database.db, storeId, { conversationId: conv.id, author: 'customer', body: 'hi', clientId: randomUUID() })
      const greet = await storeMessage(database.db, storeId, { conversationId: conv.id, author: 'bot', body: 'Hello!', clientId: `bot:${hello.message.id}` })
      await database.db.update(conversations).set({ tags: ['sales'] }).where(eq(conversations.id, conv.id))
      const turn = (after: string, clientId: string = randomUUID()) => storeTurn(database.db, storeId, {
        conversationId: conv.id, after, tags: ['sales', 'inventory', 'inventory'], fact: { kind: 'answer', data: { confidence: 0.8 } },
        rider: { id: randomUUID(), body: 'Is the <Grizzly> in stock?', clientId, decision: { action: 'answer' } },
        reply: { body: 'Yes: stock N26-0222.', citations: [{ id: 'unit:1' }], decision: { source: 'local' } },
      })
      const eventCount = async () => (await database.db.select().from(events).where(eq(events.conversationId, conv.id))).length
      const before = await eventCount()
      // Not the newest message any more (the answer came after it): nothing is stored.
      expect(await turn(hello.message.id)).toBeUndefined()
      expect(await eventCount()).toBe(before)
      const t = (await turn(greet.message.id, 'q1'))!
      expect(t.message).toEqual((await getMessage(database.db, t.message.id))!)
      expect(t.reply).toEqual((await getMessage(database.db, t.reply.id))!)
      expect(t.message).toMatchObject({ author: 'customer', body: 'Is the <Grizzly> in stock?', clientId: 'q1', decision: { action: 'answer' } })
      expect(t.reply).toMatchObject({ author: 'bot', clientId: `bot:${t.message.id}`, citations: [{ id: 'unit:1' }] })
      expect(t.reply.createdAt.getTime()).toBeGreaterThanOrEqual(t.message.createdAt.getTime())
      expect(await transcript(database.db, conv.id, { includeInternal: false })).toEqual([hello.message, greet.message, t.message, t.reply])
      expect(t.conversation).toEqual(await getConversation(database.db, storeId, conv.id))
      expect(t.conversation).toMatchObject({ tags: ['sales', 'inventory'], lastRiderText: 'Is the <Grizzly> in stock?', lastMessageAt: t.reply.createdAt })
      const evs = await database.db.select().from(events).where(eq(events.conversationId, conv.id))
      expect(t.eventIds).toHaveLength(2)
      expect(t.eventIds.map((id) => (evs.find((e) => Number(e.id) === id)!.data as { messageId: string }).messageId)).toEqual([t.message.id, t.reply.id])
      expect(evs.find((e) => e.kind === 'answer')?.data).toEqual({ confidence: 0.8, messageId: t.reply.id })
      // The same client id again (a retry), or a chat a person took: nothing more is stored.
      expect(await turn(t.reply.id, 'q1')).toBeUndefined()
      await database.db.update(conversations).set({ status: 'claimed' }).where(eq(conversations.id, conv.id))
      expect(await turn(t.reply.id)).toBeUndefined()
      expect(await eventCount()).toBe(before + 3)
      expect((await transcript(database.db, conv.id, { includeInternal: false })).length).toBe(4)
    })
    test('storeTurn with `opens`: a first message opens the chat, as openConversation would, in the same statement', async () => {
      const visitor = `v-${randomUUID()}`, id = randomUUID()
      const turn = (clientId: string, opens = visitor) => storeTurn(database.db, storeId, {
        conversationId: id, after: { opens }, tags: ['service'],
        rider: { id: randomUUID(), body: 'Do you winterize jet skis?', clientId, decision: { action: 'answer' } },
        reply: { body: 'Yes, $189.', decision: { source: 'local' } },
      })
      const t = (await turn('first'))!
      expect(t.conversation).toEqual(await getConversation(database.db, storeId, id))
      expect(t.conversation).toMatchObject({
        status: 'bot', tags: ['service'], lastRiderText: 'Do you winterize jet skis?', lastRiderAt: t.message.createdAt,
        firstMessageAt: t.message.createdAt, lastMessageAt: t.reply.createdAt,
      })
      expect(await transcript(database.db, id, { includeInternal: false })).toEqual([t.message, t.reply])
      expect(knownOwner(database.db, storeId, visitor, id)).toBe(true)
      // The same visitor's chat as a read finds it, with the `opened` fact insights count chats by.
      expect((await conversationForVisitor(database.db, storeId, visitor, id)).id).toBe(id)
      const evs = await database.db.select().from(events).where(eq(events.conversationId, id))
      expect(evs.map((e) => e.kind).sort()).toEqual(['message', 'message', 'opened'])
      // The id is taken now: another first message (a retry, or someone else's) stores nothing.
      expect(await turn('again')).toBeUndefined()
      expect(await turn('other', `v-${randomUUID()}`)).toBeUndefined()
      expect((await transcript(database.db, id, { includeInternal: false })).length).toBe(2)
      expect((await database.db.select().from(events).where(eq(events.conversationId, id))).length).toBe(3)
    })
  })
}
