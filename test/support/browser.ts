import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { ROOT } from './process.ts'

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
