import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { memoryBus, type Bus, type BusEvent } from '../../../src/realtime/bus.ts'
import { eventStream, MAX_BACKLOG } from '../../../src/realtime/sse.ts'

const event = (id: number, storeId = 'demo'): BusEvent => ({ id, storeId, conversationId: 'c', kind: 'message' })

/** A memory bus that counts its subscribers. */
function countingBus(): Bus & { subscribers: () => number } {
  const bus = memoryBus()
  let n = 0
  return {
    ...bus,
    subscribe(fn) { n++; const off = bus.subscribe(fn); return () => { n--; off() } },
    subscribers: () => n,
  }
}

/** Reads an SSE body as it arrives; `frames()` are the data payloads so far. */
function reader(res: Response) {
  const frames: string[] = []
  let buf = ''
  let all = ''
  const r = res.body!.getReader()
  const done = (async () => {
    const d = new TextDecoder()
    for (;;) {
      const { value, done } = await r.read().catch(() => ({ value: undefined, done: true }))
      if (done) return
      const text = d.decode(value)
      buf += text
      all += text
      let i
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i)
        buf = buf.slice(i + 2)
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')
        if (!block.startsWith('event: ready') && data) frames.push(`${block.match(/^id: (\d+)$/m)?.[1] ?? '-'}:${data}`)
      }
    }
  })()
  return { frames, raw: () => all, cancel: () => { void r.cancel(); return done } }
}

const until = async (ok: () => boolean, ms = 2000) => {
  const end = Date.now() + ms
  while (!ok() && Date.now() < end) await Bun.sleep(5)
  expect(ok()).toBe(true)
}

describe('grouped batch streams (the live inbox with many tabs open)', () => {
  test('streams of one group share one bus subscription and one render per flush; each writes its own step', async () => {
    const bus = countingBus()
    let prepares = 0
    const app = new Hono()
    app.get('/s', (c) => {
      let steps = 0
      return eventStream(c, {
        bus, after: 0, flushMs: 30,
        accept: (e) => e.storeId === 'demo',
        replay: async () => [],
        render: async () => null,
        renderBatch: async (batch) => `replayed ${batch.length}`,
        group: {
          name: 'view-1',
          prepare: async (batch) => { prepares++; return batch.map((e) => e.id).join(',') },
          step: (p) => `${p} #${++steps}`,
        },
      })
    })
    const streams = await Promise.all([1, 2, 3].map(async () => reader(await app.request('/s'))))
    await Bun.sleep(20) // every stream has replayed and is live
    expect(bus.subscribers()).toBe(1)

    for (const id of [1, 2, 3]) await bus.publish(event(id))
    await bus.publish(event(4, 'elsewhere')) // not accepted: never rendered
    await until(() => streams.every((s) => s.frames.length === 1))
    expect(prepares).toBe(1)
    for (const s of streams) expect(s.frames).toEqual(['3:1,2,3 #1'])

    await bus.publish(event(5))
    await until(() => streams.every((s) => s.frames.length === 2))
    expect(prepares).toBe(2)
    for (const s of streams) expect(s.frames[1]).toBe('5:5 #2')

    await Promise.all(streams.map((s) => s.cancel()))
    await until(() => bus.subscribers() === 0)
  })

  test('what a step held back is written to every stream of the group once the flushes stop, with the last id sent', async () => {
    const bus = countingBus()
    const app = new Hono()
    let held: string | null = null
    app.get('/s', (c) => eventStream(c, {
      bus, after: 0, flushMs: 0,
      accept: () => true,
      replay: async () => [],
      render: async () => null,
      renderBatch: async () => null,
      group: {
        name: 'view-held', prepare: async (batch) => batch.map((e) => e.id).join(','),
        step: (p) => { held = `counts after ${p}`; return null },
        held: () => { const h = held; held = null; return h }, heldAfterMs: 40,
      },
    }))
    const s = reader(await app.request('/s'))
    await Bun.sleep(10)
    await bus.publish(event(7))
    await Bun.sleep(5)
    expect(s.frames).toEqual([]) // held by the step
    await until(() => s.frames.length === 1)
    expect(s.frames).toEqual(['7:counts after 7'])
    await Bun.sleep(100) // nothing more held
    expect(s.frames).toEqual(['7:counts after 7'])
    await s.cancel()
  })

  test('a stream that joins late replays first and then takes the group\'s renders; a resync sends it through its own path', async () => {
    const bus = countingBus()
    const app = new Hono()
    app.get('/s', (c) => eventStream(c, {
      bus, after: Number(c.req.query('after') ?? 0), flushMs: 0,
      accept: () => true,
      replay: async (after) => (after < 10 ? [event(10)] : []),
      render: async () => null,
      renderBatch: async (batch) => `own ${batch.map((e) => e.id).join(',')}`,
      group: { name: 'view-2', prepare: async (batch) => batch.map((e) => e.id).join(','), step: (p) => `group ${p}` },
    }))
    const a = reader(await app.request('/s?after=10'))
    const b = reader(await app.request('/s?after=3'))
    await until(() => b.frames.length === 1)
    expect(b.frames).toEqual(['10:own 10'])

    await bus.publish(event(11))
    await until(() => a.frames.length === 1 && b.frames.length === 2)
    expect(a.frames).toEqual(['11:group 11'])
    expect(b.frames[1]).toBe('11:group 11')

    await bus.publish({ id: 0, storeId: '', conversationId: null, kind: 'resync' })
    // Nothing after 11, but the view is rendered again: a change whose notification was lost may hold a lower id.
    await until(() => a.frames.length === 2 && b.frames.length === 3)
    expect([a.frames[1], b.frames[2]]).toEqual(['11:own ', '11:own '])
    await bus.publish(event(12))
    await until(() => a.frames.length === 3 && b.frames.length === 4)
    expect(a.frames[2]).toBe('12:group 12')
    expect(b.frames[3]).toBe('12:group 12')
    await Promise.all([a.cancel(), b.cancel()])
  })

  test('a stream that cannot write keeps only the newest events, however many arrive meanwhile', async () => {
    const bus = countingBus()
    let release!: () => void
    const stalled = new Promise<void>((r) => { release = r })
    const batches: number[][] = []
    const app = new Hono()
    app.get('/s', (c) => eventStream(c, {
      bus, after: 0, flushMs: 0, accept: () => true,
      replay: async () => { await stalled; return [] }, // still catching up: the group's batches queue on the stream
      render: async () => null,
      renderBatch: async (batch) => { batches.push(batch.map((e) => e.id)); return 'frame' },
      group: { name: 'view-3', prepare: async () => null, step: () => 'group' },
    }))
    const s = reader(await app.request('/s'))
    for (let id = 1; id <= 1000; id++) { await bus.publish(event(id)); if (id % 100 === 0) await Bun.sleep(1) }
    release()
    await until(() => s.frames.length === 1)
    expect(batches).toHaveLength(1)
    expect(batches[0].length).toBeLessThanOrEqual(MAX_BACKLOG)
    expect(batches[0].at(-1)).toBe(1000)
    expect(s.frames[0]).toBe('1000:frame')
    await s.cancel()
  })
})

describe('a batch stream without a group', () => {
  test('is a group of one: events of one flush window become one frame through its renderBatch', async () => {
    const bus = countingBus()
    const app = new Hono()
    app.get('/s', (c) => eventStream(c, {
      bus, after: 0, flushMs: 30, accept: () => true, replay: async () => [], render: async () => null,
      renderBatch: async (batch) => `ids ${batch.map((e) => e.id).join(',')}`,
    }))
    const [a, b] = await Promise.all([reader(await app.request('/s')), reader(await app.request('/s'))])
    await Bun.sleep(20)
    expect(bus.subscribers()).toBe(2) // no group shared: one subscription each
    for (const id of [1, 2, 3]) await bus.publish(event(id))
    await until(() => a.frames.length === 1 && b.frames.length === 1)
    expect([a.frames, b.frames]).toEqual([['3:ids 1,2,3'], ['3:ids 1,2,3']])
    await Promise.all([a.cancel(), b.cancel()])
  })
})

describe('conversation streams (riders\' chats, staff conversation pages)', () => {
  test('share one bus subscription; an event reaches only its conversation\'s streams, a resync reaches all', async () => {
    const bus = countingBus()
    const replays: string[] = []
    const app = new Hono()
    app.get('/c/:id', (c) => {
      const id = c.req.param('id')
      return eventStream(c, {
        bus, after: 0, conversationId: id,
        accept: (e) => e.conversationId === id,
        replay: async (after) => { replays.push(`${id}>${after}`); return [] },
        render: async (e) => `${id}:${e.kind}`,
      })
    })
    const [a1, a2, b] = await Promise.all(['a', 'a', 'b'].map(async (id) => reader(await app.request(`/c/${id}`))))
    await Bun.sleep(20)
    expect(bus.subscribers()).toBe(1)
    replays.length = 0

    await bus.publish({ id: 1, storeId: 'demo', conversationId: 'a', kind: 'message' })
    await bus.publish({ id: 2, storeId: 'demo', conversationId: 'b', kind: 'status' })
    await bus.publish({ id: 3, storeId: 'demo', conversationId: 'elsewhere', kind: 'message' })
    await until(() => a1.frames.length === 1 && a2.frames.length === 1 && b.frames.length === 1)
    expect([a1.frames, a2.frames, b.frames]).toEqual([['1:a:message'], ['1:a:message'], ['2:b:status']])

    await bus.publish({ id: 0, storeId: '', conversationId: null, kind: 'resync' })
    await until(() => replays.length === 3)
    expect(replays.sort()).toEqual(['a>1', 'a>1', 'b>2'])

    await Promise.all([a1.cancel(), a2.cancel()])
    await bus.publish({ id: 4, storeId: 'demo', conversationId: 'b', kind: 'message' })
    await until(() => b.frames.length === 2)
    expect(bus.subscribers()).toBe(1)
    await b.cancel()
    await until(() => bus.subscribers() === 0)
  })
})

/**
 * Event ids come from a sequence when a row is inserted, and transactions commit (and publish) in their own order:
 * a statement that took id 7 can commit after one that took id 8. A stream that has sent 8 must still send 7.
 */
describe('events that commit out of id order', () => {
  test('a conversation stream sends a late, lower id once under its own id, then puts the position back', async () => {
    const bus = memoryBus()
    const app = new Hono()
    app.get('/s', (c) => eventStream(c, {
      bus, after: 5, conversationId: 'c', accept: () => true, replay: async () => [],
      render: async (e) => `msg ${e.id}`,
    }))
    const s = reader(await app.request('/s'))
    await Bun.sleep(20)
    await bus.publish(event(8))
    await bus.publish(event(7)) // took its id first, committed second
    await bus.publish(event(8)) // the same event again (a retry's publish) is not sent twice
    await bus.publish(event(9))
    await until(() => s.frames.length === 3)
    await Bun.sleep(20)
    expect(s.frames).toEqual(['8:msg 8', '7:msg 7', '9:msg 9'])
    // After the late one, an id-only message puts Last-Event-ID back at 8 (a reconnect must not replay 8 again).
    expect(s.raw()).toContain('data: msg 7\nid: 7\n\nid: 8\n\ndata: msg 9\nid: 9\n\n')
    await s.cancel()
  })

  test('replayed events are not sent again when they also arrive live', async () => {
    const bus = memoryBus()
    const app = new Hono()
    app.get('/s', (c) => eventStream(c, {
      bus, after: 5, conversationId: 'c', accept: () => true,
      replay: async (after) => [6, 7].filter((id) => id > after).map((id) => event(id)),
      render: async (e) => `msg ${e.id}`,
    }))
    const s = reader(await app.request('/s'))
    await until(() => s.frames.length === 2)
    await bus.publish(event(7))
    await bus.publish(event(8))
    await until(() => s.frames.length === 3)
    await Bun.sleep(20)
    expect(s.frames).toEqual(['6:msg 6', '7:msg 7', '8:msg 8'])
    await s.cancel()
  })

  test('a grouped inbox stream renders again for a late, lower id (its list may not have shown that change yet)', async () => {
    const bus = memoryBus()
    let version = 0
    const app = new Hono()
    app.get('/s', (c) => eventStream(c, {
      bus, after: 0, flushMs: 10, accept: () => true, replay: async () => [], render: async () => null,
      renderBatch: async (batch) => `own ${batch.map((e) => e.id).join(',')}`,
      group: { name: 'late-commits', prepare: async () => ++version, step: (v) => `list v${v}` },
    }))
    const s = reader(await app.request('/s'))
    await Bun.sleep(20)
    await bus.publish(event(8))
    await until(() => s.frames.length === 1)
    await bus.publish(event(7))
    await until(() => s.frames.length === 2)
    expect(s.frames).toEqual(['8:list v1', '8:list v2'])
    await s.cancel()
  })
})
