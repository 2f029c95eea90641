import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { browserSession, hasChromium } from '../support/browser.ts'

// The live inbox patches the list card by card (src/routes/inbox-patch.ts); the browser must end up showing
// exactly what a reload would show, through moves, new cards and changed cards.
describe.skipIf(!hasChromium)('live inbox list patches in a real browser', () => {
  const session = browserSession({ prefix: 'pitwall-e2e-patch-' })

  const shown = (page: Page) => page.locator('#inbox-list > li').evaluateAll((els) => els.map((e) => `${e.id}|${e.querySelector('.snippet')?.textContent ?? ''}`))
  async function reloaded(cookie: string) {
    const html = await (await fetch(`${session.server.url}/inbox?view=all`, { headers: { cookie } })).text()
    return [...html.matchAll(/<li id="(conv-[^"]+)"[^]*?<p class="snippet">([^<]*)<\/p>/g)].map((m) => `${m[1]}|${m[2].replace(/&#39;/g, "'")}`)
  }

  test('moves, new cards and changed cards leave the same list a reload shows', async () => {
    const ctx = await session.browser.newContext()
    const staff = await ctx.newPage()
    await staff.goto(`${session.server.url}/inbox?view=all`)
    await staff.fill('input[name=email]', 'admin@ridgeline.example')
    await staff.fill('input[name=password]', session.password)
    await staff.click('button[type=submit]')
    await staff.waitForURL(/\/inbox\?view=all$/)
    await staff.locator('main[data-live]').waitFor()
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')

    const riders = await Promise.all([0, 1, 2, 3].map(async () => {
      const res = await fetch(`${session.server.url}/chat`)
      return { cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), conv: crypto.randomUUID() }
    }))
    const post = async (i: number, body: string) => {
      const r = riders[i]
      const res = await fetch(`${session.server.url}/chat/${r.conv}/messages`, {
        method: 'POST', headers: { cookie: r.cookie, origin: session.server.url, 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: crypto.randomUUID(), body }),
      })
      expect(res.status).toBe(201)
    }
    // new cards, then the oldest moves to the top, a middle one changes and moves, a fourth arrives
    const steps: Array<[number, string]> = [[0, 'first rider asks about hours'], [1, 'second rider wants a quad'], [2, 'third rider needs a part'],
      [0, 'first rider again: what time on Saturday'], [1, "second rider: what's the price"], [3, 'fourth rider says hello'], [2, 'third rider: thanks']]
    for (const [i, body] of steps) {
      await post(i, body)
      const expected = await reloaded(cookie)
      let got: string[] = []
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await Bun.sleep(100)) {
        got = await shown(staff)
        if (JSON.stringify(got) === JSON.stringify(expected)) break
      }
      expect(got).toEqual(expected)
    }
    expect((await shown(staff))).toHaveLength(4)
  }, 60_000)
})
