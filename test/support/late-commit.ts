import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { rows, type Db } from '../../src/db/client.ts'
import { storeMessage } from '../../src/conversations/store.ts'
import { DEMO_STORE } from '../../src/staff/demo.ts'

/** A staff line stored in a demo-store conversation the way the app stores one (one statement); its event id. */
export const staffLine = async (db: Db, conv: string, body: string): Promise<number> =>
  Number((await storeMessage(db, DEMO_STORE.id, { conversationId: conv, author: 'staff', body, clientId: randomUUID() })).eventId)

/**
 * Takes an id from the events' sequence now; `commit` later stores a staff line under that id. Event ids are taken at
 * insert and transactions commit in their own order: this is a late commit, an event below ids already sent.
 */
export async function takeEventId(db: Db): Promise<{ id: number; commit(conv: string, body: string): Promise<void> }> {
  const [{ id }] = await rows<{ id: string }>(db, sql`select nextval(pg_get_serial_sequence('events', 'id'))::text as id`)
  return {
    id: Number(id),
    commit: async (conv, body) => {
      const eventId = await staffLine(db, conv, body)
      await db.execute(sql`update events set id = ${Number(id)} where id = ${eventId}`)
    },
  }
}
