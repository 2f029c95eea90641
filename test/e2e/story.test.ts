import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ARTIFACTS, browserSession, hasChromium } from '../support/browser.ts'

/** The whole story of issue 6, in a real browser: widget on a dealer page → AI → handoff → staff → back to the AI. */
describe.skipIf(!hasChromium)('a stranded rider, end to end', () => {
  const session = browserSession({ prefix: 'pitwall-story-', content: true, host: () => ({}), setupMs: 240_000 })

  test('widget → AI answer → "my sled died" → top of Needs a person → claim, summary, trace → reply → hand back', async () => {
    // staff watches the Needs a person view
    const staffCtx = await session.browser.newContext({ viewport: { width: 1280, height: 900 } })
    const staff = await staffCtx.newPage()
    await staff.goto(`${session.server.url}/login`)
    await staff.fill('input[name=email]', 'admin@ridgeline.example')
    await staff.fill('input[name=password]', session.password)
    await staff.click('button[type=submit]')
    await staff.waitForURL(/\/inbox$/)
    await staff.locator('main[data-live]').waitFor()
    expect(await staff.locator('#inbox-list .card').count()).toBe(0)

    // the rider asks a routine question in the widget on the dealer's site
    const riderCtx = await session.browser.newContext({ viewport: { width: 390, height: 800 } })
    const host = await riderCtx.newPage()
    await host.goto(`http://127.0.0.1:${session.hostSite!.port}/`)
    await host.locator('[data-pitwall-widget] >> css=.launcher').click()
    const chat = host.frameLocator('[data-pitwall-widget] >> css=iframe')
    await chat.locator('main[data-live]').waitFor({ timeout: 15_000 })
    await chat.locator('#composer-body').fill('what oil does a 2024 polaris sportsman 570 take?')
    await chat.locator('#composer button[type=submit]').click()
    const answer = chat.locator('#transcript .msg-bot').first()
    await answer.waitFor({ timeout: 15_000 })
    expect((await answer.textContent())!.toLowerCase()).toContain('oil')
    expect(await chat.locator('#chat-status').textContent()).toContain('AI assistant')
    // routine: nobody is needed yet
    expect(await staff.locator('#inbox-list .card').count()).toBe(0)

    // now the sled dies on the trail
    await chat.locator('#composer-body').fill('ugh my sled just died on the trail near the lake and wont start')
    await chat.locator('#composer button[type=submit]').click()
    await chat.locator('#chat-status.status-waiting').waitFor({ timeout: 15_000 })
    expect(await chat.locator('#chat-status').textContent()).toContain('will reply')

    // it appears in Needs a person, top of the list, without a reload
    const top = staff.locator('#inbox-list .card').first()
    await top.waitFor({ timeout: 15_000 })
    expect(await top.textContent()).toContain('stranded-rider')
    expect(await staff.locator('#inbox-tabs .count.hot').textContent()).toBe('1')
    await staff.screenshot({ path: join(ARTIFACTS, 'story-inbox.png') })

    // staff opens it, claims it, sees the summary and the rule that fired, and replies
    await top.locator('a').click()
    await staff.waitForURL(/\/inbox\/[0-9a-f-]{36}$/)
    await staff.locator('main[data-live]').waitFor()
    expect(await staff.locator('#summary').textContent()).toContain('Handoff summary')
    expect(await staff.locator('#trace').textContent()).toContain('stranded-rider')
    expect(await staff.locator('#trace .match').first().textContent()).toMatch(/wont start|on the trail|died/)
    await staff.locator('#conv-actions button', { hasText: 'Claim' }).click()
    await staff.locator('#conv-actions .mine').waitFor()
    await chat.locator('#chat-status.status-claimed').waitFor({ timeout: 10_000 })
    await staff.locator('#reply[data-htmx-powered]').waitFor()
    await staff.fill('#reply-body', 'Morgan here from Ridgeline — are you somewhere safe? Send me your location and we will get a trailer out.')
    await staff.click('#reply button[type=submit]')

    // the rider sees the staff reply live, with the staff member's name
    const staffMsg = chat.locator('#transcript .msg-staff').first()
    await staffMsg.waitFor({ timeout: 10_000 })
    expect(await staffMsg.locator('.who').textContent()).toBe('Morgan Hale')
    expect(await chat.locator('#chat-status').textContent()).toContain('Morgan Hale')
    await staff.screenshot({ path: join(ARTIFACTS, 'story-conversation.png'), fullPage: true })
    await host.screenshot({ path: join(ARTIFACTS, 'story-widget.png') })

    // staff hands back to the AI; the rider is told
    await staff.locator('#conv-actions button', { hasText: 'Hand back to AI' }).click()
    await chat.locator('#chat-status.status-bot').waitFor({ timeout: 10_000 })
    expect(await chat.locator('#chat-status').textContent()).toContain('AI assistant')
  }, 120_000)
})
