import { sql } from 'drizzle-orm'
import { rows } from '../db/client.ts'
import type { Services } from '../deps.ts'
import { errorFields, log } from './log.ts'

export interface Check { ok: boolean; detail?: string }
export interface Readiness {
  ready: boolean
  checks: { database: Check; rules: Check; search: Check; shutdown: Check }
}

const within = <T>(ms: number, p: Promise<T>, what: string): Promise<T> =>
  Promise.race([p, Bun.sleep(ms).then(() => { throw new Error(`${what} did not answer within ${ms} ms`) })])

async function database(s: Services, ms: number): Promise<Check> {
  try {
    await within(ms, rows(s.db, sql`select 1`), 'the database')
    return { ok: true, detail: s.database.kind }
  } catch (err) {
    log.warn('readiness: database check failed', errorFields(err))
    return { ok: false, detail: 'not answering' }
  }
}

function rules(s: Services): Check {
  if (!s.rules) return { ok: false, detail: 'no rules loaded' }
  s.rules() // throws if the rules in force cannot be read
  const status = s.rulesStatus?.()
  // A rejected edit keeps the last good rules (or the shipped defaults) in force: still ready, and said so.
  return { ok: true, detail: status ? `version ${status.version}${status.error ? ' (the latest edit was not applied)' : ''}` : undefined }
}

async function search(s: Services, ms: number): Promise<Check> {
  if (!s.search) return { ok: true, detail: 'not enabled' }
  const state = Bun.peek.status(s.search)
  if (state === 'pending') return { ok: false, detail: 'index still building' }
  if (state === 'rejected') return { ok: false, detail: 'index failed to build' } // boot.ts logged why
  try {
    const h = await within(ms, (await s.search).health(), 'search')
    if (!h.ok) log.warn('readiness: search unhealthy', { engine: h.engine, warning: h.warning })
    // With Meilisearch down the embedded engine answers: ok, degraded (the warning says so).
    return { ok: h.ok, detail: `${h.engine}${h.documents !== undefined ? `, ${h.documents} documents` : ''}${h.warning ? ', degraded' : ''}` }
  } catch (err) {
    log.warn('readiness: search check failed', errorFields(err))
    return { ok: false, detail: 'not answering' }
  }
}

/** Whether this process should get traffic: database answering, rules loaded, search index built, not shutting down. */
export async function readiness(s: Services, opts: { draining?: boolean; timeoutMs?: number } = {}): Promise<Readiness> {
  const ms = opts.timeoutMs ?? 2000
  const [db, se] = await Promise.all([database(s, ms), search(s, ms)])
  const checks = {
    database: db, rules: rules(s), search: se,
    shutdown: opts.draining ? { ok: false, detail: 'shutting down' } : { ok: true },
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks }
}
