import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Hono } from 'hono'
import { serveStatic } from 'hono/bun'
import htmxPath from 'htmx.org/dist/htmx.min.js' with { type: 'file' }
import ssePath from 'htmx.org/dist/ext/hx-sse.min.js' with { type: 'file' }

/** public/ beside the sources in development, embedded beside the binary when compiled. */
const publicDir = [join(import.meta.dir, '../../public'), join(import.meta.dir, 'public')].find((p) => existsSync(p)) ?? 'public'

/**
 * htmx, its SSE extension and our `appendNew` swap (public/append-new.js) as one script. htmx starts itself on a timer
 * once its script has run; as separate deferred files, that timer could run while an extension was still downloading
 * (a busy server), htmx then processed the page without it, and the page's live stream never connected. In one file
 * the extensions register first.
 */
let vendorScript: Promise<string> | undefined
const htmxWithSse = () => (vendorScript ??= Promise.all([htmxPath, ssePath, join(publicDir, 'append-new.js')].map((f) => Bun.file(f).text()))
  .then((parts) => parts.join(';\n')))

const decodeURIComponentSafe = (p: string) => { try { return decodeURIComponent(p) } catch { return '\u0000' } }

/** htmx and its SSE extension come from the installed package (no CDN), bundled with append-new.js; the rest from public/. */
export function staticRoutes() {
  const app = new Hono()
  app.get('/htmx-sse.min.js', async (c) => new Response(await htmxWithSse(), {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  }))
  // Only plain file names reach the file system (a NUL or other control byte makes Bun's file API throw).
  app.use('*', async (c, next) => (/^[\w./-]*$/.test(decodeURIComponentSafe(c.req.path)) ? next() : c.text('Not found', 404)))
  app.use('*', serveStatic({ root: publicDir, rewriteRequestPath: (p) => p.replace(/^\/static/, '') }))
  return app
}
