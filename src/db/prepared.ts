import type { Db } from './client.ts'

/**
 * A drizzle query built once per database connection instead of on every call: building a select from the query
 * builder costs 55–85 µs of CPU on the bench machine (bench/RESULTS.md, session 6), and the hottest reads (the store row, the newest event id, a conversation) run several times a rider message.
 * `build` gets the database and uses `sql.placeholder(...)` for what varies; the result is whatever `.prepare()` gave.
 * Keyed by the driver client (what a wrapper of the drizzle object shares with it), one per name.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  const key = (db as { $client?: object }).$client ?? db
  let queries = byClient.get(key)
  if (!queries) byClient.set(key, (queries = new Map()))
  let q = queries.get(name) as T | undefined
  if (!q) queries.set(name, (q = build(db)))
  return q
}

const byClient = new WeakMap<object, Map<string, unknown>>()
