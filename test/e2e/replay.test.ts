import { describe, expect, test } from 'bun:test'
import { browserSession, hasChromium } from '../support/browser.ts'

/**
 * A page reads its stream position before its content, so an event that commits in between is both on the page and
 * replayed by its stream; the transcript must show such a line once (public/append-new.js). Here the page is made
 * to carry an older position, so its stream replays every line already on it.
 */
describe.skipIf(!hasChromium)('a chat page whose stream replays lines it already shows', () => {
  const session = browserSession({ prefix: 'pitwall-replay-' })

  test('each line stays once; the next answer still arrives live', async () => {
    const ctx = await session.browser.newContext()
    const rider = await ctx.newPage()
    const errors: string[] = []
    rider.on('pageerror', (e) => errors.push(e.message))
    await rider.goto(`${session.server.url}/chat`)
    await rider.locator('main[data-live]').waitFor({ timeout: 10_000 })
    await rider.fill('#composer-body', 'Does the shop open Saturday?')
    await rider.click('#composer button[type=submit]')
    await rider.locator('#transcript .msg-bot').first().waitFor({ timeout: 10_000 })
    const lines = () => rider.locator('#transcript > li').evaluateAll((els) => els.map((e) => e.id))
    const before = await lines()
    expect(before.length).toBeGreaterThanOrEqual(2)

    // Reload with the page's stream position set back to the start: the stream replays every line of the chat.
    let rewritten = false
    await ctx.route((url) => url.pathname === '/chat', async (route) => {
      const res = await route.fetch()
      const body = (await res.text()).replace(/events\?after=\d+/, () => { rewritten = true; return 'events?after=0' })
      await route.fulfill({ response: res, body })
    })
    await rider.reload()
    expect(rewritten).toBe(true)
    await rider.locator('main[data-live]').waitFor({ timeout: 10_000 })
    await Bun.sleep(500) // the replay has been written and swapped by now
    expect(await lines()).toEqual(before)

    await rider.fill('#composer-body', 'And what oil does a 2024 Polaris Sportsman 570 take?')
    await rider.click('#composer button[type=submit]')
    await rider.locator('#transcript .msg-customer').nth(1).waitFor({ timeout: 10_000 })
    await rider.locator('#transcript .msg-bot').nth(1).waitFor({ timeout: 10_000 })
    const after = await lines()
    expect(new Set(after).size).toBe(after.length)
    expect(after.slice(0, before.length)).toEqual(before)
    expect(errors).toEqual([])
    await ctx.close()
  }, 60_000)
})
