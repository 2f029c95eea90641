import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ARTIFACTS, browserSession, hasChromium } from '../support/browser.ts'

describe.skipIf(!hasChromium)('live chat in a real browser', () => {
  const session = browserSession({ prefix: 'pitwall-e2e-' })

  test('a rider message appears live in the inbox; the staff reply appears live for the rider', async () => {
    const staffCtx = await session.browser.newContext()
    const staff = await staffCtx.newPage()
    await staff.goto(`${session.server.url}/inbox?view=all`)
    expect(staff.url()).toContain('/login')
    await staff.fill('input[name=email]', 'admin@ridgeline.example')
    await staff.fill('input[name=password]', session.password)
    await staff.click('button[type=submit]')
    await staff.waitForURL(/\/inbox\?view=all$/)
    await staff.locator('main[data-live]').waitFor()

    const riderCtx = await session.browser.newContext({ viewport: { width: 390, height: 760 } })
    const rider = await riderCtx.newPage()
    await rider.goto(`${session.server.url}/chat`)
    await rider.locator('#composer[data-htmx-powered]').waitFor()
    await rider.locator('main[data-live]').waitFor()
    await rider.fill('#composer-body', 'My <img src=x onerror=alert(1)> sled died on the trail near Rib Mountain')
    await rider.click('#composer button[type=submit]')
    await rider.locator('#transcript .msg-customer').first().waitFor({ timeout: 10_000 })
    await rider.locator('#transcript .msg-bot').first().waitFor({ timeout: 10_000 })
    expect(await rider.locator('#composer-body').inputValue()).toBe('')

    // the inbox updates without a reload
    const card = staff.locator('#inbox-list .card').first()
    await card.waitFor({ timeout: 10_000 })
    expect(await card.textContent()).toContain('sled died on the trail')
    expect(await staff.locator('#inbox-list img').count()).toBe(0)
    await staff.screenshot({ path: join(ARTIFACTS, 'inbox.png'), fullPage: true })

    await card.locator('a').click()
    await staff.waitForURL(/\/inbox\/[0-9a-f-]{36}$/)
    await staff.locator('#reply[data-htmx-powered]').waitFor()
    await staff.locator('main[data-live]').waitFor()
    await staff.fill('#reply-body', 'Dana from service here — are you somewhere safe? What is your location?')
    await staff.click('#reply button[type=submit]')
    await staff.locator('#transcript .msg-staff').first().waitFor({ timeout: 10_000 })

    await rider.locator('#transcript .msg-staff').first().waitFor({ timeout: 10_000 })
    expect(await rider.locator('#transcript .msg-staff .who').textContent()).toBe('Morgan Hale')
    await rider.screenshot({ path: join(ARTIFACTS, 'chat.png'), fullPage: true })

    // hostile markup in a rider message is text everywhere: no script runs, no element or htmx attribute appears
    const hostile = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><div hx-get="/inbox" hx-trigger="load">boom</div>`
    await rider.fill('#composer-body', hostile)
    await rider.click('#composer button[type=submit]')
    const echoed = rider.locator('#transcript .msg-customer .body').last()
    await rider.locator('#transcript .msg-customer', { hasText: 'boom' }).waitFor({ timeout: 10_000 })
    expect(await echoed.textContent()).toBe(hostile)
    await staff.locator('#transcript .msg-customer', { hasText: 'boom' }).waitFor({ timeout: 10_000 })
    for (const page of [rider, staff]) {
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
      expect(await page.locator('#transcript script, #transcript img, #transcript [hx-get]').count()).toBe(0)
    }
    await staff.goto(`${session.server.url}/inbox?view=all`)
    expect(await staff.locator('#inbox-list .card').first().textContent()).toContain('<script>')
    expect(await staff.locator('#inbox-list script, #inbox-list img, #inbox-list [hx-get]').count()).toBe(0)
    await staff.screenshot({ path: join(ARTIFACTS, 'conversation.png'), fullPage: true })
  }, 60_000)
})
