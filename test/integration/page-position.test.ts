import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { backends } from '../support/db.ts'
import type { Database } from '../../src/db/client.ts'
import { storeMessage } from '../../src/conversations/store.ts'
import { DEMO_STORE } from '../../src/staff/demo.ts'
import { demoApp } from '../support/app.ts'

/**
 * A page carries the stream position it was rendered at (`?after=` on its stream): events after it are replayed,
 * events at or below it must already be on the page. So the page reads its position before its content: a message
 * that commits between two of its reads is then on the page and replayed (the browser adds the line once), never
 * missing from both. Here a rider message commits just before the position is read, the last moment it could be
 * missed (before, the position was read last, after the transcript).
 */
const pglite = backends.find((b) => b.name === 'pglite')!
describe('a page reads its stream position before its content', () => {
  let database: Database
  let cleanup: () => Promise<void>
  let ctx: Awaited<ReturnType<typeof demoApp>>
  beforeAll(async () => {
    ;({ database, cleanup } = await pglite.open())
    ctx = await demoApp(database)
  })
  afterAll(() => cleanup())

  /** Runs `commit` once, just before the next statement that reads the newest event id. */
  function commitBeforePositionRead(commit: () => Promise<unknown>) {
    const lite = database.lite!
    const query = lite.query.bind(lite)
    let armed = true
    lite.query = (async (sql: string, ...rest: unknown[]) => {
      if (armed && /max\("id"\)[^)]*\) from "events"/.test(sql)) {
        armed = false
        await commit()
      }
      return (query as (...a: unknown[]) => unknown)(sql, ...rest)
    }) as typeof lite.query
    return () => { lite.query = query }
  }
  const afterOf = (html: string) => Number(/events\?after=(\d+)/.exec(html)![1])

  test('the rider\'s chat page: a message committed during the render is on the page or after its position', async () => {
    const rider = ctx.client()
    await rider.request('/chat')
    const conv = randomUUID()
    expect((await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'first question' } })).status).toBe(201)
    let eventId = 0
    const restore = commitBeforePositionRead(async () => {
      eventId = Number((await storeMessage(database.db, DEMO_STORE.id, { conversationId: conv, author: 'staff', body: 'Committed mid-render', clientId: randomUUID() })).eventId)
    })
    try {
      const html = await (await rider.request('/chat')).text()
      expect(eventId).toBeGreaterThan(0)
      expect(html.includes('Committed mid-render') || afterOf(html) < eventId).toBe(true)
    } finally {
      restore()
    }
  })

  test('the staff conversation page and the inbox too', async () => {
    const rider = ctx.client()
    await rider.request('/chat')
    const conv = randomUUID()
    expect((await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'my sled died on the trail' } })).status).toBe(201)
    const staff = ctx.client()
    await staff.login()
    for (const path of [`/inbox/${conv}`, '/inbox?view=all']) {
      let eventId = 0
      const body = `Rider again ${randomUUID().slice(0, 8)}`
      const restore = commitBeforePositionRead(async () => {
        eventId = Number((await storeMessage(database.db, DEMO_STORE.id, { conversationId: conv, author: 'customer', body, clientId: randomUUID() })).eventId)
      })
      try {
        const html = await (await staff.request(path)).text()
        expect(eventId).toBeGreaterThan(0)
        expect([path, html.includes(body) || afterOf(html) < eventId]).toEqual([path, true])
      } finally {
        restore()
      }
    }
  })
})
