/**
 * Chat load: simulated riders post through the public API to one server on PostgreSQL while staff SSE streams
 * are open; reports sustained messages/s and post -> staff SSE update latency, next to a bare Hono+Bun echo
 * endpoint driven by the same riders in the same run (the ceiling).
 *
 *   bun bench/load.ts [--duration 60s] [--warmup 10s] [--echo 15s] [--riders 32] [--staff 1000] [--probes 20]
 *                     [--content demo|none] [--soak 30m] [--cpu-prof DIR] [--workers N] [--rate R] [--accounts N]
 *
 * Riders: a fixed number of concurrent riders; each loads /chat (a visitor cookie), opens a conversation and asks
 * --turns demo questions one after another (no think time), then a new rider takes its place.
 * Staff: the demo's staff members (--accounts, default all 5) signed in once each, the streams shared out among
 * them round-robin (each has several tabs open, as at a dealership); --probes streams show "All" (every rider message lands on
 * a card there, which is how latency is measured), the rest the default "Needs a person" view. Those are held by
 * bench/stream-holder.ts in a process of its own (their CPU is counted with the load generator's), so reading a
 * thousand streams never delays the clock that times the probes.
 * Latency: from just before the POST to the first frame on a probe stream whose card shows that message (a message
 * overtaken by the rider's next one before a frame shows it counts as seen when the later one is: an upper bound).
 * --soak: after the measurement, riders are paced at half the measured rate for that long; RSS is sampled.
 * --rate R: riders' posts are paced to R a second in all during the measurement (latency below saturation);
 * without it riders post as fast as they are answered (the sustained maximum).
 * --workers N: the server runs N processes on its port (PITWALL_WORKERS); CPU and RSS are summed over them, and
 * the SQL statement counter (per process, read through the port from whichever process answers) is not reported.
 */
import { DEMO_QUESTIONS } from '../test/fixtures/agent/demo-questions.ts'
import {
  seedDemoStaff, cpuBetween, cpuSeconds, treeCpuSeconds, treeRssMb, postgresCommits, serverMetric, duration, ensureFetchSlots, flags, postgresCpu, fmt, inBatches, loadAverage, login, newRider, openSse, pitwallServer, rssMb, scratchDatabase,
  serverEnv, spawnServer, summary, type Proc,
} from './lib.ts'

const f = flags()
const opt = {
  duration: duration(f.duration ?? '60s'), warmup: duration(f.warmup ?? '10s'), echo: duration(f.echo ?? '15s'),
  riders: Number(f.riders ?? 32), staff: Number(f.staff ?? 1000), probes: Number(f.probes ?? 20), turns: Number(f.turns ?? 4),
  content: (f.content ?? 'demo') as 'demo' | 'none', soak: f.soak ? duration(f.soak) : 0, workers: Number(f.workers ?? 1),
  rate: Number(f.rate ?? 0), accounts: Number(f.accounts ?? 5),
}
await ensureFetchSlots(opt.staff + opt.riders)
const QUESTIONS = DEMO_QUESTIONS.map((d) => d.q)
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)
const log = (...a: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a)

/** `resent`: the client ids of posts sent again after a connection reset (see `drive`). */
interface Tally { ok: number; errors: number; statuses: Record<string, number>; latencies: number[]; pages: number; failures: string[]; resent: string[] }
const tally = (): Tally => ({ ok: 0, errors: 0, statuses: {}, latencies: [], pages: 0, failures: [], resent: [] })
/** The first failures, with the time and what the client saw (an error response's body, or the network error), for the report. */
function failed(t: Tally, what: string) {
  t.errors++
  if (t.failures.length < 20) t.failures.push(`${new Date().toISOString().slice(11, 23)} ${what}`)
}
const describeError = (err: unknown) => {
  const e = err as { name?: string; code?: string; message?: string }
  return `${e?.name ?? 'Error'}${e?.code ? ` ${e.code}` : ''}: ${e?.message ?? String(err)}`
}

/** Post -> probe-stream latency: every pending message waits for each probe stream to show it. */
class Probes {
  private pending = new Map<string, { snippet: string; t0: number; seen: Set<number> }[]>()
  latencies: number[] = []
  unseen = 0
  constructor(private count: number) {}
  posted(conv: string, body: string, t0: number) {
    const list = this.pending.get(conv) ?? []
    list.push({ snippet: escapeHtml(body.trim()), t0, seen: new Set() })
    this.pending.set(conv, list)
  }
  frame(probe: number, html: string, now: number) {
    for (const m of html.matchAll(/<li id="conv-([0-9a-f-]{36})"[^]*?<p class="snippet">([^<]*)<\/p>/g)) {
      const list = this.pending.get(m[1])
      if (!list) continue
      const k = list.findLastIndex((x) => x.snippet === m[2])
      for (let j = 0; j <= k; j++) {
        if (list[j].seen.has(probe)) continue
        list[j].seen.add(probe)
        this.latencies.push(now - list[j].t0)
      }
    }
  }
  /** Messages older than `ms` that some probe never showed are counted and dropped. */
  sweep(now: number, ms = 30_000) {
    for (const [conv, list] of this.pending) {
      const keep = list.filter((x) => {
        if (x.seen.size >= this.count) return false
        if (now - x.t0 > ms) { this.unseen += this.count - x.seen.size; return false }
        return true
      })
      if (keep.length) this.pending.set(conv, keep)
      else this.pending.delete(conv)
    }
  }
}

/** One rider after another, `riders` at a time, until `stopAt`; `pace` (if any) spaces posts out. */
async function drive(url: string, o: { stopAt: number; riders: number; pages: boolean; t: Tally; probes?: Probes; pace?: () => Promise<void> }) {
  let picked = 0
  await Promise.all(Array.from({ length: o.riders }, async () => {
    while (performance.now() < o.stopAt) {
      let cookie = `pw_visitor=bench-${crypto.randomUUID()}`
      if (o.pages) {
        try { cookie = await newRider(url); o.t.pages++ } catch (err) { failed(o.t, `chat page: ${describeError(err)}`); continue }
      }
      const conv = crypto.randomUUID()
      const start = picked++ * opt.turns
      for (let turn = 0; turn < opt.turns && performance.now() < o.stopAt; turn++) {
        await o.pace?.()
        const body = QUESTIONS[(start + turn) % QUESTIONS.length]
        const t0 = performance.now()
        o.probes?.posted(conv, body, t0)
        const clientId = crypto.randomUUID()
        const post = () => fetch(`${url}/chat/${conv}/messages`, {
          method: 'POST', headers: { cookie, origin: url, 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: clientId, body }),
        })
        try {
          // A keep-alive connection the server closes (idle timeout) just as a post goes out on it resets. A browser
          // sends the request again on a new connection then, as here: the same client id, so it is stored once
          // (checked at the end). Any other failure, or a second one, counts.
          const res = await post().catch((err) => {
            if ((err as { code?: string })?.code !== 'ECONNRESET') throw err
            o.t.resent.push(clientId)
            return post()
          })
          const text = await res.text()
          o.t.statuses[res.status] = (o.t.statuses[res.status] ?? 0) + 1
          if (res.status < 300 && performance.now() <= o.stopAt) { o.t.ok++; o.t.latencies.push(performance.now() - t0) } else if (res.status >= 300) failed(o.t, `HTTP ${res.status}: ${text.slice(0, 160)}`)
        } catch (err) {
          failed(o.t, `post after ${fmt(performance.now() - t0, 0)} ms: ${describeError(err)}`)
          o.t.statuses.network = (o.t.statuses.network ?? 0) + 1
        }
      }
    }
  }))
}

/** Spaces posts out to `perSecond` across all riders (open-loop arrivals while riders keep up). */
function pacer(perSecond: number) {
  const interval = 1000 / perSecond
  let nextAt = performance.now()
  return async () => { const at = (nextAt += interval); const wait = at - performance.now(); if (wait > 0) await Bun.sleep(wait) }
}

/** `count` staff streams of `url` held by bench/stream-holder.ts in its own process; `stats` follows its reports. */
async function holdStreams(url: string, cookies: string[], count: number) {
  const proc = Bun.spawn([process.execPath, 'bench/stream-holder.ts'], { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' })
  proc.stdin.write(JSON.stringify({ url, cookies, count }) + '\n')
  proc.stdin.flush()
  const stats = { bytes: 0, reads: 0, ended: 0 }
  let opened = -1
  const lines = (async () => {
    let buf = ''
    for await (const chunk of proc.stdout) {
      buf += new TextDecoder().decode(chunk)
      let i: number
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        if (line.startsWith('open ')) opened = Number(line.slice(5))
        else if (line.startsWith('stats ')) Object.assign(stats, JSON.parse(line.slice(6)))
      }
    }
  })()
  while (opened < 0) {
    if (proc.exitCode !== null) throw new Error(`stream holder exited (${proc.exitCode})`)
    await Bun.sleep(50)
  }
  return {
    pid: proc.pid, opened, stats,
    async close() { proc.stdin.end(); await proc.exited; await lines.catch(() => {}) },
  }
}

/** Machine-wide busy fraction between two /proc/stat readings. */
const cpuStat = () => (Bun.file('/proc/stat').text()).then((t) => t.split('\n')[0].split(/\s+/).slice(1).map(Number))
const busy = (a: number[], b: number[]) => {
  const d = b.map((x, i) => x - a[i])
  const total = d.reduce((x, y) => x + y, 0)
  return 1 - (d[3] + d[4]) / total
}

async function main() {
  log(`options ${JSON.stringify(opt)}; load average ${loadAverage()}`)
  const db = await scratchDatabase('pw_load')
  const procs: Proc[] = []
  let holder: Awaited<ReturnType<typeof holdStreams>> | undefined
  try {
    const accounts = (await seedDemoStaff(db.url, opt.content === 'demo')).slice(0, Math.max(1, opt.accounts))
    log(`seeded ${opt.content === 'demo' ? 'the demo dealership with its 2,500 DMS documents' : 'the demo dealership without DMS content'}`)

    // 1. the ceiling: the same riders against bare Hono+Bun
    const echo = await spawnServer(['bench/echo-server.ts'], {})
    procs.push(echo)
    await drive(echo.url, { stopAt: performance.now() + 2000, riders: opt.riders, pages: false, t: tally() })
    const echoTally = tally()
    const echoStart = performance.now()
    await drive(echo.url, { stopAt: echoStart + opt.echo, riders: opt.riders, pages: false, t: echoTally })
    const echoRate = echoTally.ok / (opt.echo / 1000)
    await echo.kill()
    log(`echo: ${fmt(echoRate, 0)} req/s`)

    // 2. Pitwall with the staff streams open
    const server = await pitwallServer(serverEnv(db.url, { PITWALL_WORKERS: String(opt.workers) }), f['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', f['cpu-prof']] : [])
    procs.push(server)
    const cookies = await Promise.all(accounts.map((a) => login(server.url, a.email, a.password)))
    const probes = new Probes(opt.probes)
    let staffOpen = 0
    let probeEnded = 0
    let probeBytes = 0
    const t0Open = performance.now()
    const closers: Array<() => void> = []
    // The streams nobody measures live in a process of their own (as a thousand browsers would be elsewhere), so
    // reading them never delays this process's clock; the probes and riders stay here.
    holder = await holdStreams(`${server.url}/inbox/events`, cookies, opt.staff - opt.probes)
    staffOpen += holder.opened
    await inBatches(Array.from({ length: opt.probes }, (_, i) => i), 50, async (i) => {
      const s = await openSse(`${server.url}/inbox/events?view=all`, { cookie: cookies[i % cookies.length] }, {
        onBytes: (n) => { probeBytes += n },
        onBlock: (b) => probes.frame(i, b, performance.now()),
        onEnd: () => { probeEnded++ },
      })
      if (s.status === 200) { staffOpen++; closers.push(s.close) } else throw new Error(`probe stream ${i}: HTTP ${s.status}`)
    })
    const staff = () => ({ bytes: probeBytes + holder!.stats.bytes, reads: holder!.stats.reads, ended: probeEnded + holder!.stats.ended })
    /** Posts sent again after a connection reset: each must be stored exactly once. */
    let resentTwice = false
    const resentCheck = async (t: Tally, label: string) => {
      if (!t.resent.length) return []
      const admin = db.sql()
      const [r] = await admin<{ n: number }[]>`select count(*)::int as n from messages where author = 'customer' and client_id = any(${t.resent})`
      await admin.end()
      if (r.n !== t.resent.length) resentTwice = true
      return [`  ${label}: ${t.resent.length} post${t.resent.length === 1 ? '' : 's'} met a connection reset and went again with the same client id: ${r.n} stored (${r.n === t.resent.length ? 'once each' : 'NOT once each'})`]
    }
    log(`${staffOpen} staff SSE streams open in ${fmt((performance.now() - t0Open) / 1000)} s; server RSS ${fmt(treeRssMb(server.pid), 0)} MB`)

    await drive(server.url, { stopAt: performance.now() + opt.warmup, riders: opt.riders, pages: true, t: tally() })
    // The planner's statistics as autovacuum keeps them on a database in service: the warm-up filled tables that
    // were empty a few seconds ago, and plans made for empty tables (a sort of every waiting chat) would be measured.
    const admin = db.sql()
    await admin.unsafe('analyze')
    await admin.end()
    await Bun.sleep(500)
    probes.sweep(Infinity, -1)
    probes.latencies = []
    probes.unseen = 0

    const t = tally()
    const before = { rss: treeRssMb(server.pid), server: treeCpuSeconds(server.pid), self: cpuSeconds('self') + cpuSeconds(holder.pid), pg: await postgresCpu(db.url), stat: await cpuStat(), ...staff(), statements: await serverMetric(server.url, 'pitwall_db_statements_total'), commits: await postgresCommits(db.url) }
    const start = performance.now()
    const sweeper = setInterval(() => probes.sweep(performance.now()), 1000)
    await drive(server.url, { stopAt: start + opt.duration, riders: opt.riders, pages: true, t, probes, pace: opt.rate ? pacer(opt.rate) : undefined })
    const wall = (performance.now() - start) / 1000
    const after = { rss: treeRssMb(server.pid), server: treeCpuSeconds(server.pid), self: cpuSeconds('self') + cpuSeconds(holder.pid), pg: await postgresCpu(db.url), stat: await cpuStat(), ...staff(), statements: await serverMetric(server.url, 'pitwall_db_statements_total'), commits: await postgresCommits(db.url) }
    const perMessage = {
      server: ((after.server - before.server) * 1000) / Math.max(1, t.ok), pg: (cpuBetween(before.pg, after.pg) * 1000) / Math.max(1, t.ok),
      statements: (after.statements - before.statements) / Math.max(1, t.ok), commits: (after.commits - before.commits) / Math.max(1, t.ok),
    }
    await Bun.sleep(2000)
    clearInterval(sweeper)
    probes.sweep(Infinity, 0)
    const rate = t.ok / (opt.duration / 1000)
    const post = summary(t.latencies)
    const live = summary(probes.latencies)
    const echoLat = summary(echoTally.latencies)

    const lines = [
      `chat load — ${new Date().toISOString().slice(0, 16)}Z, load average ${loadAverage()}, content: ${opt.content === 'demo' ? 'demo DMS (2,500 documents)' : 'none'}, local AI mode`,
      `  riders ${opt.riders} concurrent${opt.rate ? `, paced to ${opt.rate} messages/s in all` : ''}, ${opt.turns} messages each, ${fmt(opt.duration / 1000, 0)} s measured after ${fmt(opt.warmup / 1000, 0)} s warm-up; staff streams ${staffOpen} (${opt.probes} on "All"; ${accounts.length} staff member${accounts.length === 1 ? '' : 's'} signed in, the streams shared out among them), dropped during run ${staff().ended - before.ended}`,
      `  Pitwall: ${fmt(rate, 1)} messages/s sustained (${t.ok} answered, ${t.pages} chat page loads, ${t.errors} errors, statuses ${JSON.stringify(t.statuses)})`,
      `  post -> staff SSE update (${live.n} message×probe pairs, ${probes.unseen} never shown): p50 ${fmt(live.p50)} ms, p99 ${fmt(live.p99)} ms, max ${fmt(live.max)} ms`,
      `  post -> answered response: p50 ${fmt(post.p50)} ms, p99 ${fmt(post.p99)} ms`,
      `  echo ceiling (bare Hono+Bun, same riders, ${fmt(opt.echo / 1000, 0)} s): ${fmt(echoRate, 0)} req/s, p50 ${fmt(echoLat.p50, 2)} ms, p99 ${fmt(echoLat.p99, 2)} ms`,
      `  ratio Pitwall / echo throughput: ${fmt(rate / echoRate, 4)} (${fmt(echoRate / rate, 0)}× below the ceiling)`,
      `  CPU: server ${fmt((after.server - before.server) / wall, 2)} cores, load generator ${fmt((after.self - before.self) / wall, 2)} cores, machine busy ${fmt(busy(before.stat, after.stat) * 100, 0)}% of 2 cores; staff SSE bytes ${fmt((after.bytes - before.bytes) / wall / 1e6, 1)} MB/s, ${fmt((after.reads - before.reads) / wall / Math.max(1, staffOpen - opt.probes), 1)} reads/s a "Needs a person" stream`,
      `  CPU per answered message: server ${fmt(perMessage.server)} ms + PostgreSQL ${fmt(perMessage.pg)} ms -> at most ${fmt(2000 / (perMessage.server + perMessage.pg), 0)} messages/s if both had the 2 cores to themselves (a projection, not a measurement)`,
      `  SQL per answered message (chat page loads and staff streams included): ${opt.workers > 1 ? 'statements not counted (per-process counter)' : `${fmt(perMessage.statements, 1)} statements (drizzle; BEGIN/COMMIT and NOTIFY not counted)`}, ${fmt(perMessage.commits, 1)} committed transactions (pg_stat_database)`,
      `  server RSS ${fmt(before.rss, 0)} -> ${fmt(after.rss, 0)} MB${opt.workers > 1 ? ` (${opt.workers} processes summed)` : ''}`,
    ]

    let soakFailed = false
    if (opt.soak) {
      const soakRate = rate / 2
      const pace = pacer(soakRate)
      const st = tally()
      const samples: string[] = []
      const rssStart = treeRssMb(server.pid)
      const soakStart = performance.now()
      const sampler = setInterval(() => {
        samples.push(`${fmt((performance.now() - soakStart) / 60_000, 1)}m ${fmt(treeRssMb(server.pid), 0)}MB`)
        log(`soak ${samples.at(-1)}, ${st.ok} ok, ${st.errors} errors`)
      }, Math.max(5000, opt.soak / 12))
      await drive(server.url, { stopAt: soakStart + opt.soak, riders: opt.riders, pages: true, t: st, pace })
      clearInterval(sampler)
      const soakWall = (performance.now() - soakStart) / 1000
      const ps = summary(st.latencies)
      lines.push(
        `soak — ${fmt(opt.soak / 60_000, 1)} min at half the sustained rate (target ${fmt(soakRate, 1)}/s): ${fmt(st.ok / soakWall, 1)} messages/s, ${st.ok} answered, ${st.errors} failed, statuses ${JSON.stringify(st.statuses)}`,
        `  server RSS start ${fmt(rssStart, 0)} MB, end ${fmt(treeRssMb(server.pid), 0)} MB; samples: ${samples.join(', ')}`,
        `  post -> answered response: p50 ${fmt(ps.p50)} ms, p99 ${fmt(ps.p99)} ms; staff streams dropped ${staff().ended - before.ended}`,
      )
      lines.push(...await resentCheck(st, 'soak'))
      if (st.failures.length) lines.push(`  soak failures (first ${st.failures.length}):`, ...st.failures.map((x) => `    ${x}`))
      soakFailed = st.errors > 0
    }
    lines.splice(3, 0, ...await resentCheck(t, 'measurement'))
    if (t.failures.length) lines.push(`  failures during the measurement (first ${t.failures.length}):`, ...t.failures.map((x) => `    ${x}`))
    if (t.failures.length || soakFailed) lines.push('  server log (tail):', ...server.logTail().split('\n').map((x) => `    ${x}`))
    for (const c of closers) c()
    console.log(lines.join('\n'))
    if (t.errors || soakFailed || resentTwice || staff().ended - before.ended) process.exitCode = 1
  } finally {
    await holder?.close()
    for (const p of procs) if (p.proc.exitCode === null) await p.kill()
    await db.drop()
  }
}

await main()
