import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/postgres-js'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { SQL } from 'drizzle-orm'
import postgres from 'postgres'
import * as schema from './schema.ts'
import { pgliteAssets } from './pglite-assets.ts'
import { metrics } from '../ops/metrics.ts'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Database {
  kind: 'pglite' | 'postgres'
  db: Db
  /** postgres.js client (postgres mode only): LISTEN/NOTIFY and advisory locks use it. */
  pg?: postgres.Sql
  lite?: PGlite
  close(): Promise<void>
}

export interface OpenOptions {
  databaseUrl?: string
  /** PGlite data directory; undefined means in-memory. */
  pgliteDir?: string
  /** A dump to start from (fast per-test databases). */
  loadDataDir?: Blob | File
  max?: number
  /** PostgreSQL: named prepared statements for every query (default true; see Config.prepareStatements). */
  prepare?: boolean
}

/**
 * drizzle runs every query through postgres.js `unsafe()` unprepared, and postgres.js then asks the server to
 * describe each parameterised statement before running it: two round trips and a fresh parse and plan per query.
 * Prepared (named, once per connection and query text), a query is one round trip and no re-planning: about a
 * third of the client CPU and of the database's per query (bench/RESULTS.md, chat load).
 */
function preparing(pg: postgres.Sql, prepare: boolean): postgres.Sql {
  return new Proxy(pg, {
    get(target, key, receiver) {
      if (key !== 'unsafe') return Reflect.get(target, key, receiver)
      return (query: string, params?: unknown[], options: Record<string, unknown> = {}) =>
        target.unsafe(query, params as postgres.ParameterOrJSON<never>[], { ...options, prepare })
    },
  })
}

/**
 * A postgres.js client for a URL, which may name a Unix socket directory as libpq does
 * (`postgres://app@localhost/pitwall?host=/var/run/postgresql`): postgres.js would send `host` to the server as
 * a setting, so it is taken out of the URL and given as the host.
 */
export function connectPostgres(url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  const u = new URL(url)
  const host = u.searchParams.get('host')
  if (!host) return postgres(url, options)
  u.searchParams.delete('host')
  return postgres(u.toString(), { ...options, host })
}

/** Counts statements (cheap, always on): the load bench reports statements per rider message from it. */
const logger = { logQuery: () => metrics.dbStatements.inc() }

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pg = connectPostgres(opts.databaseUrl, {
      max: opts.max ?? 10, max_lifetime: 600, idle_timeout: 300, onnotice: () => {},
      connection: { application_name: 'pitwall' },
    })
    // Off (behind a transaction pooler) means off for drizzle's named `.prepare()` queries too (src/db/prepared.ts).
    const client = preparing(pg, opts.prepare !== false)
    return { kind: 'postgres', db: drizzlePg(client, { schema, logger }) as unknown as Db, pg, close: () => pg.end({ timeout: 5 }) }
  }
  if (opts.pgliteDir) mkdirSync(opts.pgliteDir, { recursive: true })
  const lite = await PGlite.create({ dataDir: opts.pgliteDir, loadDataDir: opts.loadDataDir, ...(await pgliteAssets()) })
  return { kind: 'pglite', db: drizzlePglite(lite, { schema, logger }) as unknown as Db, lite, close: () => lite.close() }
}

/** Where PGlite keeps its files inside the data dir. */
export const pgliteDirFor = (dataDir: string) => join(dataDir, 'pglite')

/** Rows of a raw query, whichever driver ran it. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const r = (await db.execute(query)) as unknown as { rows?: T[] } | T[]
  return Array.isArray(r) ? r : (r.rows ?? [])
}
