import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { backends } from '../support/db.ts'
import { rows, type Database } from '../../src/db/client.ts'
import { insertMessage } from '../../src/conversations/store.ts'
import { appendEvent } from '../../src/realtime/events.ts'
import { DEMO_STORE } from '../../src/staff/demo.ts'
import { demoApp, readSse, type Client } from '../support/app.ts'
import { staffLine, takeEventId } from '../support/late-commit.ts'

/**
 * Event ids are taken at insert and transactions commit in their own order. A browser whose stream sent id N and then
 * dropped comes back with Last-Event-ID: N; an event that took a lower id and committed while it was away is not
 * "after N", yet the browser never saw it. The reconnecting stream replays such late commits (and only those: not the
 * events the browser already had). Here the late commit is made the way it happens: an id is taken first, the event
 * holding it is written after the event at the position.
 */
for (const backend of backends) {
  describe(`a reconnecting stream gets the late commits it missed (${backend.name})`, () => {
    let database: Database
    let cleanup: () => Promise<void>
    let ctx: Awaited<ReturnType<typeof demoApp>>
    beforeAll(async () => {
      ;({ database, cleanup } = await backend.open())
      ctx = await demoApp(database)
    })
    afterAll(() => cleanup())

    const say = (conv: string, body: string) => staffLine(database.db, conv, body)
    const takeId = () => takeEventId(database.db)
    async function riderChat(): Promise<{ rider: Client; conv: string }> {
      const rider = ctx.client()
      await rider.request('/chat')
      const conv = randomUUID()
      expect((await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'is my quad ready?' } })).status).toBe(201)
      return { rider, conv }
    }
    const idsOf = (msgs: { id?: string }[]) => msgs.map((m) => Number(m.id))

    for (const viewer of ['rider', 'staff'] as const) {
      test(`${viewer}: the late line comes once under its own id, then the position is put back; nothing it had is sent again`, async () => {
        const { rider, conv } = await riderChat()
        const staff = ctx.client()
        if (viewer === 'staff') await staff.login()
        const client = viewer === 'rider' ? rider : staff
        const path = viewer === 'rider' ? `/chat/${conv}/events` : `/inbox/${conv}/events`
        const late = await takeId()
        const position = await say(conv, 'Sent before the drop')
        // The browser had everything up to `position`, then dropped; the late commit lands while it is away.
        await late.commit(conv, 'Committed while the browser was away')
        const res = await client.request(path, { headers: { 'last-event-id': String(position) } })
        const got = (await readSse(res, (m) => m.filter((x) => x.id).length >= 2, 3000)).filter((x) => x.id)
        expect(idsOf(got)).toEqual([late.id, position])
        expect(got[0].data).toContain('Committed while the browser was away')
        expect(got[1].data).toBe('') // id only: the browser's Last-Event-ID is the position again
      })
    }

    test('events stored in the same transaction as the one at the position are not sent again', async () => {
      const { rider, conv } = await riderChat()
      const position = await database.db.transaction(async (tx) => {
        let id = 0
        for (const body of ['Rider line', 'Answer line']) {
          const { message } = await insertMessage(tx, { conversationId: conv, author: 'staff', body, clientId: randomUUID() })
          id = (await appendEvent(tx, { storeId: DEMO_STORE.id, conversationId: conv, kind: 'message', data: { messageId: message.id, author: 'staff', internal: false } })).id
        }
        return id
      })
      const res = await rider.request(`/chat/${conv}/events`, { headers: { 'last-event-id': String(position) } })
      const got = (await readSse(res, (m) => m.filter((x) => x.id).length >= 1, 1000)).filter((x) => x.id)
      expect(got).toEqual([])
    })

    test('the same position from a page (no Last-Event-ID) is not a reconnect: nothing below it is replayed', async () => {
      const { rider, conv } = await riderChat()
      const late = await takeId()
      const position = await say(conv, 'On the page')
      await late.commit(conv, 'Late, but before the page was rendered')
      const res = await rider.request(`/chat/${conv}/events?after=${position}`)
      const got = (await readSse(res, (m) => m.filter((x) => x.id).length >= 1, 1000)).filter((x) => x.id)
      expect(got).toEqual([])
    })

    test('an inbox reconnecting with nothing new is sent its list as it is now', async () => {
      await riderChat()
      const staff = ctx.client()
      await staff.login()
      const [{ id }] = await rows<{ id: string }>(database.db, sql`select max(id)::text as id from events`)
      const res = await staff.request('/inbox/events?view=all', { headers: { 'last-event-id': id } })
      const got = (await readSse(res, (m) => m.some((x) => x.data.includes('is my quad ready?')), 3000))
      expect(got.some((x) => x.data.includes('is my quad ready?'))).toBe(true)
    })
  })
}

const pg = backends.find((b) => b.name === 'postgres')

describe.skipIf(!pg)('a transaction holding a lower id while a stream drops (PostgreSQL)', () => {
  test('its event, committed while the browser was away, reaches the reconnected stream; one committed before does not come again', async () => {
    const { database, cleanup } = await pg!.open()
    try {
      const ctx = await demoApp(database)
      const rider = ctx.client()
      await rider.request('/chat')
      const conv = randomUUID()
      expect((await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'first question' } })).status).toBe(201)
      const say = (body: string) => staffLine(database.db, conv, body)
      const before = await say('Seen before the drop')

      let release!: () => void
      const held = new Promise<void>((r) => { release = r })
      let lateId = 0
      // A writer that takes an event id and commits later (it does not wait on the chat's row, nor the others on it).
      const late = database.db.transaction(async (tx) => {
        const { message } = await insertMessage(tx, { conversationId: conv, author: 'staff', body: 'Late line', clientId: randomUUID() })
        lateId = (await appendEvent(tx, { storeId: DEMO_STORE.id, conversationId: conv, kind: 'message', data: { messageId: message.id, author: 'staff', internal: false } })).id
        await held
      })
      while (!lateId) await Bun.sleep(5)
      const position = await say('The last line the browser had')
      expect(position).toBeGreaterThan(lateId)
      release()
      await late

      const res = await rider.request(`/chat/${conv}/events`, { headers: { 'last-event-id': String(position) } })
      const got = (await readSse(res, (m) => m.filter((x) => x.id).length >= 2, 3000)).filter((x) => x.id)
      expect(got.map((m) => Number(m.id))).toEqual([lateId, position])
      expect(got[0].data).toContain('Late line')
      expect(got.some((m) => Number(m.id) === before)).toBe(false)
    } finally {
      await cleanup()
    }
  })
})
