import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { backends } from '../support/db.ts'
import type { Database } from '../../src/db/client.ts'
import { insertMessage, storeMessage } from '../../src/conversations/store.ts'
import { DEMO_STORE } from '../../src/staff/demo.ts'
import { demoApp, readSse } from '../support/app.ts'
import { appendEvent, positionQuery, runningFromQuery, streamPosition } from '../../src/realtime/events.ts'

/**
 * A page carries the stream position it was rendered at (`?after=` on its stream): events after it are replayed,
 * events at or below it must already be on the page. So the page reads its position before its content: a message
 * that commits between two of its reads is then on the page and replayed (the browser adds the line once), never
 * missing from both. Here a rider message commits just before the position is read, the last moment it could be
 * missed (before, the position was read last, after the transcript).
 */
const pglite = backends.find((b) => b.name === 'pglite')!

/** A rider with an open chat (their first message posted); returns the rider's client and the chat's id. */
async function riderWithChat(ctx: Awaited<ReturnType<typeof demoApp>>, body: string) {
  const rider = ctx.client()
  await rider.request('/chat')
  const conv = randomUUID()
  expect((await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body } })).status).toBe(201)
  return { rider, conv }
}
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
      if (armed && sql.includes('order by store_id desc, id desc limit 1')) {
        armed = false
        await commit()
      }
      return (query as (...a: unknown[]) => unknown)(sql, ...rest)
    }) as typeof lite.query
    return () => { lite.query = query }
  }
  const afterOf = (html: string) => Number(/events\?(?:[^"]*&)?after=(\d+)/.exec(html)![1])

  test('the rider\'s chat page: a message committed during the render is on the page or after its position', async () => {
    const { rider, conv } = await riderWithChat(ctx, 'first question')
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
    const { conv } = await riderWithChat(ctx, 'my sled died on the trail')
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

/**
 * The other way a change can fall between a page and its stream: a transaction took a lower event id, was still
 * running when the page read its position, and commits after. The page lists the running transactions in its stream
 * URL, and the stream replays their events.
 */
const pg = backends.find((b) => b.name === 'postgres')
describe.skipIf(!pg)('a transaction running while a page reads its position (PostgreSQL)', () => {
  test('its event, committed after the page, is replayed by the page\'s stream', async () => {
    const { database, cleanup } = await pg!.open()
    try {
      const ctx = await demoApp(database)
      const { conv } = await riderWithChat(ctx, 'first question')
      const staff = ctx.client()
      await staff.login()

      let release!: () => void
      const held = new Promise<void>((r) => { release = r })
      let lateId = 0
      // A writer that takes an event id and commits later (a staff note, say: it does not wait on the chat's row).
      const late = database.db.transaction(async (tx) => {
        const { message } = await insertMessage(tx, { conversationId: conv, author: 'staff', internal: true, body: 'Late line', clientId: randomUUID() })
        lateId = (await appendEvent(tx, { storeId: DEMO_STORE.id, conversationId: conv, kind: 'message', data: { messageId: message.id, author: 'staff', internal: true } })).id
        await held // its event id is taken; the commit waits
      })
      while (!lateId) await Bun.sleep(5)
      const early = Number((await storeMessage(database.db, DEMO_STORE.id, { conversationId: conv, author: 'customer', body: 'Early line', clientId: randomUUID() })).eventId)
      expect(early).toBeGreaterThan(lateId)

      const html = await (await staff.request(`/inbox/${conv}`)).text()
      expect(html).toContain('Early line')
      expect(html).not.toContain('Late line')
      const stream = /hx-sse:connect="([^"]+)"/.exec(html)![1].replaceAll('&amp;', '&')
      expect(Number(/after=(\d+)/.exec(stream)![1])).toBeGreaterThanOrEqual(early)
      expect(stream).toMatch(/&running=\d+/)
      release()
      await late

      const frames = await readSse(await staff.request(stream), (m) => m.some((x) => x.data.includes('Late line')), 5000)
      expect(frames.some((x) => x.data.includes('Late line'))).toBe(true)
      // Without the running transactions the same position replays nothing of it (what pages did before).
      const bare = await readSse(await staff.request(stream.replace(/&running=[\d,]+/, '')), (m) => m.some((x) => x.data.includes('Late line')), 1000)
      expect(bare.some((x) => x.data.includes('Late line'))).toBe(false)
    } finally {
      await cleanup()
    }
  })
})

describe('stream positions in URLs', () => {
  test('running transactions: digits separated by commas, at most 64, each below 2^32; anything else is ignored', () => {
    expect(runningFromQuery('12,345')).toEqual([12, 345])
    expect(runningFromQuery(undefined)).toEqual([])
    for (const bad of ['', '1,,2', 'x', '1;drop', '-1', Array.from({ length: 65 }, (_, i) => i).join(','), '99999999999']) expect(runningFromQuery(bad)).toEqual([])
    expect(runningFromQuery('4294967296')).toEqual([])
    expect(positionQuery({ after: 7, running: [] })).toBe('after=7')
    expect(positionQuery({ after: 7, running: [1, 2] })).toBe('after=7&running=1,2')
  })

  test('on PGlite (one transaction at a time) a position lists none', async () => {
    const { database, cleanup } = await pglite.open()
    try {
      expect(await streamPosition(database.db, 'demo')).toEqual({ after: 0, running: [] })
    } finally {
      await cleanup()
    }
  })
})
