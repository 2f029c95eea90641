import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.ts'
import { TEST_DATABASE_URL, scratchPostgres } from '../support/db.ts'
import { startServer } from '../support/process.ts'

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

interface LogLine { msg: string; worker?: number; pid?: number; path?: string }

/** Starts `serve` with PITWALL_WORKERS and keeps reading its JSON log lines. */
async function serveWorkers(databaseUrl: string, workers: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pitwall-workers-'))
  dirs.push(dataDir)
  const server = await startServer({ DATABASE_URL: databaseUrl, PITWALL_WORKERS: String(workers), LOG_LEVEL: 'info', SESSION_SECRET: 'w'.repeat(40), PITWALL_DATA_DIR: dataDir })
  const lines: LogLine[] = []
  void (async () => {
    let buf = server.output
    for await (const chunk of (async function* () { yield new Uint8Array(); yield* server.proc.stdout })()) {
      buf += new TextDecoder().decode(chunk)
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line.startsWith('{')) lines.push(JSON.parse(line))
      }
    }
  })()
  const waitFor = async (what: string, pred: (l: LogLine) => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      const hit = lines.find(pred)
      if (hit) return hit
      await Bun.sleep(20)
    }
    throw new Error(`no log line for ${what}; saw ${lines.map((l) => l.msg).join(', ')}`)
  }
  return { ...server, lines, waitFor }
}

/** Running (an exited process not yet reaped by its new parent counts as gone). */
const alive = (pid: number) => {
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')) } catch { return false }
}

/** Which processes answered `n` requests, each on a new connection (the kernel picks a listener per connection). */
async function answeredBy(server: Served, n: number): Promise<Set<number>> {
  const marker = `/healthz?probe=${crypto.randomUUID()}`
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${server.url}${marker}`, { headers: { connection: 'close' } })
    expect(r.status).toBe(200)
  }
  await Bun.sleep(300)
  return new Set(server.lines.filter((l) => l.msg === 'request' && l.path === '/healthz').map((l) => l.worker ?? 0))
}

describe('PITWALL_WORKERS', () => {
  test('more than one process needs PostgreSQL, and the number is checked', () => {
    const base = { PITWALL_DATA_DIR: '/tmp/x', SESSION_SECRET: 's'.repeat(40) }
    expect(loadConfig(base).workers).toBe(1)
    expect(() => loadConfig({ ...base, PITWALL_WORKERS: '2' })).toThrow('PITWALL_WORKERS: more than one server process needs DATABASE_URL')
    expect(() => loadConfig({ ...base, PITWALL_WORKERS: '0', DATABASE_URL: 'postgres://x/y' })).toThrow('PITWALL_WORKERS must be a whole number of processes from 1 to 32')
    expect(() => loadConfig({ ...base, PITWALL_WORKERS: 'many', DATABASE_URL: 'postgres://x/y' })).toThrow('PITWALL_WORKERS must be a whole number')
    expect(loadConfig({ ...base, PITWALL_WORKERS: '4', DATABASE_URL: 'postgres://x/y' }).workers).toBe(4)
  })
})

type Served = Awaited<ReturnType<typeof serveWorkers>>

/** `serve` with two processes on a scratch database, once its worker listens; torn down after `fn`. */
async function withTwoProcesses(fn: (server: Served, worker: LogLine) => Promise<void>) {
  const db = await scratchPostgres('pw_workers')
  const server = await serveWorkers(db.url, 2)
  try {
    const worker = await server.waitFor('worker started', (l) => l.msg === 'worker started')
    await server.waitFor('worker listening', (l) => l.msg === 'listening' && l.worker === 1)
    await fn(server, worker)
  } finally {
    server.proc.kill('SIGKILL')
    await db.drop()
  }
}

describe.skipIf(!TEST_DATABASE_URL)('serve with two processes on one port (PostgreSQL)', () => {
  test('both processes answer; a worker that dies is started again; SIGTERM stops them all with exit 0', () => withTwoProcesses(async (server, first) => {
    expect(await answeredBy(server, 40)).toEqual(new Set([0, 1]))

    process.kill(first.pid!, 'SIGKILL')
    const again = await server.waitFor('worker restarted', (l) => l.msg === 'worker started' && l.pid !== first.pid)
    await server.waitFor('restarted worker listening', (l) => l.msg === 'listening' && l.worker === 1 && server.lines.indexOf(l) > server.lines.indexOf(again))
    expect(server.lines.some((l) => l.msg === 'worker exited; starting it again')).toBe(true)
    server.lines.length = 0
    expect(await answeredBy(server, 40)).toEqual(new Set([0, 1]))

    const t0 = Date.now()
    expect(await server.stop()).toBe(0)
    expect(Date.now() - t0).toBeLessThan(10_000)
    expect(alive(again.pid!)).toBe(false)
  }), 90_000)

  test('a worker whose first process is killed outright ends by itself', () => withTwoProcesses(async (server, worker) => {
    server.proc.kill('SIGKILL')
    await server.proc.exited
    const deadline = Date.now() + 10_000
    while (alive(worker.pid!) && Date.now() < deadline) await Bun.sleep(100)
    expect(alive(worker.pid!)).toBe(false)
  }), 60_000)
})
