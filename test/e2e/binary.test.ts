/**
 * The compiled binary, run from a directory outside the repository: everything it needs (code, embed
 * worker, public/, migrations/, rules, demo export, model weights, wasm files) must be inside it.
 * Built once per run into a temp dir (scripts/build.ts, the same as `npm run build`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../support/process.ts'
import { scratchPostgres, TEST_DATABASE_URL } from '../support/db.ts'

let work: string
let bin: string
let dataDir: string

async function run(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000) {
  const p = Bun.spawn([bin, ...args], {
    cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, PITWALL_DATA_DIR: dataDir, ...env }, stdout: 'pipe', stderr: 'pipe',
  })
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs)
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
  clearTimeout(timer)
  return { stdout, stderr, code }
}

/** `serve --port 0`; resolves with the URL once it prints its listening line. */
async function serve(env: Record<string, string> = {}) {
  const proc = Bun.spawn([bin, 'serve', '--port', '0'], {
    cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, PITWALL_DATA_DIR: dataDir, ...env }, stdout: 'pipe', stderr: 'pipe',
  })
  const reader = proc.stdout.getReader()
  let out = ''
  const deadline = Date.now() + 90_000
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    const r = await Promise.race([reader.read(), Bun.sleep(Math.max(1, deadline - Date.now())).then(() => null)])
    if (!r || r.done) {
      proc.kill('SIGKILL')
      throw new Error(`the binary did not start: ${out}\n${await new Response(proc.stderr).text()}`)
    }
    out += new TextDecoder().decode(r.value)
  }
  reader.releaseLock()
  return { proc, out, url: out.match(/listening on (http:\/\/\S+)/)![1] }
}

async function until(url: string, status: number, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await fetch(url).catch(() => null)
    if (res?.status === status || Date.now() > deadline) return res ?? new Response(null, { status: 599 })
    await Bun.sleep(200)
  }
}

describe('dist/pitwall (compiled binary)', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pitwall-bin-'))
    bin = join(work, 'pitwall')
    dataDir = join(work, 'data')
    const build = Bun.spawnSync([process.execPath, join(ROOT, 'scripts/build.ts'), '--outfile', bin], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
    if (build.exitCode !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`)
  }, 180_000)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  test('--help lists every command', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['serve', 'migrate', 'seed-demo', 'import', 'search', 'ask', 'triage', 'rules']) expect(r.stdout).toContain(`  ${c}`)
  })

  test('triage runs the embedded default rules', async () => {
    const r = await run(['triage', "my bike won't start, code P0335"])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('handoff → service')
    expect(r.stdout).toContain('fault-code')
    expect(r.stderr).toBe('')
  })

  test('seed-demo loads the embedded demo export (PGlite from embedded wasm/data, importers, vector pack)', async () => {
    const r = await run(['seed-demo'])
    expect(r.stderr).not.toContain('ENOENT')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Documents: \d+ new, 0 updated, 0 unchanged, 0 failed/)
    expect(r.stdout).toContain('admin@ridgeline.example')
  }, 180_000)

  test('import embeds a batch on the embedded worker threads with the embedded model', async () => {
    const lines = Array.from({ length: 150 }, (_, i) =>
      JSON.stringify({ id: `bin-faq-${i}`, type: 'faq', title: `Storage question ${i}`, body: `Should I fog cylinder ${i} before storing a sled for ${(i % 9) + 2} months?` }))
    writeFileSync(join(work, 'faq.jsonl'), lines.join('\n') + '\n')
    const r = await run(['import', 'faq.jsonl'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('150 new')
    expect(r.stdout).toContain('150 embedded')
    // More than one batch of 64 goes to the worker pool; had the worker entry point been missing, it says so.
    expect(r.stderr).not.toContain('worker threads unavailable')
  }, 120_000)

  test('serve on embedded defaults: health, readiness, chat page, htmx and app assets, metrics, clean SIGTERM', async () => {
    const { proc, url } = await serve({ LOG_LEVEL: 'info' })
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      const ready = await until(`${url}/readyz`, 200, 90_000)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ ready: true, checks: { database: { detail: 'pglite' }, search: { ok: true } } })
      const chat = await fetch(`${url}/chat`)
      expect(chat.status).toBe(200)
      expect(await chat.text()).toContain('/static/htmx-sse.min.js')
      const htmx = await fetch(`${url}/static/htmx-sse.min.js`)
      expect(htmx.status).toBe(200)
      expect(htmx.headers.get('content-type')).toContain('javascript')
      // htmx and its SSE extension, both from the embedded package files
      const script = await htmx.text()
      expect(script.length).toBeGreaterThan(10_000)
      expect(script).toContain('registerExtension("sse"')
      const css = await fetch(`${url}/static/app.css`)
      expect(css.status).toBe(200)
      expect((await css.text()).length).toBeGreaterThan(100)
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('pitwall_http_request_duration_seconds')
      proc.kill('SIGTERM')
      expect(await Promise.race([proc.exited, Bun.sleep(15_000).then(() => 'still running')])).toBe(0)
    } finally {
      proc.kill('SIGKILL')
    }
  }, 150_000)

  test.skipIf(!TEST_DATABASE_URL)('migrate and serve against PostgreSQL, as two processes (the binary starts its own worker)', async () => {
    const pg = await scratchPostgres('pw_bin')
    try {
      const env = { DATABASE_URL: pg.url }
      const m = await run(['migrate'], env)
      expect(m.code).toBe(0)
      const { proc, url, out } = await serve({ ...env, PITWALL_WORKERS: '2' })
      try {
        // The listening line comes once the worker listens too.
        expect(out).toContain('(postgres, 2 processes;')
        const ready = await until(`${url}/readyz`, 200, 60_000)
        expect(await ready.json()).toMatchObject({ ready: true, checks: { database: { detail: 'postgres' } } })
        proc.kill('SIGTERM')
        expect(await Promise.race([proc.exited, Bun.sleep(15_000).then(() => 'still running')])).toBe(0)
      } finally {
        proc.kill('SIGKILL')
      }
    } finally {
      await pg.drop()
    }
  }, 120_000)
})
