import type { Db } from './client.ts'

/**
 * A value kept per database connection: keyed by the driver client, which whatever wraps the drizzle object (a test's
 * proxy) shares with it, so tests that open several databases in one process never see each other's.
 */
export function perConnection<T>(memo: WeakMap<object, T>, db: Db, make: () => T): T {
  const key = (db as { $client?: object }).$client ?? db
  let value = memo.get(key)
  if (value === undefined) memo.set(key, (value = make()))
  return value
}

const byConnection = new WeakMap<object, Map<string, unknown>>()

/**
 * A drizzle query built once per database connection instead of on every call: building a select from the query
 * builder costs 55–85 µs of CPU on the bench machine (bench/RESULTS.md, session 6), and the hottest reads (the store
 * row, the newest event id, a conversation) run several times a rider message. `build` returns the query, with
 * `sql.placeholder(...)` for what varies; it is prepared under `name`.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => { prepare(name: string): T }): T {
  const queries = perConnection(byConnection, db, () => new Map<string, unknown>())
  let q = queries.get(name) as T | undefined
  if (!q) queries.set(name, (q = build(db).prepare(name)))
  return q
}
