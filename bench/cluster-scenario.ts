/**
 * Two Pitwall instances on one PostgreSQL (LISTEN/NOTIFY): riders post to either, every rider conversation has a
 * live stream on each instance, and instance A is SIGKILLed mid-load. Its streams reconnect to B with
 * Last-Event-ID, riders whose post failed retry on B with the same client id; then every stream's received ids
 * are checked against the `events` table. Used by bench/cluster.ts and test/integration/two-instances.test.ts.
 */
import { FACT_KINDS } from '../src/insights/facts.ts'
import { blockId, login, newRider, openSse, pitwallServer, serverEnv, summary, type Proc } from './lib.ts'

/** Rows in `events` kept for reports only, never published live (live streams are not meant to carry them). */
const ANALYTICS_ONLY: string[] = [...FACT_KINDS]

export interface ClusterOptions { riders: number; messages: number; killAt: number; log?: (line: string) => void }

interface Client {
  conv: string; home: 'A' | 'B'; on: 'A' | 'B'; ready: number; ids: number[]; seen: Map<string, number>; reconnects: number
  /** Where each reconnect began in `ids`. */
  resumedAt: number[]
  /** When the stream was back (its ready event) on the survivor. */
  backAt?: number
  close(): void
}

export interface ClusterReport {
  streams: number
  posts: number
  retried: number
  reconnects: number
  /**
   * Stored events some stream never received (must be 0), and ids a stream received twice on one connection or
   * across a reconnect that should not have repeated them (must be 0).
   */
  missing: number
  duplicates: number
  /**
   * Ids a reconnected stream was sent again: events below its Last-Event-ID from transactions that ran alongside the
   * one at that id may have committed after it (late commits), and are replayed whether or not it had them. The pages
   * add a line once and render status from the chat as it is, so these show nothing twice.
   */
  resent: number
  /** Events a stream received that are not in `events` for its conversation (must be 0). */
  unknown: number
  /** Customer messages stored, against posts made (a retry must not duplicate). */
  stored: number
  /** Post -> rider stream (ms) on the instance that took the post, and on the other one. */
  sameInstance: ReturnType<typeof summary>
  crossInstance: ReturnType<typeof summary>
  /** SIGKILL -> every stream of A back on B (ms). */
  failoverMs: number
  conversationsWithoutAnswer: number
}

export async function clusterScenario(databaseUrl: string, password: string, o: ClusterOptions): Promise<ClusterReport> {
  const log = o.log ?? (() => {})
  const env = serverEnv(databaseUrl, { DIRECT_DATABASE_URL: databaseUrl })
  const [a, b] = await Promise.all([pitwallServer(env), pitwallServer(env)])
  const servers: Record<'A' | 'B', Proc> = { A: a, B: b }
  let aDead = false
  const clients: Client[] = []
  const same: number[] = []
  const cross: number[] = []
  const posted = new Map<string, { t0: number; via: 'A' | 'B' }>()
  try {
    await login(b.url, 'admin@ridgeline.example', password) // both instances serve one session table
    const riders = await Promise.all(Array.from({ length: o.riders }, async (_, i) => ({ i, conv: crypto.randomUUID(), cookie: await newRider(i % 2 ? b.url : a.url) })))

    const connect = async (c: Client, cookie: string, lastId?: number) => {
      const server = servers[c.on]
      const s = await openSse(`${server.url}/chat/${c.conv}/events`, { cookie, ...(lastId ? { 'last-event-id': String(lastId) } : {}) }, {
        onBlock: (block) => {
          if (block.includes('event: ready')) {
            if (c.ready < 0) c.ready = Number(/data: ?(\d+)/.exec(block)![1])
            else c.backAt = performance.now()
            return
          }
          // An id-only block puts Last-Event-ID back after a late commit was sent under its own id: not an event.
          const id = /(?:^|\n)data:/.test(block) ? blockId(block) : undefined
          if (id === undefined) return
          c.ids.push(id)
          for (const m of block.matchAll(/\[m(\d+)-(\d+)\]/g)) {
            const key = m[0]
            if (c.seen.has(key)) continue
            c.seen.set(key, performance.now())
            const p = posted.get(key)
            if (p && !(aDead && c.on !== c.home)) (p.via === c.on ? same : cross).push(performance.now() - p.t0)
          }
        },
        onEnd: () => {
          if (c.on === 'A' && aDead) {
            c.on = 'B'
            c.reconnects++
            c.resumedAt.push(c.ids.length)
            void connect(c, cookie, c.ids.at(-1) ?? c.ready)
          }
        },
      })
      if (s.status !== 200) throw new Error(`stream on ${c.on}: HTTP ${s.status}`)
      c.close = s.close
    }
    for (const r of riders) {
      for (const home of ['A', 'B'] as const) {
        const c: Client = { conv: r.conv, home, on: home, ready: -1, ids: [], seen: new Map(), reconnects: 0, resumedAt: [], close: () => {} }
        clients.push(c)
        await connect(c, r.cookie)
      }
    }
    while (clients.some((c) => c.ready < 0)) await Bun.sleep(20)
    log(`${clients.length} rider streams open (${o.riders} on each instance)`)

    let done = 0
    let retried = 0
    let killedAt = 0
    const total = o.riders * o.messages
    await Promise.all(riders.map(async (r) => {
      for (let k = 0; k < o.messages; k++) {
        const key = `[m${r.i}-${k}]`
        const body = JSON.stringify({ client_id: `bench-${r.conv.slice(0, 8)}-${k}`, body: `question ${k} from rider ${r.i} ${key}` })
        let via: 'A' | 'B' = (r.i + k) % 2 ? 'B' : 'A'
        for (let attempt = 0; ; attempt++) {
          if (via === 'A' && aDead) via = 'B'
          posted.set(key, { t0: performance.now(), via })
          const url = servers[via].url
          const res = await fetch(`${url}/chat/${r.conv}/messages`, { method: 'POST', headers: { cookie: r.cookie, origin: url, 'content-type': 'application/json' }, body })
            .then(async (x) => { await x.arrayBuffer(); return x.status }).catch(() => 0)
          if (res === 201 || res === 200) break
          if (attempt >= 5) throw new Error(`post ${key} failed on ${via}: ${res}`)
          retried++
          via = 'B'
          await Bun.sleep(100)
        }
        if (++done >= total * o.killAt && !killedAt) {
          killedAt = performance.now()
          aDead = true
          void a.kill('SIGKILL')
          log(`SIGKILL instance A after ${done}/${total} posts`)
        }
      }
    }))
    while (clients.some((c) => c.home === 'A' && !c.backAt) && performance.now() - killedAt < 10_000) await Bun.sleep(20)
    const failoverMs = Math.max(...clients.map((c) => c.backAt ?? (c.home === 'A' ? Infinity : 0))) - killedAt
    const sql = (await import('postgres')).default(databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const streamed = async (c: Client) => (await sql<{ id: string; kind: string }[]>`
        select id, kind from events where conversation_id = ${c.conv} and id > ${c.ready} order by id`).map((x) => ({ id: Number(x.id), live: !ANALYTICS_ONLY.includes(x.kind) }))
      // The last answers may still be on their way: wait (up to 15 s) until every stream has its conversation's newest event.
      for (const deadline = performance.now() + 15_000; performance.now() < deadline; await Bun.sleep(200)) {
        const behind = await Promise.all(clients.map(async (c) => {
          const newest = (await streamed(c)).filter((e) => e.live).at(-1)?.id ?? 0
          return !c.ids.includes(newest) && newest > 0
        }))
        if (!behind.some(Boolean)) break
      }
      let missing = 0
      let duplicates = 0
      let resent = 0
      let unknown = 0
      for (const c of clients) {
        const stored = await streamed(c)
        const got = new Set(c.ids)
        const first = new Map<number, number>()
        c.ids.forEach((id, i) => {
          const before = first.get(id)
          if (before === undefined) first.set(id, i)
          else if (c.resumedAt.some((r) => before < r && r <= i) && id < c.ids[c.resumedAt.find((r) => before < r && r <= i)! - 1]) resent++
          else duplicates++
        })
        // Replay after a reconnect also sends analytics-only rows (rendered as nothing); live never does. Both are fine.
        const lost = stored.filter((e) => e.live && !got.has(e.id)).map((e) => e.id)
        missing += lost.length
        if (lost.length) log(`stream of ${c.conv.slice(0, 8)} (home ${c.home}, now ${c.on}, ready ${c.ready}, ${c.reconnects} reconnects) missed ${lost.join(',')}; got ${c.ids.join(',')}`)
        const known = new Set(stored.map((e) => e.id))
        unknown += [...got].filter((id) => !known.has(id)).length
      }
      const convs = riders.map((r) => r.conv)
      const [{ n: stored }] = await sql<{ n: string }[]>`select count(*) as n from messages where conversation_id = any(${convs}) and author = 'customer'`
      const [{ n: unanswered }] = await sql<{ n: string }[]>`
        select count(*) as n from conversations c where c.id = any(${convs}) and (
          select author from messages m where m.conversation_id = c.id and m.internal = false order by created_at desc, id desc limit 1) = 'customer'`
      return {
        streams: clients.length, posts: total, retried, reconnects: clients.reduce((n, c) => n + c.reconnects, 0),
        missing, duplicates, resent, unknown, stored: Number(stored), sameInstance: summary(same), crossInstance: summary(cross),
        failoverMs, conversationsWithoutAnswer: Number(unanswered),
      }
    } finally {
      await sql.end()
    }
  } finally {
    for (const c of clients) c.close()
    await Promise.all([a, b].map((p) => p.proc.killed ? p.proc.exited : p.kill()))
  }
}
