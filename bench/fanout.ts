/**
 * SSE fan-out: N concurrent staff inbox streams on one Pitwall process (default 10,000), one rider message at a
 * time; reports how long the resulting update takes to reach every stream (p50/p99/max over streams) and the
 * server's RSS per open connection. Baseline in the same run: bare Hono+Bun streamSSE (bench/echo-server.ts)
 * holding the same number of streams and publishing one small event to all.
 *
 *   bun bench/fanout.ts [--clients 10000] [--rounds 5]
 *
 * Needs ~N file descriptors in each of the two processes (this one and the server): `ulimit -n` must exceed N + 100
 * (raise it with `ulimit -n 65536` in the shell first if your default is 1024). Streams are opened 100 at a time.
 * One staff session is reused for every stream (the per-client stream limit is turned off for the bench).
 */
import {
  blockId, ensureFetchSlots, flags, fmt, inBatches, loadAverage, login, newRider, openSse, pitwallServer, rssMb, scratchDatabase, seedDemo,
  serverEnv, spawnServer, summary, type Proc,
} from './lib.ts'

const f = flags()
const N = Number(f.clients ?? 10_000)
const ROUNDS = Number(f.rounds ?? 5)
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`)
await ensureFetchSlots(N)

const limit = Number((await Bun.$`sh -c 'ulimit -n'`.text()).trim())
if (Number.isFinite(limit) && limit < N + 100) {
  console.error(`ulimit -n is ${limit}: too low for ${N} streams. Run \`ulimit -n ${Math.max(65536, N * 2)}\` first.`)
  process.exit(2)
}

interface Fanout { openSec: number; rssBefore: number; rssAfter: number; delivery: ReturnType<typeof summary>; delivered: number; expected: number; dropped: number }

/** Opens N streams, then runs `rounds` triggers, timing each stream's first frame after the trigger. */
async function fanout(server: Proc, path: string, headers: Record<string, string>, trigger: () => Promise<void>): Promise<Fanout> {
  const rssBefore = rssMb(server.pid)
  let round = 0
  let roundStart = 0
  const seenRound = new Int32Array(N)
  const latencies: number[] = []
  let dropped = 0
  let connected = 0
  const closers: Array<() => void> = []
  const t0 = performance.now()
  await inBatches(Array.from({ length: N }, (_, i) => i), 100, async (i) => {
    const s = await openSse(`${server.url}${path}`, headers, {
      onBlock: (b) => {
        if (round > seenRound[i] && blockId(b) !== undefined) {
          seenRound[i] = round
          latencies.push(performance.now() - roundStart)
        }
      },
      onEnd: () => { dropped++ },
    })
    if (s.status !== 200) throw new Error(`stream ${i}: HTTP ${s.status}`)
    closers.push(s.close)
    if (++connected % 2000 === 0 || connected === N) log(`${connected} streams open on ${path}`)
  })
  const openSec = (performance.now() - t0) / 1000
  await Bun.sleep(3000) // let the server settle (ready events, first keep-alives) before measuring memory
  const rssAfter = rssMb(server.pid)
  for (let r = 1; r <= ROUNDS; r++) {
    const before = latencies.length
    const got = () => latencies.length - before
    roundStart = performance.now()
    round = r
    await trigger()
    for (const deadline = performance.now() + 30_000; got() < N - dropped && performance.now() < deadline;) await Bun.sleep(20)
    const last = summary(latencies.slice(before))
    log(`round ${r}: ${got()} of ${N} streams in ${fmt(last.max, 0)} ms (p99 ${fmt(last.p99, 0)} ms)`)
    await Bun.sleep(1500) // the rest of the message's events (the answer) go by before the next round
  }
  for (const c of closers) c()
  return { openSec, rssBefore, rssAfter, delivery: summary(latencies), delivered: latencies.length, expected: N * ROUNDS, dropped }
}

const lines: string[] = [`SSE fan-out — ${new Date().toISOString().slice(0, 16)}Z, ${N} streams, ${ROUNDS} events, load average ${loadAverage()}`]
const row = (name: string, r: Fanout) => `  ${name}: opened in ${fmt(r.openSec)} s; delivery of one event to all (n ${r.delivered}/${r.expected}): p50 ${fmt(r.delivery.p50)} ms, p99 ${fmt(r.delivery.p99)} ms, max ${fmt(r.delivery.max)} ms; RSS ${fmt(r.rssBefore, 0)} -> ${fmt(r.rssAfter, 0)} MB = ${fmt(((r.rssAfter - r.rssBefore) * 1024) / N, 1)} KB per connection; dropped ${r.dropped}`

const echo = await spawnServer(['bench/echo-server.ts'], {})
let base: Fanout
try {
  base = await fanout(echo, '/sse', {}, async () => { await (await fetch(`${echo.url}/publish`, { method: 'POST', body: 'tick' })).arrayBuffer() })
  lines.push(row('bare Hono+Bun streamSSE', base))
} finally {
  await echo.kill()
}

const db = await scratchDatabase('pw_fanout')
let server: Proc | undefined
try {
  const password = await seedDemo(db.url, false)
  server = await pitwallServer(serverEnv(db.url))
  const cookie = await login(server.url, 'admin@ridgeline.example', password)
  const url = server.url
  const riders = await Promise.all(Array.from({ length: ROUNDS }, () => newRider(url)))
  // Each round: a new rider's first message, which changes the inbox counts every staff stream shows.
  const p = await fanout(server, '/inbox/events', { cookie }, async () => {
    const rider = riders.pop()!
    const res = await fetch(`${url}/chat/${crypto.randomUUID()}/messages`, {
      method: 'POST', headers: { cookie: rider, origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: crypto.randomUUID(), body: 'are you open on saturday?' }),
    })
    await res.arrayBuffer()
  })
  lines.push(row('Pitwall /inbox/events (rider POST -> every staff stream)', p))
  lines.push(`  ratio Pitwall / bare: p50 ${fmt(p.delivery.p50 / base.delivery.p50, 1)}×, p99 ${fmt(p.delivery.p99 / base.delivery.p99, 1)}×, memory per connection ${fmt((p.rssAfter - p.rssBefore) / Math.max(0.001, base.rssAfter - base.rssBefore), 1)}×`)
  console.log(lines.join('\n'))
  if (p.delivered < p.expected || p.dropped) process.exitCode = 1
} finally {
  await server?.kill()
  await db.drop()
}
