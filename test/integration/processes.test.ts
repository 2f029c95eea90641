import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { TEST_DATABASE_URL, scratchPostgres } from '../support/db.ts'
import { runCli, startServer } from '../support/process.ts'
import { readSse } from '../support/app.ts'

const dirs: string[] = []
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'pitwall-')); dirs.push(d); return d }
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

describe('the CLI', () => {
  test('unknown commands and bad flags exit 2 with a clear message', async () => {
    const env = { PITWALL_DATA_DIR: tempDir() }
    const unknown = await runCli(['frobnicate'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'frobnicate'")
    const badFlag = await runCli(['migrate', '--nope'], env)
    expect(badFlag.code).toBe(2)
    expect(badFlag.stderr).toContain("Unknown option '--nope'")
    const help = await runCli(['seed-demo', '--help'], env)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: pitwall seed-demo')
    const badEnv = await runCli(['migrate'], { ...env, PORT: 'eighty' })
    expect(badEnv.code).toBe(2)
    expect(badEnv.stderr.trim().split('\n')).toHaveLength(1)
    expect(badEnv.stderr).toContain('PORT')
  })

  test('serve on embedded defaults answers /healthz and exits 0 within 5 s of SIGTERM', async () => {
    const dataDir = tempDir()
    const seeded = await runCli(['seed-demo', '--no-content'], { PITWALL_DATA_DIR: dataDir })
    expect(seeded.code).toBe(0)
    expect(seeded.stdout).toContain('admin@ridgeline.example')
    const server = await startServer({ PITWALL_DATA_DIR: dataDir })
    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true })
    // an open SSE stream must not hold shutdown up
    const sse = await fetch(`${server.url}/chat/${randomUUID()}/events`)
    expect(sse.status).toBe(200)
    const t0 = Date.now()
    const code = await server.stop()
    expect(code).toBe(0)
    expect(Date.now() - t0).toBeLessThan(5000)
  }, 60_000)
})

describe('rules hot reload in a running server', () => {
  test('a valid edit applies to the next message; an invalid edit keeps the last good rules and admins see the line', async () => {
    const dataDir = tempDir()
    const rulesPath = join(dataDir, 'escalation.yaml')
    const shipped = readFileSync(join(import.meta.dir, '../../rules/escalation.yaml'), 'utf8')
    writeFileSync(rulesPath, shipped)
    const env = { PITWALL_DATA_DIR: dataDir, PITWALL_RULES: rulesPath }
    const seeded = await runCli(['seed-demo', '--no-content'], env)
    const password = seeded.stdout.match(/admin@ridgeline\.example\s+(\S+)/)![1]
    const server = await startServer(env)
    try {
      const login = await fetch(`${server.url}/login`, {
        method: 'POST', redirect: 'manual', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'admin@ridgeline.example', password }),
      })
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      const banner = async () => (await (await fetch(`${server.url}/inbox`, { headers: { cookie } })).text()).match(/<div id="rules-status"[^]*?<\/div>/)![0]
      expect(await banner()).toContain('Rules <code>')
      writeFileSync(rulesPath, shipped.replace(/^rules:/m, 'rules:\n  - id: broken\n    when: { keywords: [x] }\n    then: { handoff: nowhere }'))
      await Bun.sleep(2500)
      const bad = await banner()
      expect(bad).toContain('Rules file not applied')
      expect(bad).toMatch(/line \d+/)
      expect(bad).toContain('nowhere')
      writeFileSync(rulesPath, shipped)
      await Bun.sleep(2500)
      expect(await banner()).not.toContain('not applied')
    } finally {
      await server.stop()
    }
  }, 60_000)
})

describe.skipIf(!TEST_DATABASE_URL)('several processes on one PostgreSQL', () => {
  test('three concurrent `migrate` runs all succeed', async () => {
    const db = await scratchPostgres('pw_mig')
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runCli(['migrate'], { DATABASE_URL: db.url, PITWALL_DATA_DIR: tempDir() })))
      for (const r of runs) expect({ code: r.code, err: r.stderr }).toEqual({ code: 0, err: '' })
    } finally {
      await db.drop()
    }
  }, 60_000)

  test('an event published by one server arrives on the other\'s SSE stream', async () => {
    const db = await scratchPostgres('pw_two')
    const env = { DATABASE_URL: db.url, PITWALL_DATA_DIR: tempDir() }
    expect((await runCli(['seed-demo', '--no-content'], env)).code).toBe(0)
    const [a, b] = await Promise.all([startServer(env), startServer(env)])
    try {
      const conv = randomUUID()
      // the rider's visitor cookie from B is used on A too: one browser, two instances behind a proxy
      const page = await fetch(`${b.url}/chat`)
      const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      const stream = await fetch(`${b.url}/chat/${conv}/events`, { headers: { cookie } })
      const reading = readSse(stream, (m) => m.some((x) => x.data.includes('hello from A')), 10_000)
      await Bun.sleep(200)
      const posted = await fetch(`${a.url}/chat/${conv}/messages`, {
        method: 'POST', headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: randomUUID(), body: 'hello from A' }),
      })
      expect(posted.status).toBe(201)
      const msgs = await reading
      expect(msgs.some((m) => m.data.includes('hello from A') && m.id)).toBe(true)
    } finally {
      await Promise.all([a.stop(), b.stop()])
      await db.drop()
    }
  }, 60_000)
})
