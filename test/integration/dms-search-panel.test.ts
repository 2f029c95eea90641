import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Database } from '../../src/db/client.ts'
import { hashingTestEmbedder } from '../../src/search/embedder.ts'
import { importPaths } from '../../src/search/import.ts'
import { createSearch } from '../../src/search/service.ts'
import { freshPglite } from '../support/db.ts'
import { demoApp } from '../support/app.ts'
import { ROOT } from '../support/process.ts'

describe('the staff DMS search panel', () => {
  let database: Database
  let ctx: Awaited<ReturnType<typeof demoApp>>
  let stock = ''
  beforeAll(async () => {
    database = await freshPglite()
    ctx = await demoApp(database)
    const embedder = hashingTestEmbedder()
    const report = await importPaths(database, [join(ROOT, 'demo/inventory.csv')], { storeId: 'demo', embedder })
    expect(report.failed).toBe(0)
    ctx.services.search = createSearch(ctx.services.config, database, { embedder, syncIntervalMs: 0 })
    const csv = await Bun.file(join(ROOT, 'demo/inventory.csv')).text()
    const header = csv.split('\n')[0].split(',')
    const row = csv.split('\n')[1].split(',')
    stock = row[header.findIndex((h) => /stock/i.test(h))]
  })
  afterAll(async () => { await (await ctx.services.search!).close(); await database.close() })

  test('finds a unit by stock number first, with key facts, data-as-of and an insert button', async () => {
    const admin = ctx.client(); await admin.login()
    const res = await admin.request(`/inbox/search?q=${encodeURIComponent(stock)}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    const first = html.indexOf('class="hit')
    expect(first).toBeGreaterThan(0)
    expect(html.slice(first, html.indexOf('</li>', first))).toContain(`Stock ${stock}`)
    expect(html).toContain('badge exact')
    expect(html).toContain('Data as of')
    expect(html).toContain('data-insert=')
  })

  test('filters by type, rejects a bad type naming the field, and needs a session', async () => {
    const admin = ctx.client(); await admin.login()
    const parts = await (await admin.request('/inbox/search?q=oil&type=part')).text()
    expect(parts).not.toContain('type-unit')
    const bad = await admin.request('/inbox/search?q=oil&type=boat')
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('type')
    expect((await ctx.client().request('/inbox/search?q=x')).status).toBe(302)
  })
})

describe('search outage warning in the inbox', () => {
  test('staff see the search engine warning (e.g. Meilisearch unreachable) above the inbox', async () => {
    const database = await freshPglite()
    const ctx = await demoApp(database)
    ctx.services.search = Promise.resolve({
      health: async () => ({ ok: true, engine: 'orama' as const, warning: 'Meilisearch unreachable since 2026-11-24T10:00:00Z: using the embedded engine' }),
    } as unknown as Awaited<NonNullable<typeof ctx.services.search>>)
    const admin = ctx.client(); await admin.login()
    const html = await (await admin.request('/inbox')).text()
    expect(html).toContain('Meilisearch unreachable since')
    await database.close()
  })
})
