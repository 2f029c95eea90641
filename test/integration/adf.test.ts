import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { XMLParser } from 'fast-xml-parser'
import { SaxesParser } from 'saxes'
import { SMTPServer } from 'smtp-server'
import { buildAdf, type AdfLead } from '../../src/integrations/adf.ts'
import { runDue } from '../../src/integrations/deliveries.ts'
import { conversations, deliveries, documents } from '../../src/db/schema.ts'
import { insertMessage } from '../../src/conversations/store.ts'
import { contentHash } from '../../src/search/record.ts'
import type { Database } from '../../src/db/client.ts'
import { backends } from '../support/db.ts'
import { demoApp, testConfig } from '../support/app.ts'

/** Strict XML 1.0 well-formedness (saxes rejects bad characters, unescaped markup and unbalanced tags). */
function wellFormed(xml: string): void {
  const p = new SaxesParser({ xmlns: false })
  let error: Error | undefined
  p.on('error', (e) => { error ??= e })
  p.write(xml).close()
  if (error) throw error
}

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false, processEntities: true, htmlEntities: false, ignorePiTags: false }).parse(xml)

const lead = (over: Partial<AdfLead> = {}): AdfLead => ({
  id: 'c0ffee00-0000-4000-8000-000000000001', requestDate: new Date('2026-11-24T16:05:07.123Z'),
  vehicle: { year: 2024, make: 'Polaris', model: 'Sportsman 570', trim: 'EPS', vin: '4XASEE570RA123456', stock: 'U24-0042', condition: 'used', price: 8999 },
  customer: { name: 'Jamie Rider', email: 'jamie@example.com', phone: '(763) 555-0199' },
  comments: 'Sales: wants to see the Sportsman this weekend.\nAsked about trade-in.',
  vendor: { name: 'Ridgeline Powersports', phone: '(763) 555-0148', address: '4870 Ridgeline Drive' },
  url: 'https://chat.ridgeline.example/inbox/c0ffee00-0000-4000-8000-000000000001', ...over,
})

/** Characters XML 1.0 cannot carry; the builder drops them. */
const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

describe('ADF 1.0 document', () => {
  test('has the ADF processing instruction and every field in its place', () => {
    const xml = buildAdf(lead())
    wellFormed(xml)
    expect(xml.split('\n').slice(0, 2)).toEqual(['<?xml version="1.0" encoding="UTF-8"?>', '<?ADF VERSION="1.0"?>'])
    const p = parse(xml).adf.prospect
    expect(p.requestdate).toBe('2026-11-24T16:05:07Z')
    expect(p.id).toMatchObject({ '#text': lead().id, '@source': 'Pitwall' })
    expect(p.vehicle).toMatchObject({ '@interest': 'buy', '@status': 'used', year: '2024', make: 'Polaris', model: 'Sportsman 570', vin: '4XASEE570RA123456', stock: 'U24-0042', trim: 'EPS' })
    expect(p.vehicle.price).toMatchObject({ '#text': '8999', '@type': 'asking', '@currency': 'USD' })
    expect(p.customer.contact.name).toMatchObject({ '#text': 'Jamie Rider', '@part': 'full' })
    expect(p.customer.contact.email).toBe('jamie@example.com')
    expect(p.customer.contact.phone['#text']).toBe('(763) 555-0199')
    expect(p.customer.comments).toBe(lead().comments)
    expect(p.vendor.vendorname).toBe('Ridgeline Powersports')
    expect(p.provider.name['#text']).toBe('Pitwall')
    expect(p.provider.url).toBe(lead().url)
  })

  test('without a discussed unit the vehicle keeps the required empty year/make/model; without contact a placeholder name', () => {
    const p = parse(buildAdf(lead({ vehicle: undefined, customer: {} }))).adf.prospect
    expect(p.vehicle).toMatchObject({ '@status': 'new', year: '', make: '', model: '' })
    expect(p.vehicle.vin).toBeUndefined()
    expect(p.customer.contact.name['#text']).toBe('Web chat visitor')
    expect(p.customer.contact.email).toBeUndefined()
  })

  test('hostile rider text cannot break out of its element', () => {
    const evil = 'x</comments></customer><customer><contact><name>Mallory</name></contact></customer><comments>]]><![CDATA[ & &amp; &xxe; &#60; &#x3C; <?xml?> <!-- " \' \u0000\u0007\u001B\uFFFE\uD800 end'
    const xml = buildAdf(lead({ comments: evil, customer: { name: '<b>Bob</b> & "Co"', email: 'a@b.c"><x y="' } }))
    wellFormed(xml)
    const p = parse(xml).adf.prospect
    expect(p.customer.comments).toBe(evil.replace(illegal, ''))
    expect(p.customer.contact.name['#text']).toBe('<b>Bob</b> & "Co"')
    expect(p.customer.contact.email).toBe('a@b.c"><x y="')
    expect(Array.isArray(p.customer)).toBe(false)
    expect(xml).not.toContain('<name>Mallory</name>')
  })

  test('markup-like text (entities, tags, CDATA ends) always reads back exactly as written (property)', () => {
    const piece = fc.constantFrom('&', ';', '#', 'amp', 'lt', 'x3C', '60', '<', '>', ']]>', '<![CDATA[', '"', "'", 'a', ' ', '\n')
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }).map((a) => a.join('')), (text) => {
      const xml = buildAdf(lead({ comments: `[${text}]`, customer: { name: `[${text}]` } }))
      wellFormed(xml)
      const p = parse(xml).adf.prospect
      expect(p.customer.comments).toBe(`[${text}]`)
      expect(p.customer.contact.name['#text']).toBe(`[${text.replace(/\s+/g, ' ')}]`)
    }), { numRuns: 500 })
  })

  test('any text at all yields a well-formed document that reads back as written (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 60 }), (comments, name) => {
      const xml = buildAdf(lead({ comments, customer: { name, email: null, phone: null } }))
      wellFormed(xml)
      const p = parse(xml).adf.prospect
      expect(String(p.customer.comments ?? '')).toBe(comments.replace(illegal, '').trim().replace(/\r\n?/g, '\n'))
    }), { numRuns: 300 })
  })
})

/** A local SMTP server speaking the real protocol (AUTH PLAIN without TLS on loopback), keeping what it receives. */
async function smtpServer() {
  const mails: Array<{ from: string; to: string[]; raw: string }> = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'], allowInsecureAuth: true, logger: false,
    // The app's pooled SMTP connections stay open between leads: on close, drop them instead of waiting 30 s for them.
    closeTimeout: 200,
    onAuth(auth, _session, cb) { cb(auth.username === 'crm' && auth.password === 'hunter22' ? null : new Error('bad login'), { user: auth.username }) },
    onData(stream, session, cb) {
      let raw = ''
      stream.on('data', (c: Buffer) => { raw += c.toString('utf8') })
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return { mails, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

for (const backend of backends) {
  describe(`ADF leads on handoff (${backend.name})`, () => {
    let db: { database: Database; cleanup(): Promise<void> }
    let ctx: Awaited<ReturnType<typeof demoApp>>
    let smtp: Awaited<ReturnType<typeof smtpServer>>
    const posted: Array<{ type: string; body: string; event: string }> = []
    const crm = Bun.serve({ port: 0, async fetch(req) { posted.push({ type: req.headers.get('content-type') ?? '', body: await req.text(), event: req.headers.get('x-pitwall-event') ?? '' }); return new Response(null, { status: 202 }) } })

    beforeAll(async () => {
      db = await backend.open()
      smtp = await smtpServer()
      const config = testConfig({ SMTP_URL: `smtp://crm:hunter22@127.0.0.1:${smtp.port}`, SMTP_FROM: 'Pitwall <leads@ridgeline.example>', PUBLIC_URL: 'https://chat.ridgeline.example' })
      ctx = await demoApp(db.database, { config })
      ctx.services.deliveryOptions = { timeoutMs: 5000 }
      const admin = ctx.client(); await admin.login()
      const form = new URLSearchParams([['lead_url', `http://127.0.0.1:${crm.port}/adf`], ['lead_email', 'leads@crm.example'], ['lead_departments', 'sales'], ['lead_departments', 'finance']])
      const res = await admin.request('/settings', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() })
      expect(res.status).toBe(200)
      const fields = { stockNumber: 'U24-0042', vin: '4XASEE570RA123456', year: 2024, make: 'Polaris', model: 'Sportsman 570', category: 'atv', condition: 'used', status: 'in_stock', price: 8999, dataAsOf: '2026-11-20' }
      await ctx.services.db.insert(documents).values({ id: 'unit-u24-0042', storeId: 'demo', type: 'unit', title: '2024 Polaris Sportsman 570', fields, contentHash: contentHash({ type: 'unit', title: 'x', body: '', fields }) })
    })
    afterAll(async () => { crm.stop(true); await smtp.close(); await db.cleanup() })

    const leadRows = async (id: string) => (await ctx.services.db.select().from(deliveries).where(eq(deliveries.conversationId, id))).filter((d) => d.channel.startsWith('lead'))

    test('a sales handoff about a cited unit is POSTed as application/xml and emailed over SMTP, with the unit and the summary', async () => {
      const rider = ctx.client()
      const id = randomUUID()
      await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'is the used sportsman still there? </comments><x>' } })
      // The AI's answer cited the unit (as the answering pipeline stores it).
      await insertMessage(ctx.services.db, { conversationId: id, author: 'bot', body: 'Yes, stock U24-0042 is in stock.', clientId: `bot:${randomUUID()}`, citations: [{ id: 'unit-u24-0042', type: 'unit', title: '2024 Polaris Sportsman 570', stockNumber: 'U24-0042' }] })
      expect((await rider.request(`/chat/${id}/handoff`, { method: 'POST' })).status).toBe(204)
      expect((await leadRows(id)).map((d) => d.channel).sort()).toEqual(['lead-email', 'lead-http'])
      expect(await runDue(ctx.services)).toBeGreaterThanOrEqual(2)
      const rows = await leadRows(id)
      expect(rows.every((r) => r.status === 'delivered')).toBe(true)
      expect(rows.find((r) => r.channel === 'lead-http')!.lastStatus).toBe(202)

      const post = posted.find((p) => p.body.includes(id))!
      expect(post.type).toBe('application/xml')
      expect(post.event).toBe('lead:handoff')
      wellFormed(post.body)
      const p = parse(post.body).adf.prospect
      expect(p.vehicle).toMatchObject({ '@status': 'used', year: '2024', make: 'Polaris', model: 'Sportsman 570', vin: '4XASEE570RA123456', stock: 'U24-0042' })
      expect(p.vendor.vendorname).toBe('Ridgeline Powersports')
      expect(p.provider.url).toBe(`https://chat.ridgeline.example/inbox/${id}`)
      expect(p.customer.comments).toContain('Rider: is the used sportsman still there? </comments><x>')

      const mail = smtp.mails.find((m) => m.raw.includes(id))!
      expect(mail.to).toEqual(['leads@crm.example'])
      expect(mail.from).toBe('leads@ridgeline.example')
      expect(mail.raw).toMatch(/Subject: Lead from Ridgeline Powersports web chat/)
      expect(mail.raw).toContain('&lt;/comments&gt;&lt;x&gt;')

      // Staff see the lead status on the conversation page.
      const admin = ctx.client(); await admin.login()
      const status = await (await admin.request(`/deliveries/conversation/${id}`)).text()
      expect(status).toContain('CRM lead')
      expect(status).toContain('emailed to leads@crm.example')
      expect(status.match(/delivered/g)?.length).toBeGreaterThanOrEqual(2)
    })

    test('contact details left on a handed-off sales chat send the lead again with them; a service handoff is no lead', async () => {
      const rider = ctx.client()
      const id = randomUUID()
      await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'i want to buy a side by side' } })
      expect((await rider.request(`/chat/${id}/handoff`, { method: 'POST' })).status).toBe(204)
      const contact = await rider.request(`/chat/${id}/contact`, { method: 'POST', form: { name: 'Sam <script>', phone: '763-555-0123', email: 'sam@example.com', consent: '1' } })
      expect(contact.status).toBeLessThan(400)
      const rows = await leadRows(id)
      expect(rows.map((r) => r.event).sort()).toEqual(['lead:contact', 'lead:contact', 'lead:handoff', 'lead:handoff'])
      const withContact = parse(rows.find((r) => r.event === 'lead:contact' && r.channel === 'lead-http')!.payload).adf.prospect
      expect(withContact.customer.contact).toMatchObject({ email: 'sam@example.com', name: { '#text': 'Sam <script>' } })
      expect(withContact.customer.contact.phone['#text']).toBe('763-555-0123')

      // Service handoffs are not leads.
      const svc = randomUUID()
      await rider.request(`/chat/${svc}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'my quad throws code P0335 and wont start, need service' } })
      await rider.request(`/chat/${svc}/handoff`, { method: 'POST' })
      const [handed] = await ctx.services.db.select().from(conversations).where(eq(conversations.id, svc))
      expect(handed).toMatchObject({ status: 'waiting', department: 'service' })
      expect(await leadRows(svc)).toEqual([])
      await runDue(ctx.services)
    })

    test('lead email fails clearly when SMTP is not configured, and settings validate lead fields by name', async () => {
      const noSmtp = await demoApp(db.database, { config: testConfig() })
      const admin = noSmtp.client(); await admin.login()
      const bad = await admin.request('/settings', { method: 'POST', form: { lead_email: 'not-an-email', lead_departments: 'sales' } })
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain('lead_email')
      const unknown = await admin.request('/settings', { method: 'POST', form: { lead_url: 'http://127.0.0.1:9/adf', lead_departments: 'marketing' } })
      expect(unknown.status).toBe(400)
      expect(await unknown.text()).toContain('lead_departments')
      const d = await db.database.db.insert(deliveries).values({ storeId: 'demo', channel: 'lead-email', event: 'lead:handoff', target: 'x@crm.example', contentType: 'application/xml', payload: '<adf/>',
        // Due now by the app's clock: the column default (the database's now(), in microseconds) can fall
        // later than a Date taken in the same millisecond, and the row would not be due yet.
        nextAttemptAt: noSmtp.services.now() }).returning()
      await runDue(noSmtp.services)
      const [row] = await db.database.db.select().from(deliveries).where(eq(deliveries.id, d[0].id))
      expect(row).toMatchObject({ status: 'failed', lastError: 'SMTP_URL is not set, so lead emails cannot be sent' })
    })
  })
}
