/**
 * A deploy as a rider sees it: the server gets SIGTERM, tells the open chat stream when to come back, and
 * a new server takes its place on the same address; htmx's SSE extension reconnects by itself and live
 * updates (a staff reply) reach the rider again, without a reload and without duplicates.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { runCli, spawnCli } from '../support/process.ts'
import { hasChromium, launch } from '../support/browser.ts'

/** `serve` on a fixed port (the replacement must take the same address); resolves once it listens. */
async function serveOn(port: number, dataDir: string) {
  const proc = spawnCli(['serve', '--port', String(port)], { PITWALL_DATA_DIR: dataDir })
  const reader = proc.stdout.getReader()
  let out = ''
  const deadline = Date.now() + 60_000
  while (!out.includes('listening on')) {
    const r = await Promise.race([reader.read(), Bun.sleep(Math.max(1, deadline - Date.now())).then(() => null)])
    if (!r || r.done) throw new Error(`server did not start: ${out}${await new Response(proc.stderr).text()}`)
    out += new TextDecoder().decode(r.value)
  }
  reader.releaseLock()
  return proc
}

describe.skipIf(!hasChromium)('graceful restart with a rider connected', () => {
  let browser: Browser
  let password = ''
  let port = 0
  const dataDir = mkdtempSync(join(tmpdir(), 'pitwall-restart-'))
  const procs: ReturnType<typeof spawnCli>[] = []

  beforeAll(async () => {
    const seeded = await runCli(['seed-demo', '--no-content'], { PITWALL_DATA_DIR: dataDir })
    password = seeded.stdout.match(/admin@ridgeline\.example\s+(\S+)/)![1]
    const probe = Bun.serve({ port: 0, fetch: () => new Response() })
    port = probe.port!
    await probe.stop(true)
    browser = await launch()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    for (const p of procs) p.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('the chat stream reconnects to the replacement server and live updates resume', async () => {
    const base = `http://localhost:${port}`
    const first = await serveOn(port, dataDir)
    procs.push(first)
    const rider = await (await browser.newContext()).newPage()
    await rider.goto(`${base}/chat`)
    await rider.locator('#composer[data-htmx-powered]').waitFor()
    await rider.locator('main[data-live]').waitFor()
    await rider.evaluate(() => {
      const w = window as unknown as { __connections: number; __hints: number }
      w.__connections = 0
      w.__hints = 0
      document.addEventListener('htmx:sse:after:connection', () => { w.__connections++ })
      document.addEventListener('reconnect', () => { w.__hints++ })
    })
    await rider.fill('#composer-body', 'My sled cranks but will not start after sitting all summer')
    await rider.click('#composer button[type=submit]')
    await rider.locator('#transcript .msg-bot').first().waitFor({ timeout: 15_000 })
    const stream = await rider.locator('main.chat-panel').getAttribute('hx-sse:connect')
    const conversationId = stream!.match(/\/chat\/([0-9a-f-]{36})\//)![1]

    first.kill('SIGTERM')
    expect(await Promise.race([first.exited, Bun.sleep(15_000).then(() => 'still running')])).toBe(0)
    // The last thing the stream carried was the hint: htmx dispatched it to the page.
    expect(await rider.evaluate(() => (window as unknown as { __hints: number }).__hints)).toBe(1)

    procs.push(await serveOn(port, dataDir))
    await rider.waitForFunction(() => (window as unknown as { __connections: number }).__connections >= 1, undefined, { timeout: 60_000 })

    const staff = await (await browser.newContext()).newPage()
    await staff.goto(`${base}/login`)
    await staff.fill('input[name=email]', 'admin@ridgeline.example')
    await staff.fill('input[name=password]', password)
    await staff.click('button[type=submit]')
    await staff.waitForURL(/\/inbox/)
    await staff.goto(`${base}/inbox/${conversationId}`)
    await staff.locator('#reply[data-htmx-powered]').waitFor()
    await staff.fill('#reply-body', 'Morgan here: after a summer the fuel is usually stale. Drain the bowl and try fresh fuel.')
    await staff.click('#reply button[type=submit]')

    await rider.locator('#transcript .msg-staff').first().waitFor({ timeout: 15_000 })
    expect(await rider.locator('#transcript .msg-customer').count()).toBe(1)
    expect(await rider.locator('#transcript .msg-staff').count()).toBe(1)
  }, 150_000)
})
