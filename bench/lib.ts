/** Shared by the load benches: scratch PostgreSQL, server processes, lean HTTP/SSE clients, /proc readings. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectPostgres } from '../src/db/client.ts'
import type { Subprocess } from 'bun'
import { MAIN, ROOT, runCli } from '../test/support/process.ts'
import { createScratchDatabase } from '../test/support/db.ts'

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Flags as `--name value` (or `--name` alone for true). */
export function flags(argv = process.argv.slice(2)): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue
    const next = argv[i + 1]
    out[argv[i].slice(2)] = next === undefined || next.startsWith('--') ? 'true' : (i++, next)
  }
  return out
}

/** "90s", "2m", "30m", "1500ms" or plain seconds -> milliseconds. */
export function duration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim())
  if (!m) throw new Error(`bad duration '${s}' (use 90s, 2m, 30m)`)
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
}

/** A new PostgreSQL database on the bench server; `drop()` removes it. */
export async function scratchDatabase(prefix: string) {
  const db = await createScratchDatabase(ADMIN_URL, prefix)
  return { ...db, sql: () => connectPostgres(db.url, { max: 2, onnotice: () => {} }) }
}

/** The environment every bench server gets: local AI mode, and the limits that would stop one IP posting for many riders. */
export function serverEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl, SESSION_SECRET: 'b'.repeat(40), LOG_LEVEL: 'warn',
    // every simulated rider and staff stream comes from 127.0.0.1 with one staff session
    PITWALL_CHAT_RATE_PER_IP: '0', PITWALL_SSE_STREAMS_PER_CLIENT: '0',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ...extra,
  }
}

/** `pitwall seed-demo` into the database; returns the admin's generated password. */
export async function seedDemo(databaseUrl: string, content: boolean): Promise<string> {
  return (await seedDemoStaff(databaseUrl, content))[0].password
}

/** `pitwall seed-demo` into the database; every staff account it prints (email and generated password), admin first. */
export async function seedDemoStaff(databaseUrl: string, content: boolean): Promise<Array<{ email: string; password: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-seed-'))
  try {
    const r = await runCli(['seed-demo', ...(content ? [] : ['--no-content'])], { DATABASE_URL: databaseUrl, PITWALL_DATA_DIR: dir })
    if (r.code !== 0) throw new Error(`seed-demo failed: ${r.stderr}`)
    const staff = [...r.stdout.matchAll(/^\s+\w+\s+(\S+@\S+)\s+(\S+)\s+\(/gm)].map((m) => ({ email: m[1], password: m[2] }))
    return staff.sort((a, b) => Number(b.email.startsWith('admin@')) - Number(a.email.startsWith('admin@')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface Proc {
  proc: Subprocess; url: string; pid: number
  /** The end of what the process wrote (stdout, where `pitwall serve` logs, then stderr). */
  logTail(): string
  kill(signal?: NodeJS.Signals): Promise<number>
}

/** Spawns a script (a server) and waits for "listening on http://…"; stdout and stderr are drained so a chatty server never blocks. */
export async function spawnServer(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Proc> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pw-bench-'))
  const proc = Bun.spawn([process.execPath, ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PITWALL_DATA_DIR: dataDir, ...env },
    stdin: 'ignore', stdout: 'pipe', stderr: 'pipe',
  })
  let out = ''
  let err = ''
  const drain = async (s: ReadableStream<Uint8Array>, add: (t: string) => void) => {
    const d = new TextDecoder()
    for await (const chunk of s) add(d.decode(chunk))
  }
  void drain(proc.stdout, (t) => { out = (out + t).slice(-20_000) })
  void drain(proc.stderr, (t) => { err = (err + t).slice(-20_000) })
  const deadline = Date.now() + timeoutMs
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`server did not start: ${out}\n${err}`)
    }
    await Bun.sleep(50)
  }
  const url = out.match(/listening on (http:\/\/\S+)/)![1].replace('localhost', '127.0.0.1')
  return {
    proc, url, pid: proc.pid, logTail: () => `${out.slice(-3000)}\n${err.slice(-2000)}`.trim(),
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      proc.kill(signal)
      const code = await proc.exited
      rmSync(dataDir, { recursive: true, force: true })
      return code
    },
  }
}

/** `pitwall serve` on a free port; `bunArgs` go before the script (e.g. --cpu-prof). */
export const pitwallServer = (env: Record<string, string>, bunArgs: string[] = []) => spawnServer([...bunArgs, MAIN, 'serve', '--port', '0'], env)

/** A process and its descendants (a server's worker processes), from /proc. */
export function processTree(pid: number): number[] {
  let children: number[] = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch { /* exited */ }
  return [pid, ...children.flatMap(processTree)]
}

/** Resident memory of a process in MB (from /proc). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Resident memory of a process and its workers in MB (shared pages are counted once per process). */
export const treeRssMb = (pid: number) => processTree(pid).reduce((n, p) => n + rssMb(p), 0)

/** CPU seconds of a process and its workers. */
export const treeCpuSeconds = (pid: number) => processTree(pid).reduce((n, p) => n + cpuSeconds(p), 0)

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b)
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN }
}

export const fmt = (n: number, digits = 1) => Number.isFinite(n) ? n.toFixed(digits) : '—'

/** Signs in as a staff member; returns the Cookie header value. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
  })
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  if (!cookie.includes('pw_session=')) throw new Error(`login failed: ${res.status}`)
  return cookie
}

/** A new rider: loads /chat like a browser and keeps the visitor cookie. */
export async function newRider(url: string): Promise<string> {
  const res = await fetch(`${url}/chat`)
  await res.arrayBuffer()
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

export interface SseHandlers {
  /** Each complete SSE block (text between blank lines), keep-alive comments excluded. */
  onBlock?(block: string): void
  onBytes?(n: number): void
  onEnd?(error?: unknown): void
}

/** A lean SSE reader: one fetch, blocks split on blank lines, no per-line parsing unless asked. Resolves once headers arrive. */
export async function openSse(url: string, headers: Record<string, string>, h: SseHandlers): Promise<{ close(): void; status: number }> {
  const ctl = new AbortController()
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctl.signal })
  if (res.status !== 200 || !res.body) {
    await res.arrayBuffer().catch(() => {})
    return { status: res.status, close: () => {} }
  }
  void (async () => {
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let buf = ''
    try {
      for (;;) {
        const r = await reader.read()
        if (r.done) break
        h.onBytes?.(r.value.byteLength)
        if (!h.onBlock) continue
        buf += decoder.decode(r.value, { stream: true })
        let i: number
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          if (!block.startsWith(':')) h.onBlock(block)
        }
      }
      h.onEnd?.()
    } catch (err) {
      h.onEnd?.(err)
    }
  })()
  return { status: 200, close: () => ctl.abort() }
}

/**
 * An SSE stream held on a raw TCP socket, for streams that are only counted (the load bench's thousand staff tabs):
 * no fetch, no ReadableStream, no decoding — a socket handler adds up bytes and reads. Resolves with the status once
 * the response head arrives. Plain http:// only.
 */
export function holdSse(url: string, headers: Record<string, string>, h: Pick<SseHandlers, 'onBytes' | 'onEnd'>): Promise<{ close(): void; status: number }> {
  const u = new URL(url)
  const head = [`GET ${u.pathname}${u.search} HTTP/1.1`, `host: ${u.host}`, 'accept: text/event-stream',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n')
  return new Promise((resolve, reject) => {
    let status = 0
    let ended = false
    const end = (err?: unknown) => { if (!ended) { ended = true; h.onEnd?.(err) } }
    Bun.connect({
      hostname: u.hostname, port: Number(u.port || 80),
      socket: {
        open(socket) { socket.write(head) },
        data(socket, chunk) {
          if (!status) {
            // The status line is in the first bytes the server sends.
            status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.subarray(0, 16).toString('latin1'))?.[1] ?? 0) || -1
            resolve({ status, close: () => socket.end() })
            if (status !== 200) { socket.end(); return }
          }
          h.onBytes?.(chunk.byteLength)
        },
        close() { end(); if (!status) reject(new Error(`stream ${url}: closed before a response`)) },
        error(_socket, err) { end(err); if (!status) reject(err) },
        connectError(_socket, err) { reject(err) },
      },
    }).catch(reject)
  })
}

/** The `id:` of an SSE block, or undefined. */
export function blockId(block: string): number | undefined {
  const m = /(?:^|\n)id: ?(\d+)/.exec(block)
  return m ? Number(m[1]) : undefined
}

/** Runs `fn` on up to `n` items at once. */
export async function inBatches<T>(items: T[], n: number, fn: (t: T, i: number) => Promise<void>) {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i) }
  }))
}

/**
 * Bun's fetch keeps at most 512 requests in flight unless BUN_CONFIG_MAX_HTTP_REQUESTS (read at start-up, ≤ 65535)
 * says otherwise, and an open SSE stream is a request in flight: re-run this script with the limit raised.
 */
export async function ensureFetchSlots(n: number): Promise<void> {
  const want = Math.min(65_535, n + 256)
  if (Number(process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? 0) >= want) return
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: String(want) }, stdio: ['inherit', 'inherit', 'inherit'],
  })
  process.exit(await child.exited)
}

/** CPU seconds used so far by the PostgreSQL backends serving a database (same machine; pids from pg_stat_activity). */
export async function postgresCpu(databaseUrl: string): Promise<Map<number, number>> {
  const sql = connectPostgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const pids = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
    const out = new Map<number, number>()
    for (const { pid } of pids) { try { out.set(pid, cpuSeconds(pid)) } catch { /* exited, or not visible from here */ } }
    return out
  } finally {
    await sql.end()
  }
}

/** Transactions committed in the database so far (each autocommit statement is one): round trips that hit the WAL. */
export async function postgresCommits(databaseUrl: string): Promise<number> {
  const sql = connectPostgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<{ n: string }[]>`select xact_commit::text as n from pg_stat_database where datname = current_database()`
    return Number(row.n)
  } finally {
    await sql.end()
  }
}

/** One counter from a bench server's /metrics (the server gets BENCH_METRICS_TOKEN as METRICS_TOKEN). */
export async function serverMetric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.split(' ')[1]) : NaN
}

export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789'

/** CPU seconds the backends present at both readings used between them. */
export const cpuBetween = (a: Map<number, number>, b: Map<number, number>) =>
  [...b].reduce((sum, [pid, t]) => sum + (a.has(pid) ? t - a.get(pid)! : 0), 0)
