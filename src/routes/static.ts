import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Hono } from 'hono'
import { serveStatic } from 'hono/bun'
import htmxPath from 'htmx.org/dist/htmx.min.js' with { type: 'file' }
import ssePath from 'htmx.org/dist/ext/hx-sse.min.js' with { type: 'file' }

/** public/ beside the sources in development, embedded beside the binary when compiled. */
const publicDir = [join(import.meta.dir, '../../public'), join(import.meta.dir, 'public')].find((p) => existsSync(p)) ?? 'public'

const VENDOR: Record<string, string> = { 'htmx.min.js': htmxPath, 'hx-sse.min.js': ssePath }

const decodeURIComponentSafe = (p: string) => { try { return decodeURIComponent(p) } catch { return '\u0000' } }

/** htmx and its SSE extension come from the installed package (no CDN); the rest from public/. */
export function staticRoutes() {
  const app = new Hono()
  app.get('/:file{(htmx|hx-sse)\\.min\\.js}', (c) => new Response(Bun.file(VENDOR[c.req.param('file')]), {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  }))
  // Only plain file names reach the file system (a NUL or other control byte makes Bun's file API throw).
  app.use('*', async (c, next) => (/^[\w./-]*$/.test(decodeURIComponentSafe(c.req.path)) ? next() : c.text('Not found', 404)))
  app.use('*', serveStatic({ root: publicDir, rewriteRequestPath: (p) => p.replace(/^\/static/, '') }))
  return app
}
