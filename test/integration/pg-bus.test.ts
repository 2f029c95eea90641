import { describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { pgBus } from '../../src/realtime/pg-bus.ts'
import type { BusEvent } from '../../src/realtime/bus.ts'
import { TEST_DATABASE_URL } from '../support/db.ts'

describe.skipIf(!TEST_DATABASE_URL)('LISTEN/NOTIFY bus on PostgreSQL', () => {
  test('publishes of one turn go out as one statement, in order, to another process\'s listener', async () => {
    let statements = 0
    const sender = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {}, debug: (_c, q: string) => { if (q.includes('notify')) statements++ } })
    const receiver = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} })
    try {
      const out = await pgBus(sender)
      const inbox = await pgBus(receiver)
      const got: BusEvent[] = []
      inbox.subscribe((e) => got.push(e))
      await Bun.sleep(50)
      statements = 0
      const events = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, storeId: 'demo', conversationId: null, kind: 'message' }))
      await Promise.all(events.map((e) => out.publish(e)))
      expect(statements).toBe(1)
      // One on its own is a plain NOTIFY; identical ephemeral signals of one turn may collapse into one.
      await out.publish({ id: 21, storeId: 'demo', conversationId: null, kind: 'message' })
      for (let i = 0; i < 50 && got.length < 21; i++) await Bun.sleep(20)
      expect(got.map((e) => e.id)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
      expect(statements).toBe(2)
      await out.close()
      await inbox.close()
    } finally {
      await receiver.end()
      await sender.end()
    }
  })

  test('a failed batch rejects every publish in it', async () => {
    const sender = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} })
    const bus = await pgBus(sender)
    await sender.end()
    const results = await Promise.allSettled([1, 2, 3].map((id) => bus.publish({ id, storeId: 'demo', conversationId: null, kind: 'message' })))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
  })
})
