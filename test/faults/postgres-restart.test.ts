/**
 * Fault: PostgreSQL restarts while riders post. A private cluster (never the shared one on 5432) is stopped and
 * started under a running `pitwall serve`; nothing may be lost: every message stored exactly once, every event
 * replayable, open SSE streams catch up, and posts during the outage get a clear retryable error.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { and, eq } from 'drizzle-orm'
import { runCli, startServer } from '../support/process.ts'
import { readSse, demoApp, type SseMessage } from '../support/app.ts'
import { backends } from '../support/db.ts'
import { staffLine, takeEventId } from '../support/late-commit.ts'
import { DEMO_STORE } from '../../src/staff/demo.ts'
import { privatePgUnavailableReason, startPrivatePostgres, type PrivatePostgres } from '../support/private-pg.ts'
import { messages } from '../../src/db/schema.ts'
import type { Answer } from '../../src/agent/contract.ts'
import { pgBus, CHANNEL } from '../../src/realtime/pg-bus.ts'
import { memoryBus, RESYNC, resyncSignal, type Bus, type BusEvent } from '../../src/realtime/bus.ts'

const skipReason = privatePgUnavailableReason()
if (skipReason) console.warn(`faults/postgres-restart: skipped: ${skipReason}`)

const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')

/** Reads an SSE stream in the background; `until` waits for a condition on everything received so far. */
function collect(res: Response) {
  const got: SseMessage[] = []
  let done = false
  let ended = false
  const finished = readSse(res, (m) => { got.splice(0, got.length, ...m); return done }, 120_000).finally(() => { ended = true })
  return {
    got,
    async until(cond: (m: SseMessage[]) => boolean, ms = 20_000): Promise<SseMessage[]> {
      const end = Date.now() + ms
      while (!cond(got)) {
        if (Date.now() > end) throw new Error(`SSE (${ended ? 'ended' : 'open'}): condition not met; got ${got.length} messages: ${got.map((m) => `${m.id ?? '-'}:${m.data.slice(0, 60)}`).join(' | ')}`)
        await Bun.sleep(50)
      }
      return got
    },
    async close() { done = true; await Promise.race([finished, Bun.sleep(200)]) },
  }
}

describe.skipIf(!!skipReason)('PostgreSQL restarted while riders post (pitwall serve on a private cluster)', () => {
  let pg: PrivatePostgres
  let dataDir: string
  beforeAll(async () => {
    pg = await startPrivatePostgres()
    dataDir = mkdtempSync(join(tmpdir(), 'pitwall-fault-'))
  }, 60_000)
  afterAll(async () => {
    await pg?.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('posts during the outage get 503 + Retry-After; the retry stores exactly once; open SSE streams catch up; events replay', async () => {
    const env = { DATABASE_URL: pg.url, DIRECT_DATABASE_URL: pg.url, PITWALL_DATA_DIR: dataDir, SESSION_SECRET: 's'.repeat(40) }
    const seeded = await runCli(['seed-demo', '--no-content'], env)
    expect(seeded.code).toBe(0)
    const password = seeded.stdout.match(/admin@ridgeline\.example\s+(\S+)/)![1]
    const server = await startServer(env)
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} })
    const streams: ReturnType<typeof collect>[] = []
    try {
      const base = server.url
      const rider = cookieOf(await fetch(`${base}/chat`))
      const login = await fetch(`${base}/login`, {
        method: 'POST', redirect: 'manual', headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'admin@ridgeline.example', password }),
      })
      const staff = cookieOf(login)
      const conv = randomUUID()
      const post = (clientId: string, body: string) => fetch(`${base}/chat/${conv}/messages`, {
        method: 'POST', headers: { cookie: rider, origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ client_id: clientId, body }),
      })

      const first = await post(randomUUID(), 'hello before the restart')
      expect(first.status).toBe(201)
      const riderStream = collect(await fetch(`${base}/chat/${conv}/events`, { headers: { cookie: rider, 'last-event-id': '0' } }))
      const staffStream = collect(await fetch(`${base}/inbox/${conv}/events`, { headers: { cookie: staff, 'last-event-id': '0' } }))
      streams.push(riderStream, staffStream)
      // Both streams have sent everything stored so far (a render cut off by the shutdown would end a stream,
      // and a browser would reconnect; these two must stay open through the outage).
      const [{ top }] = await sql<{ top: number }[]>`select max(id)::int as top from events where conversation_id = ${conv}`
      const seenUpTo = (m: SseMessage[]) => m.some((x) => Number(x.id) >= top)
      await riderStream.until(seenUpTo)
      await staffStream.until(seenUpTo)
      const lastIdBefore = top

      await pg.stop()
      const retryId = randomUUID()
      const during = await post(retryId, 'posted while the database was down')
      expect(during.status).toBe(503)
      expect(during.headers.get('retry-after')).toBe('2')
      const body = await during.json() as { error: string; retryable: boolean }
      expect(body.retryable).toBe(true)
      expect(body.error).toMatch(/retry/i)
      expect(body.error).toContain('client_id')
      // The htmx composer comes back with the rider's text, the same client id, and the re-send marker app.js acts on.
      const form = await fetch(`${base}/chat/${conv}/messages`, {
        method: 'POST', headers: { cookie: rider, origin: base, 'hx-request': 'true', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: retryId, body: 'posted while the database was down' }),
      })
      expect(form.status).toBe(503)
      const html = await form.text()
      expect(html).toContain(`value="${retryId}"`)
      expect(html).toContain('>posted while the database was down</textarea>')
      expect(html).toContain('data-retry-after="2"')
      expect(html).toContain('won&#39;t be sent twice')
      const databaseCheck = async () => ((await (await fetch(`${base}/readyz`)).json()) as { checks: { database: { ok: boolean } } }).checks.database.ok
      expect(await databaseCheck()).toBe(false) // not ready: a proxy sends riders elsewhere
      expect((await fetch(`${base}/healthz`)).status).toBe(200) // but alive: no restart needed

      await pg.start()
      // The rider's client retries with the same id until the server is back: stored once, answered once.
      let retried: Response | undefined
      for (const end = Date.now() + 20_000; Date.now() < end; await Bun.sleep(200)) {
        retried = await post(retryId, 'posted while the database was down')
        if (retried.status !== 503) break
      }
      expect(retried!.status).toBe(201)
      const again = await post(retryId, 'posted while the database was down')
      expect(again.status).toBe(200)
      expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true)
      expect(await databaseCheck()).toBe(true)

      // Streams opened before the restart get what was posted after it (LISTEN re-established, missed NOTIFYs replayed).
      await riderStream.until((m) => m.some((x) => x.data.includes('posted while the database was down')))
      await staffStream.until((m) => m.some((x) => x.data.includes('posted while the database was down')))
      // ...and live delivery works again.
      expect((await post(randomUUID(), 'and one more after recovery')).status).toBe(201)
      await riderStream.until((m) => m.some((x) => x.data.includes('and one more after recovery')))
      const ids = riderStream.got.filter((m) => m.id).map((m) => Number(m.id))
      expect(new Set(ids).size).toBe(ids.length) // no event sent twice on one stream
      expect(ids).toEqual([...ids].sort((a, b) => a - b))

      // A browser that reconnects with Last-Event-ID from before the outage is replayed everything since.
      const replay = await readSse(await fetch(`${base}/chat/${conv}/events`, { headers: { cookie: rider, 'last-event-id': String(lastIdBefore) } }),
        (m) => m.some((x) => x.data.includes('and one more after recovery')), 10_000)
      expect(replay.some((x) => x.data.includes('posted while the database was down'))).toBe(true)
      expect(replay.filter((m) => m.id).every((m) => Number(m.id) > lastIdBefore)).toBe(true)

      // In the database: each rider message exactly once, each with exactly one live event and one answer.
      const rows = await sql<{ body: string; client_id: string; id: string }[]>`select id, body, client_id from messages where conversation_id = ${conv} and author = 'customer' order by created_at`
      expect(rows.map((r) => r.body)).toEqual(['hello before the restart', 'posted while the database was down', 'and one more after recovery'])
      expect(rows.filter((r) => r.client_id === retryId)).toHaveLength(1)
      for (const r of rows) {
        const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from events where conversation_id = ${conv} and kind = 'message' and data->>'messageId' = ${r.id}`
        expect(n).toBe(1)
        const [{ answers }] = await sql<{ answers: number }[]>`select count(*)::int as answers from messages where conversation_id = ${conv} and client_id = ${`bot:${r.id}`}`
        expect(answers).toBe(1)
      }
    } finally {
      for (const s of streams) await s.close()
      await sql.end({ timeout: 1 })
      const code = await server.stop()
      if (code !== 0) console.error(await new Response(server.proc.stderr).text())
      expect(code).toBe(0)
    }
  }, 120_000)
})

async function until(cond: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(25)
  }
}

describe.skipIf(!!skipReason)('the LISTEN/NOTIFY bus across a restart (private cluster)', () => {
  test('postgres.js re-LISTENs by itself; the bus then tells local streams to resync, and NOTIFYs arrive again', async () => {
    const pg = await startPrivatePostgres()
    const listenSql = postgres(pg.url, { max: 2, onnotice: () => {} })
    const other = postgres(pg.url, { max: 1, onnotice: () => {} })
    try {
      const bus = await pgBus(listenSql)
      const seen: BusEvent[] = []
      bus.subscribe((e) => seen.push(e))
      const event = (id: number): BusEvent => ({ id, storeId: 'demo', conversationId: null, kind: 'message' })
      await other.notify(CHANNEL, JSON.stringify(event(1)))
      await until(() => seen.some((e) => e.id === 1), 5000, 'the first NOTIFY')
      await pg.stop()
      await pg.start()
      await until(() => seen.some((e) => e.kind === RESYNC), 30_000, 'the resync signal after re-LISTEN')
      await other.notify(CHANNEL, JSON.stringify(event(2)))
      await until(() => seen.some((e) => e.id === 2), 5000, 'a NOTIFY after the restart')
      expect(seen.filter((e) => e.kind === RESYNC)).toHaveLength(1)
      await bus.close()
    } finally {
      await other.end({ timeout: 1 })
      await listenSql.end({ timeout: 1 })
      await pg.destroy()
    }
  }, 60_000)
})

describe.each(backends)('an open SSE stream after the bus lost events ($name)', ({ open }) => {
  test('on resync it replays what was stored but never delivered, once, in order', async () => {
    const { database, cleanup } = await open()
    try {
      const inner = memoryBus()
      let lossy = false // stored events are not published: what NOTIFYs during a restart look like
      const bus: Bus = { ...inner, publish: (e) => (lossy && e.id !== 0 ? Promise.resolve() : inner.publish(e)) }
      const { client } = await demoApp(database, { bus })
      const rider = client()
      await rider.request('/chat')
      const conv = randomUUID()
      const post = (body: string) => rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body } })
      expect((await post('first')).status).toBe(201)
      const stream = collect(await rider.request(`/chat/${conv}/events`, { headers: { 'last-event-id': '0' } }))
      try {
        await stream.until((m) => m.some((x) => x.data.includes('first')), 5000)
        lossy = true
        expect((await post('lost on the bus')).status).toBe(201)
        await Bun.sleep(300)
        expect(stream.got.some((x) => x.data.includes('lost on the bus'))).toBe(false)
        lossy = false
        await inner.publish(resyncSignal())
        await stream.until((m) => m.some((x) => x.data.includes('lost on the bus')), 5000)
        expect((await post('live again')).status).toBe(201)
        await stream.until((m) => m.some((x) => x.data.includes('live again')), 5000)
        const ids = stream.got.filter((m) => m.id).map((m) => Number(m.id))
        expect(new Set(ids).size).toBe(ids.length)
        expect(ids).toEqual([...ids].sort((a, b) => a - b))
      } finally {
        await stream.close()
      }
    } finally {
      await cleanup()
    }
  })
})

describe.each(backends)('a late commit whose notification the bus lost ($name)', ({ open }) => {
  test('an id below the stream\'s position, stored while the bus was down, is sent on resync, once', async () => {
    const { database, cleanup } = await open()
    try {
      const inner = memoryBus()
      const { client } = await demoApp(database, { bus: inner })
      const rider = client()
      await rider.request('/chat')
      const conv = randomUUID()
      expect((await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'first' } })).status).toBe(201)
      const stream = collect(await rider.request(`/chat/${conv}/events`, { headers: { 'last-event-id': '0' } }))
      try {
        await stream.until((m) => m.some((x) => x.data.includes('first')), 5000)
        // A writer takes an id, another stores and publishes a later one, then the first stores its event while the
        // bus is down (its NOTIFY never comes), and the bus reconnects.
        const late = await takeEventId(database.db)
        const lateId = late.id
        const position = await staffLine(database.db, conv, 'Sent live')
        await inner.publish({ id: position, storeId: DEMO_STORE.id, conversationId: conv, kind: 'message' })
        await stream.until((m) => m.some((x) => x.data.includes('Sent live')), 5000)
        await late.commit(conv, 'Stored while the bus was down')
        await inner.publish(resyncSignal())
        await stream.until((m) => m.some((x) => x.data.includes('Stored while the bus was down')), 5000)
        await Bun.sleep(200)
        const withData = stream.got.filter((m) => m.id && m.data).map((m) => Number(m.id))
        expect(new Set(withData).size).toBe(withData.length) // nothing it had sent came again
        expect(withData.slice(-2)).toEqual([position, lateId])
        expect(stream.got.at(-1)).toMatchObject({ id: String(position), data: '' }) // Last-Event-ID back at the position
      } finally {
        await stream.close()
      }
    } finally {
      await cleanup()
    }
  })
})

describe.each(backends)('a failure after the message was stored ($name)', ({ open }) => {
  test('the retry with the same client id stores nothing new and finishes answering', async () => {
    const { database, cleanup } = await open()
    try {
      const { services, client } = await demoApp(database)
      let calls = 0
      services.answerer = {
        mode: 'local',
        async answer(): Promise<Answer> {
          // The first attempt dies the way a database restart looks to postgres.js.
          if (++calls === 1) throw Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' })
          return { text: 'We are open until 6 today.', citations: [], confidence: 0.9, source: 'local' }
        },
      }
      const rider = client()
      await rider.request('/chat')
      const conv = randomUUID(), clientId = randomUUID()
      const send = () => rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: clientId, body: 'are you open today?' } })
      const failed = await send()
      expect(failed.status).toBe(503)
      expect(failed.headers.get('retry-after')).toBe('2')
      const retried = await send()
      expect(retried.status).toBe(200)
      expect(((await retried.json()) as { duplicate: boolean }).duplicate).toBe(true)
      const stored = await database.db.select().from(messages).where(eq(messages.conversationId, conv))
      expect(stored.filter((m) => m.author === 'customer')).toHaveLength(1)
      expect(stored.filter((m) => m.author === 'bot').map((m) => m.body)).toEqual(['We are open until 6 today.'])
      // A third retry changes nothing.
      expect((await send()).status).toBe(200)
      expect(calls).toBe(2)
      const again = await database.db.select().from(messages).where(and(eq(messages.conversationId, conv), eq(messages.author, 'bot')))
      expect(again).toHaveLength(1)
    } finally {
      await cleanup()
    }
  })
})
