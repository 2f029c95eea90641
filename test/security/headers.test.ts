import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import type { Database } from '../../src/db/client.ts'
import { freshPglite } from '../support/db.ts'
import { demoApp, testConfig } from '../support/app.ts'
import { browserSession, hasChromium } from '../support/browser.ts'

const directives = (csp: string | null) => Object.fromEntries((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]))

describe('secure headers', () => {
  let database: Database
  beforeAll(async () => { database = await freshPglite() })
  afterAll(() => database.close())

  test('staff pages: a strict CSP with no inline script or eval, never framed', async () => {
    const ctx = await demoApp(database)
    const admin = ctx.client()
    await admin.login()
    for (const path of ['/login', '/inbox', '/staff', '/settings', '/account']) {
      const res = await admin.request(path)
      expect([path, res.status]).toEqual([path, 200])
      const d = directives(res.headers.get('content-security-policy'))
      expect(d['default-src']).toEqual(["'self'"])
      expect(d['script-src']).toEqual(["'self'"])
      expect(d['style-src']).toEqual(["'self'"])
      expect(d['object-src']).toEqual(["'none'"])
      expect(d['base-uri']).toEqual(["'none'"])
      expect(d['form-action']).toEqual(["'self'"])
      expect(d['frame-ancestors']).toEqual(["'none'"])
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('same-origin')
      // Pages carry no inline scripts, styles or handlers for the CSP to have to allow.
      const html = await res.text()
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
      expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="|hx-on/)
    }
  })

  test('the rider chat may be framed only by the dealer sites in WIDGET_ALLOWED_ORIGINS', async () => {
    const ctx = await demoApp(database, { config: testConfig({ WIDGET_ALLOWED_ORIGINS: 'https://ridgeline.example, https://www.ridgeline.example' }) })
    const rider = ctx.client()
    for (const path of ['/chat', '/chat?embed=1']) {
      const res = await rider.request(path)
      const d = directives(res.headers.get('content-security-policy'))
      expect(d['frame-ancestors']).toEqual(["'self'", 'https://ridgeline.example', 'https://www.ridgeline.example'])
      expect(d['script-src']).toEqual(["'self'"])
      expect(res.headers.get('x-frame-options')).toBeNull()
      const html = await res.text()
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
      expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="|hx-on/)
    }
    // Staff pages on the same instance stay unframeable.
    expect(directives((await rider.request('/login')).headers.get('content-security-policy'))['frame-ancestors']).toEqual(["'none'"])
    const widget = await rider.request('/static/widget.js')
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
  })
})

/** The CSP is only right if htmx, SSE and app.js still work under it: zero violations in a real session.browser. */
describe.skipIf(!hasChromium)('CSP in a real browser', () => {
  const session = browserSession({ prefix: 'pitwall-csp-', host: (url) => ({ body: `<h1>Dealer</h1><iframe id="staff-frame" src="${url}/login"></iframe>` }) })

  /** Records CSP violations (the DOM event and the console line) for a page and its frames. */
  const watch = async (page: Page) => {
    const seen: string[] = []
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text()) })
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        ;((window as unknown as { __csp: string[] }).__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`)
      })
    })
    return seen
  }
  const domViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])

  test('chat and inbox run with no violations; a dealer page cannot frame the staff login', async () => {
    const staffCtx = await session.browser.newContext()
    const staff = await staffCtx.newPage()
    const staffSeen = await watch(staff)
    await staff.goto(`${session.server.url}/inbox?view=all`)
    await staff.fill('input[name=email]', 'admin@ridgeline.example')
    await staff.fill('input[name=password]', session.password)
    await staff.click('button[type=submit]')
    await staff.waitForURL(/\/inbox\?view=all$/)
    await staff.locator('main[data-live]').waitFor({ timeout: 10_000 })

    const riderCtx = await session.browser.newContext()
    const rider = await riderCtx.newPage()
    const riderSeen = await watch(rider)
    await rider.goto(`${session.server.url}/chat`)
    await rider.locator('#composer[data-htmx-powered]').waitFor({ timeout: 10_000 })
    await rider.locator('main[data-live]').waitFor({ timeout: 10_000 })
    await rider.fill('#composer-body', 'Does the shop open Saturday? <script>alert(1)</script>')
    await rider.click('#composer button[type=submit]')
    await rider.locator('#transcript .msg-bot').first().waitFor({ timeout: 10_000 })

    const card = staff.locator('#inbox-list .card').first()
    await card.waitFor({ timeout: 10_000 })
    await card.locator('a').click()
    await staff.waitForURL(/\/inbox\/[0-9a-f-]{36}$/)
    await staff.locator('#reply[data-htmx-powered]').waitFor({ timeout: 10_000 })
    await staff.locator('main[data-live]').waitFor({ timeout: 10_000 })
    await staff.fill('#reply-body', 'Yes, 9 to 3 on Saturdays.')
    await staff.click('#reply button[type=submit]')
    await rider.locator('#transcript .msg-staff').first().waitFor({ timeout: 10_000 })

    expect(await domViolations(staff)).toEqual([])
    expect(await domViolations(rider)).toEqual([])
    expect(staffSeen).toEqual([])
    expect(riderSeen).toEqual([])

    // The widget's chat frame on a dealer page is allowed (WIDGET_ALLOWED_ORIGINS defaults to *); the staff login is not.
    const dealer = await (await session.browser.newContext()).newPage()
    const dealerSeen: string[] = []
    dealer.on('console', (m) => dealerSeen.push(m.text()))
    await dealer.goto(`http://127.0.0.1:${session.hostSite!.port}/`)
    await dealer.locator('[data-pitwall-widget] >> css=.launcher').click()
    await dealer.frameLocator('[data-pitwall-widget] >> css=iframe').locator('#composer[data-htmx-powered]').waitFor({ timeout: 10_000 })
    await Bun.sleep(500)
    const staffFrame = dealer.frames().find((f) => f.url().endsWith('/login'))
    const framedLogin = staffFrame ? await staffFrame.locator('input[name=password]').count().catch(() => 0) : 0
    expect(framedLogin).toBe(0)
    expect(dealerSeen.join('\n')).toMatch(/frame-ancestors/)
  }, 90_000)
})
