/**
 * Fault: the embedded store's data dir is a file, unwritable, or on a full disk. `pitwall serve` must stop with one
 * clear line naming the directory and the cause (no stack trace), and the store already there must open intact
 * once the cause is fixed. The full disk is a small tmpfs (needs root and `mount`); unwritable runs the server
 * as `nobody` when the tests run as root (root ignores permissions).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAIN, ROOT, runCli, startServer } from '../support/process.ts'

const SECRET = { SESSION_SECRET: 's'.repeat(40) }
const asRoot = process.getuid?.() === 0
const dirs: string[] = []
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'pitwall-datadir-')); dirs.push(d); return d }
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

/** One line on stderr, naming the directory and the cause; no stack trace. */
function expectOneLine(r: { code: number; stderr: string }, dir: string, cause: RegExp) {
  expect(r.code).toBe(1)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toStartWith(`pitwall: cannot use the data directory ${dir} (PITWALL_DATA_DIR): `)
  expect(lines[0]).toMatch(cause)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

async function seed(dataDir: string): Promise<string> {
  const r = await runCli(['seed-demo', '--no-content'], { PITWALL_DATA_DIR: dataDir, ...SECRET })
  expect(r.code).toBe(0)
  return r.stdout.match(/admin@ridgeline\.example\s+(\S+)/)![1]
}

/** Starts serve on the store and proves the seeded data is there: the admin can sign in and open the inbox. */
async function expectIntact(dataDir: string, password: string) {
  const server = await startServer({ PITWALL_DATA_DIR: dataDir, ...SECRET })
  try {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const login = await fetch(`${server.url}/login`, {
      method: 'POST', redirect: 'manual', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'admin@ridgeline.example', password }),
    })
    expect(login.status).toBe(303)
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    expect((await fetch(`${server.url}/inbox`, { headers: { cookie } })).status).toBe(200)
  } finally {
    expect(await server.stop()).toBe(0)
  }
}

describe('data dir faults on embedded mode (PGlite)', () => {
  test('a file where the data dir should be: one clear line, exit 1', async () => {
    const file = join(tempDir(), 'not-a-dir')
    writeFileSync(file, 'x')
    expectOneLine(await runCli(['serve', '--port', '0'], { PITWALL_DATA_DIR: file, ...SECRET }), file, /it is a file, not a directory/)
    // Without SESSION_SECRET the generated secret cannot be stored there either: a configuration error, one line.
    const r = await runCli(['serve', '--port', '0'], { PITWALL_DATA_DIR: file })
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`PITWALL_DATA_DIR: cannot write ${file}/session-secret`)
  }, 60_000)

  // As root the server runs as `nobody`, who must be able to run Bun and read the checkout (a clone inside a
  // 0700 directory, e.g. from mktemp -d, is out of reach); otherwise the test is skipped and says why.
  const nobody = asRoot && Bun.spawnSync(['id', '-u', 'nobody']).exitCode === 0 && existsSync('/usr/sbin/runuser') &&
    Bun.spawnSync(['runuser', '-u', 'nobody', '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(MAIN)})`]).exitCode === 0
  if (asRoot && !nobody) console.warn('faults/data-dir: unwritable-dir test skipped: user nobody cannot run Bun or read this checkout')
  test.skipIf(asRoot && !nobody)('an unwritable data dir: one clear line, exit 1, and the store there is untouched', async () => {
    const dataDir = join(tempDir(), 'data')
    const password = await seed(dataDir)
    chmodSync(dataDir, 0o555)
    chmodSync(join(dataDir, 'pglite'), 0o555)
    const env = { PATH: process.env.PATH ?? '', HOME: '/tmp', PITWALL_DATA_DIR: dataDir, ...SECRET }
    // Root ignores permissions, so the server runs as `nobody` then.
    const cmd = [...(asRoot ? ['runuser', '-u', 'nobody', '--'] : []), process.execPath, MAIN, 'serve', '--port', '0']
    const p = Bun.spawn(cmd, { cwd: ROOT, env, stdout: 'pipe', stderr: 'pipe' })
    const [stderr, code] = await Promise.all([new Response(p.stderr).text(), p.exited])
    expectOneLine({ code, stderr }, dataDir, /permission denied/)
    chmodSync(dataDir, 0o755)
    chmodSync(join(dataDir, 'pglite'), 0o700)
    await expectIntact(dataDir, password)
  }, 120_000)
})

/** A 96 MB tmpfs: a new store needs 64 MB free to be created and takes ~39 MB. */
function mountTiny(): { dir: string; umount(): void } | string {
  if (!asRoot) return 'not root: cannot mount a small tmpfs'
  const dir = tempDir()
  const r = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', dir])
  if (r.exitCode !== 0) return `mount -t tmpfs failed: ${r.stderr.toString().trim()}`
  return { dir, umount: () => { Bun.spawnSync(['umount', '-l', dir]) } }
}

describe('a full disk under the data dir', () => {
  let tiny: ReturnType<typeof mountTiny>
  beforeAll(() => {
    tiny = mountTiny()
    if (typeof tiny === 'string') console.warn(`faults/data-dir: disk-full tests skipped: ${tiny}`)
  })
  afterAll(() => { if (typeof tiny !== 'string') tiny.umount() })

  test('an existing store on a full disk: one clear line, exit 1; after freeing space it opens intact', async () => {
    if (typeof tiny === 'string') return
    const dataDir = join(tiny.dir, 'data')
    const password = await seed(dataDir)
    const filler = join(tiny.dir, 'filler')
    Bun.spawnSync(['dd', 'if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=128']) // fills the rest; dd stops at ENOSPC
    try {
      expectOneLine(await runCli(['serve', '--port', '0'], { PITWALL_DATA_DIR: dataDir, ...SECRET }), dataDir, /the disk is full \(0\.\d MB free/)
    } finally {
      rmSync(filler)
    }
    await expectIntact(dataDir, password)
  }, 120_000)

  test('a new store on a disk too full to create it: one clear line and no half-made store left behind', async () => {
    if (typeof tiny === 'string') return
    const filler = join(tiny.dir, 'filler')
    const fs = statfsSync(tiny.dir)
    const freeMb = Math.floor((Number(fs.bavail) * Number(fs.bsize)) / 1024 / 1024)
    Bun.spawnSync(['dd', 'if=/dev/zero', `of=${filler}`, 'bs=1M', `count=${freeMb - 30}`]) // ~30 MB left: enough to start writing a store, not to finish
    const dataDir = join(tiny.dir, 'fresh')
    mkdirSync(dataDir)
    try {
      expectOneLine(await runCli(['serve', '--port', '0'], { PITWALL_DATA_DIR: dataDir, ...SECRET }), dataDir, /the disk is full \(\d+\.\d MB free, at least 64\.0 MB needed\)/)
      expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(false)
    } finally {
      rmSync(filler)
    }
  }, 60_000)
})
