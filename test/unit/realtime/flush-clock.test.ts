import { describe, expect, test } from 'bun:test'
import { FlushClock } from '../../../src/realtime/sse.ts'

describe('FlushClock (how often an inbox stream may send)', () => {
  test('the first wake-up after a quiet window goes on the next macrotask, shared by every caller of that turn', async () => {
    const clock = new FlushClock(40)
    const t0 = performance.now()
    const a = clock.next(), b = clock.next()
    expect(a).toBe(b)
    await a
    expect(performance.now() - t0).toBeLessThan(15)
  })

  test('wake-ups inside the window wait for its end together; after a quiet window the next one is immediate again', async () => {
    const clock = new FlushClock(40)
    await clock.next()
    const t1 = performance.now()
    const c = clock.next(), d = clock.next()
    expect(c).toBe(d)
    await c
    const waited = performance.now() - t1
    expect(waited).toBeGreaterThanOrEqual(35)
    expect(waited).toBeLessThan(120)
    await Bun.sleep(60) // a quiet window
    const t2 = performance.now()
    await clock.next()
    expect(performance.now() - t2).toBeLessThan(15)
  })

  test('under a steady stream of wake-ups, flushes are at least a window apart', async () => {
    const clock = new FlushClock(30)
    const flushes: number[] = []
    const end = performance.now() + 300
    while (performance.now() < end) {
      await clock.next()
      flushes.push(performance.now())
      await Bun.sleep(3)
    }
    const gaps = flushes.slice(1).map((t, i) => t - flushes[i])
    expect(Math.min(...gaps.slice(1))).toBeGreaterThanOrEqual(25)
    expect(flushes.length).toBeLessThanOrEqual(12)
  })
})
