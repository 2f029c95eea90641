import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import type { Database } from '../../src/db/client.ts'
import { apiKeys, documents, stores } from '../../src/db/schema.ts'
import { createApiKey } from '../../src/integrations/api-keys.ts'
import { followDeletions } from '../../src/integrations/documents-api.ts'
import { hashingTestEmbedder } from '../../src/search/embedder.ts'
import { createSearch, type SearchService } from '../../src/search/service.ts'
import { backends } from '../support/db.ts'
import { demoApp, ORIGIN } from '../support/app.ts'

const unit = (id: string, over: Record<string, unknown> = {}) => ({
  id, type: 'unit', title: '2025 Can-Am Maverick X3 DS Turbo',
  body: 'Bright yellow Maverick with a winch.',
  fields: { stockNumber: id.toUpperCase(), year: 2025, make: 'Can-Am', model: 'Maverick X3', trim: 'DS Turbo', category: 'side_by_side', condition: 'new', status: 'in_stock', price: 24999, dataAsOf: '2026-11-23' },
  ...over,
})

for (const backend of backends) {
  describe(`DMS push API /api/v1/documents (${backend.name})`, () => {
    let db: { database: Database; cleanup(): Promise<void> }
    let ctx: Awaited<ReturnType<typeof demoApp>>
    let search: SearchService
    let key = ''
    let otherKey = ''

    /** A DMS client: bearer key, no cookies, no Origin header. */
    const api = (path: string, init: RequestInit & { json?: unknown; key?: string | null } = {}) => {
      const headers = new Headers(init.headers)
      const k = init.key === undefined ? key : init.key
      if (k) headers.set('authorization', `Bearer ${k}`)
      let body = init.body
      if (init.json !== undefined) { headers.set('content-type', 'application/json'); body = JSON.stringify(init.json) }
      return ctx.app.request(`${ORIGIN}/api/v1${path}`, { ...init, headers, body })
    }
    const found = async (q: string) => (await search.search({ q, storeId: 'demo', includeUnavailable: true })).hits.map((h) => h.id)

    beforeAll(async () => {
      db = await backend.open()
      ctx = await demoApp(db.database)
      const embedder = hashingTestEmbedder()
      ctx.services.search = createSearch(ctx.services.config, db.database, { embedder, syncIntervalMs: 0 })
      search = await ctx.services.search
      await db.database.db.insert(stores).values({ id: 'other', name: 'Other Motorsports' })
      otherKey = (await createApiKey(db.database.db, 'other', 'their DMS', new Date())).key
    })
    afterAll(async () => { await search.close(); await db.cleanup() })

    test('an admin creates a key that is shown once and listed by prefix', async () => {
      const admin = ctx.client(); await admin.login()
      const res = await admin.request('/settings/api-keys', { method: 'POST', form: { name: 'Lightspeed sync' } })
      expect(res.status).toBe(201)
      expect(res.headers.get('cache-control')).toBe('no-store')
      const html = await res.text()
      key = /pw_[A-Za-z0-9_-]{32}/.exec(html)![0]
      const list = await (await admin.request('/settings/api-keys')).text()
      expect(list).toContain('Lightspeed sync')
      expect(list).toContain(`${key.slice(0, 10)}…`)
      expect(list).not.toContain(key)
      const [row] = await db.database.db.select().from(apiKeys).where(eq(apiKeys.prefix, key.slice(0, 10)))
      expect(row.hash).not.toContain(key.slice(3))
      expect((await admin.request('/settings/api-keys', { method: 'POST', form: { name: '' } })).status).toBe(400)
      const dana = ctx.client(); await dana.login('dana@ridgeline.example')
      expect((await dana.request('/settings/api-keys')).status).toBe(403)
    })

    test('a missing, malformed or unknown key is 401 with a Bearer challenge', async () => {
      for (const k of [null, 'nope', `pw_${'A'.repeat(32)}`]) {
        const res = await api('/documents/u-1', { key: k })
        expect(res.status).toBe(401)
        expect(res.headers.get('www-authenticate')).toContain('Bearer')
        expect((await res.json()).error).toBeTruthy()
      }
    })

    test('PUT upserts: created, then unchanged when re-sent, then updated; search reflects each change', async () => {
      const first = await api('/documents/u-mav-1', { method: 'PUT', json: unit('u-mav-1') })
      expect(first.status).toBe(201)
      expect(await first.json()).toMatchObject({ id: 'u-mav-1', result: 'created' })
      expect(await found('maverick x3 turbo')).toContain('u-mav-1')
      const again = await api('/documents/u-mav-1', { method: 'PUT', json: unit('u-mav-1') })
      expect(again.status).toBe(200)
      expect((await again.json()).result).toBe('unchanged')
      const changed = await api('/documents/u-mav-1', { method: 'PUT', json: { ...unit('u-mav-1'), title: '2025 Can-Am Maverick X3 Octane Orange', fields: { ...unit('u-mav-1').fields, status: 'sold' } } })
      expect((await changed.json()).result).toBe('updated')
      const got = await (await api('/documents/u-mav-1')).json()
      expect(got).toMatchObject({ id: 'u-mav-1', type: 'unit', source: 'api', fields: { status: 'sold' } })
      expect((await search.search({ q: 'octane orange', storeId: 'demo', includeUnavailable: true })).hits[0]?.id).toBe('u-mav-1')
      // Sold units drop out of rider-facing search.
      expect((await search.search({ q: 'octane orange maverick', storeId: 'demo' })).hits.map((h) => h.id)).not.toContain('u-mav-1')
      const lastUsed = (await db.database.db.select().from(apiKeys).where(eq(apiKeys.prefix, key.slice(0, 10))))[0].lastUsedAt
      expect(lastUsed).toBeInstanceOf(Date)
    })

    test('validation is the importers\': errors name the field, with 422; the id in the body must match the URL', async () => {
      const bad = await api('/documents/u-bad', { method: 'PUT', json: unit('u-bad', { fields: { ...unit('u-bad').fields, vin: '1HGCM82633A00435X', year: 1900 } }) })
      expect(bad.status).toBe(422)
      const body = await bad.json()
      expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['fields.vin', 'fields.year'])
      expect(body.errors.find((e: { field: string }) => e.field === 'fields.year').message).toBe('must be 1950 or later')
      const mismatch = await api('/documents/u-a', { method: 'PUT', json: unit('u-b') })
      expect(mismatch.status).toBe(422)
      expect((await mismatch.json()).errors[0].field).toBe('id')
      expect((await api('/documents/bad%20id', { method: 'PUT', json: unit('x') })).status).toBe(400)
      expect((await api('/documents/u-x', { method: 'PUT', body: 'not json', headers: { 'content-type': 'application/json' } })).status).toBe(400)
      expect((await api('/documents/u-bad')).status).toBe(404)
    })

    test('a batch applies its valid items and reports each invalid one by index and field (207); JSON Lines works too', async () => {
      const res = await api('/documents', { method: 'POST', json: [unit('u-b1'), { ...unit('u-b2'), type: 'boat' }, unit('u-b3', { fields: { ...unit('u-b3').fields, price: -5 } }), unit('u-b1'), 'x', unit('u-b4')] })
      expect(res.status).toBe(207)
      const r = await res.json()
      expect(r).toMatchObject({ created: 2, invalid: 4 })
      expect(r.results.map((x: { result: string }) => x.result)).toEqual(['created', 'invalid', 'invalid', 'invalid', 'invalid', 'created'])
      expect(r.results[1].errors[0]).toMatchObject({ field: 'type' })
      expect(r.results[2].errors[0]).toMatchObject({ field: 'fields.price', message: 'must not be negative' })
      expect(r.results[3].errors[0].message).toContain('duplicate id in this batch (first at index 0)')
      expect(r.results[4].errors[0].message).toBe('each item must be a JSON object')
      expect(await found('maverick')).toEqual(expect.arrayContaining(['u-b1', 'u-b4']))

      const jsonl = [JSON.stringify(unit('u-j1')), '', '{broken', JSON.stringify(unit('u-j2'))].join('\n')
      const lines = await api('/documents', { method: 'POST', body: jsonl, headers: { 'content-type': 'application/x-ndjson' } })
      expect(lines.status).toBe(207)
      const lr = await lines.json()
      expect(lr.results.map((x: { result: string }) => x.result)).toEqual(['created', 'invalid', 'created'])
      expect(lr.results[1].errors[0].message).toContain('not valid JSON')

      const none = await api('/documents', { method: 'POST', json: [{ id: 'x' }] })
      expect(none.status).toBe(422)
      const ok = await api('/documents', { method: 'POST', json: { documents: [unit('u-j1'), unit('u-j3')] } })
      expect(ok.status).toBe(200)
      expect(await ok.json()).toMatchObject({ unchanged: 1, created: 1, invalid: 0 })
      expect((await api('/documents', { method: 'POST', json: Array.from({ length: 1001 }, (_, i) => unit(`u-many-${i}`)) })).status).toBe(413)
      expect((await api('/documents', { method: 'POST', body: 'a,b', headers: { 'content-type': 'text/csv' } })).status).toBe(415)
      expect((await api('/documents', { method: 'POST', json: [] })).status).toBe(400)
    })

    test('DELETE removes the document from the database and from search; no Origin or content type needed', async () => {
      await api('/documents/u-del', { method: 'PUT', json: unit('u-del', { title: 'Zebra striped Maverick' }) })
      expect(await found('zebra striped')).toContain('u-del')
      const res = await api('/documents/u-del', { method: 'DELETE' })
      expect(res.status).toBe(204)
      expect(await found('zebra striped')).not.toContain('u-del')
      expect(await db.database.db.select().from(documents).where(eq(documents.id, 'u-del'))).toEqual([])
      expect((await api('/documents/u-del', { method: 'DELETE' })).status).toBe(404)
    })

    test('a key acts for its own store only: another store cannot read, overwrite or delete our documents', async () => {
      expect((await api('/documents/u-mav-1', { key: otherKey })).status).toBe(404)
      const over = await api('/documents/u-mav-1', { method: 'PUT', json: unit('u-mav-1', { title: 'Hijacked' }), key: otherKey })
      expect(over.status).toBe(422)
      expect((await over.json()).errors[0]).toMatchObject({ field: 'id', message: 'id u-mav-1 is used by another store' })
      expect((await api('/documents/u-mav-1', { method: 'DELETE', key: otherKey })).status).toBe(404)
      const [doc] = await db.database.db.select().from(documents).where(eq(documents.id, 'u-mav-1'))
      expect(doc).toMatchObject({ storeId: 'demo' })
      expect(doc.title).not.toBe('Hijacked')
      // Their own documents live in their store and never show up in ours.
      expect((await api('/documents/o-1', { method: 'PUT', json: unit('o-1', { title: 'Other store Maverick unicorn' }), key: otherKey })).status).toBe(201)
      expect(await found('unicorn')).not.toContain('o-1')
    })

    test('another server process drops a deleted document from its own embedded index (bus signal)', async () => {
      await api('/documents/u-far', { method: 'PUT', json: unit('u-far', { title: 'Quokka green Maverick' }) })
      // A second process: its own in-memory index, rebuilt from the same database, listening on the same bus.
      const elsewhere = await createSearch(ctx.services.config, db.database, { embedder: hashingTestEmbedder(), syncIntervalMs: 0 })
      const unfollow = followDeletions(ctx.services.bus, Promise.resolve(elsewhere))
      try {
        const there = async () => (await elsewhere.search({ q: 'quokka green', storeId: 'demo' })).hits.map((h) => h.id)
        expect(await there()).toContain('u-far')
        expect((await api('/documents/u-far', { method: 'DELETE' })).status).toBe(204)
        for (let i = 0; i < 50 && (await there()).includes('u-far'); i++) await Bun.sleep(10)
        expect(await there()).not.toContain('u-far')
      } finally {
        unfollow()
        await elsewhere.close()
      }
    })

    test('a revoked key is 401 at once', async () => {
      const admin = ctx.client(); await admin.login()
      const [row] = await db.database.db.select().from(apiKeys).where(eq(apiKeys.prefix, key.slice(0, 10)))
      expect((await admin.request(`/settings/api-keys/${row.id}/revoke`, { method: 'POST', form: {} })).status).toBe(200)
      expect((await api('/documents/u-mav-1')).status).toBe(401)
      expect(await (await admin.request('/settings/api-keys')).text()).toContain('revoked')
      expect((await api('/nope', { key: otherKey })).status).toBe(404)
    })
  })
}
