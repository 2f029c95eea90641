import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { eq, sql } from 'drizzle-orm'
import { migrate as migrateLite } from 'drizzle-orm/pglite/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { backends } from '../support/db.ts'
import { openDatabase, type Database, type Db } from '../../src/db/client.ts'
import { migrationsFolder, runMigrations } from '../../src/db/migrate.ts'
import { conversationCounts, conversations, staffUsers, stores } from '../../src/db/schema.ts'
import { DEMO_STORE, seedDemoStore } from '../../src/staff/demo.ts'
import { conversationForVisitor, storeMessage, storeTurn, storeViewCounts, countedViewCounts } from '../../src/conversations/store.ts'

const OTHER_STORE = 'counts-other'
const STATUSES = ['bot', 'waiting', 'claimed', 'closed'] as const

/** What can happen to a conversation, as the app and staff do it (and as a retention purge would). */
type Op =
  | { kind: 'open'; store: 0 | 1; speak: 'message' | 'turn' | 'silent' }
  | { kind: 'speak'; pick: number }
  | { kind: 'status'; pick: number; status: (typeof STATUSES)[number]; assignee: number | null }
  | { kind: 'delete'; pick: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), store: fc.constantFrom(0 as const, 1 as const), speak: fc.constantFrom('message' as const, 'turn' as const, 'silent' as const) }),
  fc.record({ kind: fc.constant('speak' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('status' as const), pick: fc.nat(), status: fc.constantFrom(...STATUSES), assignee: fc.option(fc.nat({ max: 1 }), { nil: null }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
)

for (const backend of backends) {
  describe(`tab counts kept by triggers (${backend.name})`, () => {
    let database: Database
    let cleanup: () => Promise<void>
    let staff: string[]
    beforeAll(async () => {
      ({ database, cleanup } = await backend.open())
      await seedDemoStore(database.db, { password: 'correct-horse-battery' })
      await database.db.insert(stores).values({ id: OTHER_STORE, name: 'Other', timezone: 'UTC' })
      staff = (await database.db.select({ id: staffUsers.id }).from(staffUsers).limit(2)).map((r) => r.id)
    })
    afterAll(() => cleanup())

    test('after any sequence of opens, first messages, status and assignee changes and deletes, they equal a count of every conversation', async () => {
      const storeIds = [DEMO_STORE.id, OTHER_STORE]
      await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const ids: Array<{ id: string; store: string }> = []
        const at = (pick: number) => ids[pick % ids.length]
        for (const o of ops) {
          if (o.kind === 'open') {
            const store = storeIds[o.store]
            const id = randomUUID()
            if (o.speak === 'turn') {
              // A first question answered in one statement: the conversation is inserted with its first message.
              await storeTurn(database.db, store, {
                conversationId: id, after: { opens: `v-${randomUUID()}` },
                rider: { id: randomUUID(), body: 'Do you have a Grizzly?', clientId: randomUUID() }, reply: { body: 'Yes.' },
              })
            } else {
              await conversationForVisitor(database.db, store, `v-${randomUUID()}`, id)
              if (o.speak === 'message') await storeMessage(database.db, store, { conversationId: id, author: 'customer', body: 'hi', clientId: randomUUID() })
            }
            ids.push({ id, store })
          } else if (!ids.length) {
            continue
          } else if (o.kind === 'speak') {
            const c = at(o.pick)
            await storeMessage(database.db, c.store, { conversationId: c.id, author: 'customer', body: 'again', clientId: randomUUID() })
          } else if (o.kind === 'status') {
            await database.db.update(conversations).set({ status: o.status, assigneeId: o.assignee === null ? null : staff[o.assignee] })
              .where(eq(conversations.id, at(o.pick).id))
          } else {
            const c = at(o.pick)
            await database.db.delete(conversations).where(eq(conversations.id, c.id))
            ids.splice(ids.indexOf(c), 1)
          }
        }
        for (const store of storeIds) expect(await storeViewCounts(database.db, store)).toEqual(await countedViewCounts(database.db, store))
      }), { numRuns: backend.name === 'postgres' ? 15 : 25 })
    })

    test('the unfiltered counts read the kept rows; a filter still counts the conversations it matches', async () => {
      const id = randomUUID()
      await conversationForVisitor(database.db, DEMO_STORE.id, `v-${randomUUID()}`, id)
      await storeMessage(database.db, DEMO_STORE.id, { conversationId: id, author: 'customer', body: 'hi', clientId: randomUUID() })
      await database.db.update(conversations).set({ department: 'parts' }).where(eq(conversations.id, id))
      const kept = await database.db.select().from(conversationCounts)
      await database.db.delete(conversationCounts)
      try {
        expect((await storeViewCounts(database.db, DEMO_STORE.id)).all).toBe(0)
        expect((await storeViewCounts(database.db, DEMO_STORE.id, { department: 'parts' })).all).toBeGreaterThanOrEqual(1)
      } finally {
        await database.db.insert(conversationCounts).values(kept)
      }
      expect(await storeViewCounts(database.db, DEMO_STORE.id)).toEqual(await countedViewCounts(database.db, DEMO_STORE.id))
    })

    test.skipIf(backend.name !== 'postgres')('concurrent writers moving chats between the same statuses both ways neither deadlock nor lose a count', async () => {
      const ids: string[] = []
      for (let i = 0; i < 8; i++) {
        const id = randomUUID()
        await conversationForVisitor(database.db, DEMO_STORE.id, `v-${randomUUID()}`, id)
        await storeMessage(database.db, DEMO_STORE.id, { conversationId: id, author: 'customer', body: 'hi', clientId: randomUUID() })
        ids.push(id)
      }
      // As the app changes chats: one at a time (a claim, a close, a handoff), or twice in one transaction (a closed
      // chat reopened by the rider's message, then handed off): in opposite directions at once, over the same count rows.
      const set = (db: Db, id: string, status: (typeof STATUSES)[number], i: number) =>
        db.update(conversations).set({ status, assigneeId: status === 'claimed' ? staff[i % 2] : null }).where(eq(conversations.id, id))
      const changes = Array.from({ length: 160 }, (_, i) => {
        const id = ids[(i * 5) % 8]
        const done = i % 4 === 3
          ? database.db.transaction(async (tx) => { await set(tx as unknown as Db, id, 'bot', i); await set(tx as unknown as Db, id, STATUSES[(i >> 2) % 4], i) })
          : set(database.db, id, STATUSES[i % 4], i)
        return Promise.resolve(done).then(() => 'ok', (err: Error) => err.message)
      })
      expect((await Promise.all(changes)).filter((o) => o !== 'ok')).toEqual([])
      expect(await storeViewCounts(database.db, DEMO_STORE.id)).toEqual(await countedViewCounts(database.db, DEMO_STORE.id))
    })

    test('truncating conversations empties the counts with them', async () => {
      await database.db.execute(sql`truncate conversations cascade`)
      expect(await database.db.select().from(conversationCounts)).toEqual([])
      expect(await storeViewCounts(database.db, DEMO_STORE.id)).toEqual({ needs: 0, bot: 0, closed: 0, all: 0, mine: {} })
    })
  })
}

describe('migration 0008 on a database with conversations', () => {
  let dir: string
  beforeAll(() => {
    // The migrations as they were before 0008: the same files, the journal cut there.
    dir = mkdtempSync(join(tmpdir(), 'pw-migrations-'))
    cpSync(migrationsFolder(), dir, { recursive: true })
    const journalPath = join(dir, 'meta/_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> }
    journal.entries = journal.entries.filter((e) => e.tag < '0008')
    writeFileSync(journalPath, JSON.stringify(journal))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('counts the conversations already there, as a scan does', async () => {
    const database = await openDatabase({})
    try {
      await migrateLite(database.db as unknown as PgliteDatabase, { migrationsFolder: dir })
      await seedDemoStore(database.db, { password: 'correct-horse-battery' })
      const [a] = await database.db.select({ id: staffUsers.id }).from(staffUsers).limit(1)
      const patches = [{}, { status: 'waiting' as const }, { status: 'claimed' as const, assigneeId: a.id }, { status: 'closed' as const }, {}]
      for (const patch of patches) {
        const id = randomUUID()
        await conversationForVisitor(database.db, DEMO_STORE.id, `v-${randomUUID()}`, id)
        await database.db.update(conversations).set({ ...patch, firstMessageAt: new Date() }).where(eq(conversations.id, id))
      }
      await conversationForVisitor(database.db, DEMO_STORE.id, `v-${randomUUID()}`, randomUUID()) // nothing said: not counted
      await runMigrations(database)
      const counts = await storeViewCounts(database.db, DEMO_STORE.id)
      expect(counts).toEqual({ needs: 1, bot: 2, closed: 1, all: 5, mine: { [a.id]: 1 } })
      expect(counts).toEqual(await countedViewCounts(database.db, DEMO_STORE.id))
    } finally {
      await database.close()
    }
  })
})
