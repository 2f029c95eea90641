import { inArray } from 'drizzle-orm'
import type { Services } from '../deps.ts'
import { staffUsers } from '../db/schema.ts'
import type { Message } from '../conversations/store.ts'

/** Names of the staff who wrote these messages, for "Dana (service)" labels. */
export async function staffNamesFor(s: Services, messages: Message[]): Promise<Record<string, string>> {
  const ids = [...new Set(messages.map((m) => m.staffId).filter((x): x is string => !!x))]
  if (!ids.length) return {}
  const rows = await s.db.select({ id: staffUsers.id, name: staffUsers.name }).from(staffUsers).where(inArray(staffUsers.id, ids))
  return Object.fromEntries(rows.map((r) => [r.id, r.name]))
}
