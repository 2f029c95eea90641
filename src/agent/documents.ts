import { keep } from '../ops/bounded.ts'
import { and, eq, inArray } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { documents } from '../db/schema.ts'
import type { DocumentBodies } from './contract.ts'

/** Document bodies from Postgres, kept briefly in memory: a conversation asks about the same documents turn after turn. */
export function dbDocumentBodies(database: Database, ttlMs = 30_000, max = 500): DocumentBodies {
  const cache = new Map<string, { body: string; at: number }>()
  return {
    async bodies(storeId, ids) {
      const now = Date.now()
      const out = new Map<string, string>()
      const missing: string[] = []
      for (const id of new Set(ids)) {
        const c = cache.get(`${storeId}\n${id}`)
        if (c && now - c.at < ttlMs) out.set(id, c.body)
        else missing.push(id)
      }
      if (missing.length) {
        const rows = await database.db.select({ id: documents.id, body: documents.body }).from(documents)
          .where(and(eq(documents.storeId, storeId), inArray(documents.id, missing)))
        for (const r of rows) {
          out.set(r.id, r.body)
          keep(cache, `${storeId}\n${r.id}`, { body: r.body, at: now }, max)
        }
      }
      return out
    },
  }
}
