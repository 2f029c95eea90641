import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { Database } from '../../src/db/client.ts'
import { conversations } from '../../src/db/schema.ts'
import { insertMessage } from '../../src/conversations/store.ts'
import { hashingTestEmbedder } from '../../src/search/embedder.ts'
import { importPaths } from '../../src/search/import.ts'
import { createSearch } from '../../src/search/service.ts'
import { freshPglite } from '../support/db.ts'
import { Client, demoApp, readSse } from '../support/app.ts'

/** Hostile text from riders, staff and DMS files must reach every page, partial and SSE payload as text. */
const SCRIPT = '<script>alert(1)</script>'
const IMG = '"><img src=x onerror=alert(2)>'
const SVG = "'><svg onload=alert(3)>"
const JS_URL = 'javascript:alert(4)'
const ATTR = '" autofocus onfocus=alert(5) x="'
const ALL = [SCRIPT, IMG, SVG, JS_URL, ATTR].join(' ')

/** No markup from input survives: no tags, no event handlers, no javascript: links, no attribute break-outs. */
function expectInert(html: string) {
  expect(html).not.toContain('<script>alert')
  expect(html).not.toMatch(/<img[^>]*onerror/i)
  expect(html).not.toMatch(/<svg/i)
  expect(html).not.toMatch(/(href|src|action|formaction|data)\s*=\s*["']?\s*javascript:/i)
  expect(html).not.toContain('" autofocus onfocus')
  expect(html).not.toContain('"><img')
  expect(html).not.toContain("'><svg")
}
/** …and the payload did reach the output (escaped), so the check above is not vacuous. */
const expectShown = (html: string) => expect(html).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/)

describe('hostile text is always escaped', () => {
  let database: Database
  let ctx: Awaited<ReturnType<typeof demoApp>>
  let admin: Client
  const dir = mkdtempSync(join(tmpdir(), 'pw-xss-'))

  beforeAll(async () => {
    database = await freshPglite()
    ctx = await demoApp(database)
    admin = ctx.client()
    await admin.login()
  })
  afterAll(async () => {
    if (ctx.services.search) await (await ctx.services.search).close()
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const riderConversation = async (body: string) => {
    const rider = ctx.client()
    await rider.request('/chat')
    const id = randomUUID()
    const r = await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body } })
    expect(r.status).toBe(201)
    return { rider, id }
  }

  test('rider messages: chat page, inbox list, conversation page and every live stream', async () => {
    const rider = ctx.client()
    await rider.request('/chat')
    const id = randomUUID()
    // Open the streams first, so the message arrives live on each.
    const first = await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'hello' } })
    expect(first.status).toBe(201)
    const riderStream = readSse(await rider.request(`/chat/${id}/events`), (m) => m.some((x) => x.data.includes('alert(1)')))
    const inboxStream = readSse(await admin.request('/inbox/events?view=all'), (m) => m.some((x) => x.data.includes('alert(1)')))
    const convStream = readSse(await admin.request(`/inbox/${id}/events`), (m) => m.some((x) => x.data.includes('alert(1)')))
    await Bun.sleep(100)
    const posted = await rider.request(`/chat/${id}/messages`, { method: 'POST', form: { client_id: randomUUID(), body: ALL }, headers: { 'hx-request': 'true' } })
    expect(posted.status).toBe(201)
    for (const msgs of await Promise.all([riderStream, inboxStream, convStream])) {
      const data = msgs.map((m) => m.data).join('\n')
      expectShown(data)
      expectInert(data)
    }
    for (const html of [await (await rider.request('/chat')).text(), await (await admin.request('/inbox?view=all')).text(), await (await admin.request(`/inbox/${id}`)).text()]) {
      expectShown(html)
      expectInert(html)
    }
  })

  test('customer names from the contact form, staff names and canned replies', async () => {
    const { rider, id } = await riderConversation('please call me')
    const contact = await rider.request(`/chat/${id}/contact`, { method: 'POST', form: { name: SCRIPT + IMG, phone: '608-555-0199', consent: '1' } })
    expect(contact.status).toBe(200)
    for (const path of ['/inbox?view=all', `/inbox/${id}`]) {
      const html = await (await admin.request(path)).text()
      expectShown(html)
      expectInert(html)
    }

    const added = await admin.request('/staff', { method: 'POST', form: { name: SCRIPT + SVG, email: 'mallory@ridgeline.example', password: 'correct-horse-battery', role: 'staff', departments: 'service' } })
    expect(added.status).toBe(201)
    const staffPage = await added.text()
    expectShown(staffPage)
    expectInert(staffPage)
    const mallory = ctx.client()
    expect((await mallory.login('mallory@ridgeline.example')).status).toBe(303)
    expect((await mallory.request(`/inbox/${id}/reply`, { method: 'POST', json: { client_id: randomUUID(), body: 'hi from staff' } })).status).toBe(201)
    const chat = await (await rider.request('/chat')).text()
    expect(chat).toContain('hi from staff')
    expectShown(chat)
    expectInert(chat)
    expectInert(await (await mallory.request('/inbox?view=all')).text()) // the nav bar shows her name

    const saved = await admin.request('/settings', { method: 'POST', form: { canned: `service | ${SCRIPT} ${SVG} | ${IMG} ${JS_URL} ${ATTR}` } })
    expect(saved.status).toBe(200)
    for (const html of [await saved.text(), await (await admin.request(`/inbox/${id}`)).text()]) {
      expectShown(html)
      expectInert(html)
    }
  })

  test('tags and priorities: hostile labels are refused as plain text; stored ones render escaped', async () => {
    const { id } = await riderConversation('tag me')
    const bad = await admin.request(`/inbox/${id}/labels`, { method: 'POST', form: { tags: SCRIPT, priority: IMG } })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toStartWith('text/plain')
    // A tag that did get stored (e.g. from Claude's tagger) is still text on every page.
    await database.db.update(conversations).set({ tags: [SCRIPT, ATTR], priority: IMG, department: 'service' }).where(eq(conversations.id, id))
    for (const path of ['/inbox?view=all', `/inbox/${id}`]) {
      const html = await (await admin.request(path)).text()
      expectShown(html)
      expectInert(html)
    }
    expectInert(await (await admin.request(`/inbox?view=all&tag=${encodeURIComponent(SCRIPT)}&q=${encodeURIComponent(IMG)}`)).text())
  })

  test('DMS document titles and bodies: search panel and citation cards', async () => {
    const doc = join(dir, 'xss-bulletin.md')
    const yaml = JSON.stringify // a JSON string is a valid YAML scalar, quotes and all
    writeFileSync(doc, `---\nid: sb-xss\ntype: bulletin\ntitle: ${yaml(`${SCRIPT} ${SVG} sled bulletin`)}\nbulletin_number: ${yaml(IMG)}\n---\n# Title\n\nSled bulletin body ${ALL}\n`)
    const embedder = hashingTestEmbedder()
    const report = await importPaths(database, [doc], { storeId: 'demo', embedder })
    expect(report.errors).toEqual([])
    ctx.services.search = createSearch(ctx.services.config, database, { embedder, syncIntervalMs: 0 })
    const res = await admin.request(`/inbox/search?q=${encodeURIComponent('sled bulletin')}`)
    expect(res.status).toBe(200)
    const panel = await res.text()
    expect(panel).toContain('sled bulletin')
    expectShown(panel)
    expectInert(panel)
    // The query itself is echoed back ("No DMS documents match …").
    const echo = await (await admin.request(`/inbox/search?q=${encodeURIComponent(SCRIPT + IMG)}`)).text()
    expectInert(echo)

    // An AI answer citing that document, as the rider and staff see it.
    const { rider, id } = await riderConversation('any bulletins for my sled?')
    await insertMessage(database.db, {
      conversationId: id, author: 'bot', body: `See ${SCRIPT}`, clientId: randomUUID(), decision: { source: 'local' },
      citations: [{ id: 'sb-xss', type: 'bulletin', title: `${SCRIPT} ${SVG}`, bulletinNumber: IMG, topic: ATTR, stockNumber: JS_URL }],
    })
    for (const html of [await (await rider.request('/chat')).text(), await (await admin.request(`/inbox/${id}`)).text()]) {
      expect(html).toContain('class="citations"')
      expectShown(html)
      expectInert(html)
    }
  })

  test('login page: the next parameter and the echoed email', async () => {
    const page = await (await ctx.client().request(`/login?next=${encodeURIComponent(`/inbox"><script>alert(1)</script>`)}`)).text()
    expectInert(page)
    expect(page).not.toContain('alert(1)') // an unsafe next is replaced by /inbox, not echoed
    const failed = await ctx.client().request('/login', { method: 'POST', form: { email: 'admin@ridgeline.example', password: 'wrong', next: `javascript:alert(4)` } })
    expect(failed.status).toBe(401)
    expectInert(await failed.text())
  })
})
