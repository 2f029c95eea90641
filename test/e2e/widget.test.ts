import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ARTIFACTS, browserSession, hasChromium } from '../support/browser.ts'

describe.skipIf(!hasChromium)('the embeddable widget on a dealer page', () => {
  // The dealer's site carries hostile CSS that must not reach the chat.
  const session = browserSession({
    prefix: 'pitwall-widget-',
    host: () => ({
      head: '<style>* { color: red !important; font-size: 40px !important; } iframe { display: none !important; }</style>',
      body: '<h1>Ridgeline Powersports — New Inventory</h1><p>2025 Polaris RZR XP 1000</p>',
    }),
  })

  test('opens from the launcher, chats inside an iframe, and survives a reload', async () => {
    const ctx = await session.browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true })
    const page = await ctx.newPage()
    await page.goto(`http://127.0.0.1:${session.hostSite!.port}/`)
    const launcher = page.locator('[data-pitwall-widget] >> css=.launcher')
    await launcher.click()
    const frame = page.frameLocator('[data-pitwall-widget] >> css=iframe')
    await frame.locator('#composer[data-htmx-powered]').waitFor({ timeout: 10_000 })
    await frame.locator('#composer-body').fill('Is the RZR XP 1000 still for sale?')
    await frame.locator('#composer button[type=submit]').click()
    await frame.locator('#transcript .msg-bot').first().waitFor({ timeout: 5000 })
    // the host page's CSS did not leak into the chat
    const color = await frame.locator('#transcript .msg-customer .body').evaluate((el) => getComputedStyle(el).color)
    expect(color).not.toBe('rgb(255, 0, 0)')
    await page.screenshot({ path: join(ARTIFACTS, 'widget.png') })

    await page.reload()
    const again = page.frameLocator('[data-pitwall-widget] >> css=iframe')
    await again.locator('#transcript .msg-customer').first().waitFor({ timeout: 10_000 })
    expect(await again.locator('#transcript .msg-customer .body').first().textContent()).toBe('Is the RZR XP 1000 still for sale?')

    // talk to a person: the conversation is handed off and the status line says so
    await again.locator('#chat-status button.person').click()
    await again.locator('#chat-status.status-waiting').waitFor({ timeout: 5000 })
    expect(await again.locator('#chat-status').textContent()).toContain('will reply')
  }, 60_000)
})
