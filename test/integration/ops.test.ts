import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/db/client.ts'
import type { Services } from '../../src/deps.ts'
import type { SearchService } from '../../src/search/service.ts'
import { createApp } from '../../src/app.tsx'
import { readiness } from '../../src/ops/readiness.ts'
import { configureLog } from '../../src/ops/log.ts'
import { freshPglite } from '../support/db.ts'
import { demoApp, testServices } from '../support/app.ts'
import { runCli, startServer } from '../support/process.ts'

const healthySearch = (warning?: string) =>
  ({ health: async () => ({ ok: true, engine: 'orama', documents: 3, ...(warning ? { warning } : {}) }) }) as unknown as SearchService

describe('/healthz and /readyz', () => {
  let database: Database
  let s: Services
  beforeAll(async () => {
    database = await freshPglite()
    s = testServices(database)
    configureLog({ level: 'silent', write: () => {} }) // the failing checks below warn, as they should
  })
  afterAll(async () => {
    configureLog({ level: 'warn', write: (l) => process.stderr.write(l + '\n') })
    await database.close()
  })

  const get = async (services: Services, path: string, draining = false) => {
    const res = await createApp(services, { draining: () => draining }).request(`http://localhost${path}`)
    return { status: res.status, body: await res.json() as { ok?: boolean; ready?: boolean; checks?: Record<string, { ok: boolean; detail?: string }> } }
  }

  test('/healthz answers while the process is up, whatever else is not ready', async () => {
    const r = await get({ ...s, search: new Promise<SearchService>(() => {}) }, '/healthz')
    expect(r).toEqual({ status: 200, body: { ok: true } })
  })

  test('ready: database answers, rules loaded, search index built', async () => {
    const r = await get({ ...s, search: Promise.resolve(healthySearch()) }, '/readyz')
    expect(r.status).toBe(200)
    expect(r.body.ready).toBe(true)
    expect(r.body.checks).toMatchObject({ database: { ok: true, detail: 'pglite' }, rules: { ok: true }, search: { ok: true, detail: 'orama, 3 documents' } })
  })

  test('not ready while the search index is still building', async () => {
    const r = await get({ ...s, search: new Promise<SearchService>(() => {}) }, '/readyz')
    expect(r.status).toBe(503)
    expect(r.body.checks!.search).toEqual({ ok: false, detail: 'index still building' })
    expect(r.body.checks!.database.ok).toBe(true)
  })

  test('not ready when the index failed to build or search is unhealthy', async () => {
    const failed = Promise.reject(new Error('out of memory'))
    failed.catch(() => {})
    await Bun.sleep(0)
    expect((await get({ ...s, search: failed }, '/readyz')).body.checks!.search).toEqual({ ok: false, detail: 'index failed to build' })
    const down = { health: async () => ({ ok: false, engine: 'meilisearch', warning: 'Meilisearch unreachable' }) } as unknown as SearchService
    const r = await get({ ...s, search: Promise.resolve(down) }, '/readyz')
    expect(r.status).toBe(503)
    expect(r.body.checks!.search.ok).toBe(false)
  })

  test('Meilisearch down with the embedded engine answering is ready, marked degraded', async () => {
    const r = await get({ ...s, search: Promise.resolve(healthySearch('Meilisearch unreachable: using the embedded engine')) }, '/readyz')
    expect(r.status).toBe(200)
    expect(r.body.checks!.search.detail).toContain('degraded')
  })

  test('not ready without rules', async () => {
    const r = await get({ ...s, rules: undefined, search: Promise.resolve(healthySearch()) }, '/readyz')
    expect(r.status).toBe(503)
    expect(r.body.checks!.rules.ok).toBe(false)
  })

  test('not ready while shutting down', async () => {
    const r = await get({ ...s, search: Promise.resolve(healthySearch()) }, '/readyz', true)
    expect(r.status).toBe(503)
    expect(r.body.checks!.shutdown).toEqual({ ok: false, detail: 'shutting down' })
  })

  test('not ready when the database does not answer (closed, or hanging past the timeout)', async () => {
    const closed = await freshPglite()
    await closed.close()
    const r = await get({ ...testServices(closed), search: Promise.resolve(healthySearch()) }, '/readyz')
    expect(r.status).toBe(503)
    expect(r.body.checks!.database).toEqual({ ok: false, detail: 'not answering' })
    const hanging = { ...s, db: { execute: () => new Promise(() => {}) } } as unknown as Services
    const started = performance.now()
    const h = await readiness(hanging, { timeoutMs: 100 })
    expect(h.ready).toBe(false)
    expect(h.checks.database.ok).toBe(false)
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

describe('request ids and JSON request logs', () => {
  let database: Database
  let ctx: Awaited<ReturnType<typeof demoApp>>
  const lines: string[] = []
  beforeAll(async () => {
    database = await freshPglite()
    ctx = await demoApp(database)
    configureLog({ level: 'info', write: (l) => lines.push(l) })
  })
  afterAll(async () => {
    configureLog({ level: 'warn', write: (l) => process.stderr.write(l + '\n') })
    await database.close()
  })

  test('an incoming X-Request-Id is kept and echoed; otherwise one is made; unsafe ones are replaced', async () => {
    const kept = await ctx.app.request('http://localhost/healthz', { headers: { 'x-request-id': 'fly-abc-123' } })
    expect(kept.headers.get('x-request-id')).toBe('fly-abc-123')
    const made = await ctx.app.request('http://localhost/healthz')
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const unsafe = await ctx.app.request('http://localhost/healthz', { headers: { 'x-request-id': 'x"} {"level":"error' } })
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  test('one JSON line per request: method, path without the query, route, status, ms, request id', async () => {
    lines.length = 0
    const conv = randomUUID()
    const res = await ctx.client().request(`/chat/${conv}/messages?name=Jane+Rider`, {
      method: 'POST', headers: { 'x-request-id': 'req-42' }, json: { client_id: randomUUID(), body: 'my phone is 555-867-5309' },
    })
    expect(res.status).toBe(201)
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    const entry = entries.find((e) => e.msg === 'request' && e.requestId === 'req-42')!
    expect(entry).toMatchObject({ level: 'info', method: 'POST', path: `/chat/${conv}/messages`, route: '/chat/:id/messages', status: 201 })
    expect(typeof entry.ms).toBe('number')
    expect(typeof entry.time).toBe('string')
    // Never the rider's words or details.
    const all = lines.join('\n')
    expect(all).not.toContain('Jane')
    expect(all).not.toContain('867')
  })
})

describe('graceful shutdown', () => {
  let dir: string
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pitwall-ops-')) })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('SIGTERM tells open SSE streams to reconnect, ends them cleanly and exits 0', async () => {
    const env = { PITWALL_DATA_DIR: dir, LOG_LEVEL: 'info' }
    expect((await runCli(['seed-demo', '--no-content'], env)).code).toBe(0)
    const server = await startServer(env, 60_000)
    try {
      const res = await fetch(`${server.url}/chat/${randomUUID()}/events`)
      expect(res.status).toBe(200)
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value)
      const stoppedAt = performance.now()
      server.proc.kill('SIGTERM')
      let ended = false
      for (;;) {
        const r = await Promise.race([reader.read(), Bun.sleep(10_000).then(() => null)])
        if (!r) break
        if (r.done) { ended = true; break }
        text += decoder.decode(r.value)
      }
      expect(ended).toBe(true) // a clean end of stream, not a reset connection or a timeout
      expect(text).toMatch(/event: reconnect\ndata: \nretry: \d+/)
      const retry = Number(text.match(/retry: (\d+)/)![1])
      expect(retry).toBeGreaterThanOrEqual(500)
      expect(retry).toBeLessThanOrEqual(3000)
      expect(await Promise.race([server.proc.exited, Bun.sleep(15_000).then(() => 'still running')])).toBe(0)
      expect(performance.now() - stoppedAt).toBeLessThan(15_000)
      let out = ''
      const stdout = server.proc.stdout.getReader()
      for (let r = await stdout.read(); !r.done; r = await stdout.read()) out += decoder.decode(r.value)
      const logs = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
      expect(logs.find((l) => l.msg === 'server stopped')).toMatchObject({ streams: 1, cutRequests: 0 })
      expect(logs.find((l) => l.msg === 'request' && l.route === '/chat/:id/events')).toMatchObject({ status: 200 })
    } finally {
      server.proc.kill('SIGKILL')
    }
  })
})
