import type { SQL } from 'drizzle-orm'
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

/** What drizzle keeps inside every database object: enough to turn a raw statement into a reusable query. */
interface DrizzleInternals {
  dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } }
  session: { prepareQuery(q: { sql: string; params: unknown[] }, fields: undefined, name: undefined, arrayMode: false): { execute(values: Record<string, unknown>): Promise<unknown> } }
}

/**
 * Rows of a raw statement compiled once per database connection under `name`: `build` returns the statement with
 * `sql.placeholder(...)` for every value (its shape fixed by `name`), and each call only fills them in. Turning a
 * large `sql` template into text on every call (the statements that store messages have ~25 values) was a few
 * percent of the server's CPU under the chat load (bench/RESULTS.md, session 8).
 */
export async function preparedRows<T>(db: Db, name: string, build: () => SQL, values: Record<string, unknown>): Promise<T[]> {
  const q = prepared(db, name, (d) => {
    const { dialect, session } = d as unknown as DrizzleInternals
    return { prepare: () => session.prepareQuery(dialect.sqlToQuery(build()), undefined, undefined, false) }
  })
  const r = (await q.execute(values)) as { rows?: T[] } | T[]
  return Array.isArray(r) ? r : (r.rows ?? [])
}
