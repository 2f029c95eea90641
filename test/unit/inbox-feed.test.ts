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
    const { render: parts } = changedParts(async () => f, async (batch) => batch.some((e) => e.kind === 'handoff') ? 'N' : '', 0)
    expect(await parts([event(1)])).toBe('L1T1')
    expect(await parts([event(2)])).toBeNull()
    f = { list: 'L1', cards: [], tabs: 'T2' }
    expect(await parts([event(3)])).toBe('T2')
    f = { list: 'L2', cards: [], tabs: 'T2' }
    expect(await parts([{ ...event(4), kind: 'handoff' }])).toBe('L2N')
  })

  test('tabs whose counts alone changed wait a second after the last tabs sent; the list never waits', async () => {
    let t = 0
    let f = { list: 'L1', cards: [], tabs: 'T1' }
    const parts = changedParts(async () => f, async () => '', 1000, () => t)
    expect(await parts.render([event(1)])).toBe('L1T1')
    f = { ...f, tabs: 'T2' }
    t = 300
    expect(await parts.render([event(2)])).toBeNull() // held: counts only, 300 ms after the last tabs
    expect(parts.heldTabs()).toBe('T2') // the keep-alive writes them
    expect(parts.heldTabs()).toBeNull()
    f = { ...f, tabs: 'T3' }
    t = 600
    expect(await parts.render([event(3)])).toBeNull()
    f = { list: 'L2', cards: [], tabs: 'T4' }
    t = 700
    expect(await parts.render([event(4)])).toBe('L2T4') // the list goes at once, with the newest tabs
    expect(parts.heldTabs()).toBeNull()
    f = { ...f, tabs: 'T5' }
    t = 1800
    expect(await parts.render([event(5)])).toBe('T5') // a second after the last tabs: counts go at once
  })

  test('per-event lookups run once per event id', async () => {
    let calls = 0
    const memo = perEventMemo(async (e) => { calls++; return e.id })
    await Promise.all([memo(event(7)), memo(event(7)), memo(event(8))])
    expect(calls).toBe(2)
  })
})
