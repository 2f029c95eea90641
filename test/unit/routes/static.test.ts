import { expect, test } from 'bun:test'
import { staticRoutes } from '../../../src/routes/static.ts'

// Found by test/security/fuzz-endpoints.test.ts: GET /static/%00 made Bun's file API throw (a 500).
test('static files: plain names are served, control bytes and traversal are a 404', async () => {
  const app = staticRoutes()
  const cases = [['/%00', 404], ['/app.css', 200], ['/htmx-sse.min.js', 200], ['/htmx.min.js', 404], ['/%E0%A4%A', 404], ['/../package.json', 404], ['/nope.css', 404]] as const
  for (const [path, status] of cases) expect([path, (await app.request(`http://localhost${path}`)).status]).toEqual([path, status])
})

test('htmx, its SSE extension and the appendNew swap are one script, the extensions after htmx (registered before htmx starts)', async () => {
  const res = await staticRoutes().request('http://localhost/htmx-sse.min.js')
  expect(res.headers.get('content-type')).toContain('javascript')
  const script = await res.text()
  const htmx = await Bun.file(require.resolve('htmx.org/dist/htmx.min.js')).text()
  const sse = await Bun.file(require.resolve('htmx.org/dist/ext/hx-sse.min.js')).text()
  expect(script.startsWith(htmx)).toBe(true)
  expect(script.indexOf(sse)).toBeGreaterThan(htmx.length)
  expect(script.indexOf("registerExtension('append-new'")).toBeGreaterThan(script.indexOf(sse))
})
