import { describe, expect, test } from 'bun:test'
import { browserSession, hasChromium } from '../support/browser.ts'

/**
 * htmx starts itself on a timer once its deferred script runs. When the next deferred script (the SSE extension)
 * was still downloading — a busy server, as in full-suite runs — the timer ran first, htmx processed the page
 * without the extension, and the page's stream never connected: `main[data-live]` never appeared (the flaky
 * browser tests of sessions 2–8). A slow script must not change what the page does.
 */
describe.skipIf(!hasChromium)('page scripts arriving slowly', () => {
  const session = browserSession({ prefix: 'pitwall-scripts-' })

  test('the chat page goes live however late each script arrives', async () => {
    for (const slow of ['htmx', 'hx-sse', 'app.js']) {
      const ctx = await session.browser.newContext()
      // Hold back the script named, as a server under load would.
      await ctx.route((url) => url.pathname.startsWith('/static/') && url.pathname.includes(slow), async (route) => {
        await Bun.sleep(1500)
        await route.continue()
      })
      const rider = await ctx.newPage()
      await rider.goto(`${session.server.url}/chat`)
      await rider.locator('main[data-live]').waitFor({ timeout: 10_000 }).catch((err) => { throw new Error(`with ${slow} late: ${err.message}`) })
      await rider.fill('#composer-body', 'Does the shop open Saturday?')
      await rider.click('#composer button[type=submit]')
      await rider.locator('#transcript .msg-bot').first().waitFor({ timeout: 10_000 })
      expect(await rider.locator('#transcript .msg-customer').count()).toBe(1)
      await ctx.close()
    }
  }, 90_000)
})
