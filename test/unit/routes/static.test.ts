import { expect, test } from 'bun:test'
import { staticRoutes } from '../../../src/routes/static.ts'

// Found by test/security/fuzz-endpoints.test.ts: GET /static/%00 made Bun's file API throw (a 500).
test('static files: plain names are served, control bytes and traversal are a 404', async () => {
  const app = staticRoutes()
  const cases = [['/%00', 404], ['/app.css', 200], ['/htmx.min.js', 200], ['/%E0%A4%A', 404], ['/../package.json', 404], ['/nope.css', 404]] as const
  for (const [path, status] of cases) expect([path, (await app.request(`http://localhost${path}`)).status]).toEqual([path, status])
})
