import { afterAll, beforeAll } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { ROOT, runCli, startServer } from './process.ts'

export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)
/** Screenshots land here; CI keeps them as artifacts and the README links them. */
export const ARTIFACTS = join(ROOT, 'test-artifacts')

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  })
}

/** A dealer's web page on another origin (127.0.0.1 vs localhost) that embeds the widget, with optional extra head markup. */
export function dealerSite(pitwallUrl: string, opts: { head?: string; body?: string } = {}) {
  const port = new URL(pitwallUrl).port
  return Bun.serve({
    hostname: '127.0.0.1', port: 0,
    fetch: () => new Response(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Ridgeline Powersports</title>${opts.head ?? ''}</head>
      <body>${opts.body ?? '<h1>Ridgeline Powersports</h1><p>Snowmobiles, ATVs, side-by-sides and more.</p>'}
      <script src="http://localhost:${port}/static/widget.js" data-store="demo" async></script></body></html>`, { headers: { 'content-type': 'text/html' } }),
  })
}

export interface BrowserSession {
  browser: Browser
  server: Awaited<ReturnType<typeof startServer>>
  /** The dealer's page embedding the widget, when asked for. */
  hostSite?: ReturnType<typeof Bun.serve>
  /** The demo admin's password (admin@ridgeline.example). */
  password: string
}

/**
 * For one describe block: the demo dealership seeded into a temporary data dir (staff only unless `content`),
 * `pitwall serve` on it, optionally a dealer site embedding the widget, and Chromium; all torn down after.
 */
export function browserSession(o: { prefix: string; content?: boolean; host?: (pitwallUrl: string) => Parameters<typeof dealerSite>[1]; setupMs?: number }): BrowserSession {
  const session = {} as BrowserSession
  const dataDir = mkdtempSync(join(tmpdir(), o.prefix))
  beforeAll(async () => {
    const seeded = await runCli(['seed-demo', ...(o.content ? [] : ['--no-content'])], { PITWALL_DATA_DIR: dataDir })
    if (seeded.code !== 0) throw new Error(`seed-demo failed: ${seeded.stderr}`)
    session.password = seeded.stdout.match(/admin@ridgeline\.example\s+(\S+)/)![1]
    session.server = await startServer({ PITWALL_DATA_DIR: dataDir })
    if (o.host) session.hostSite = dealerSite(session.server.url, o.host(session.server.url))
    session.browser = await launch()
  }, o.setupMs ?? 60_000)
  afterAll(async () => {
    await session.browser?.close()
    session.hostSite?.stop(true)
    await session.server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return session
}
