import { describe, expect, test } from 'bun:test'
import { memoryBus, type BusEvent } from '../../src/realtime/bus.ts'
import { changedParts, perEventMemo, SharedInboxRenders } from '../../src/routes/inbox-feed.ts'

const event = (id: number): BusEvent => ({ id, storeId: 'demo', conversationId: 'c', kind: 'message' })

describe('shared inbox renders', () => {
  test('streams of one view share a render; an event after it starts forces a new one', async () => {
    const bus = memoryBus()
    const shared = new SharedInboxRenders(bus)
    shared.open('k'); shared.open('k')
    let renders = 0
    const render = async () => ({ list: `list${++renders}`, cards: [], tabs: 'tabs' })
    await bus.publish(event(1))
    const [a, b] = await Promise.all([shared.frame('k', render), shared.frame('k', render)])
    expect(renders).toBe(1)
    expect(a).toBe(b)
    expect(await shared.frame('k', render)).toBe(a) // nothing new happened
    await bus.publish(event(2))
    expect((await shared.frame('k', render)).list).toBe('list2')
    await bus.publish({ ...event(0), kind: 'draft' }) // ephemeral signals do not change the list
    expect((await shared.frame('k', render)).list).toBe('list2')
  })

  test('a stream writes only the parts that changed since its last frame, plus notices', async () => {
    let f = { list: 'L1', cards: [], tabs: 'T1' }
    const { render: parts } = changedParts(async () => f, async (batch) => batch.some((e) => e.kind === 'handoff') ? 'N' : '')
    expect(await parts([event(1)])).toBe('L1T1')
    expect(await parts([event(2)])).toBeNull()
    f = { list: 'L1', cards: [], tabs: 'T2' }
    expect(await parts([event(3)])).toBe('T2')
    f = { list: 'L2', cards: [], tabs: 'T2' }
    expect(await parts([{ ...event(4), kind: 'handoff' }])).toBe('L2N')
  })

  test('per-event lookups run once per event id', async () => {
    let calls = 0
    const memo = perEventMemo(async (e) => { calls++; return e.id })
    await Promise.all([memo(event(7)), memo(event(7)), memo(event(8))])
    expect(calls).toBe(2)
  })
})
