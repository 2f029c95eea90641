import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/db/client.ts'
import { createApp } from '../../src/app.tsx'
import { createClaudeTriage } from '../../src/agent/llm-triage.ts'
import { tagWithClaude } from '../../src/agent/tags.ts'
import { createSearch } from '../../src/search/service.ts'
import { hashingTestEmbedder, memoryVectorCache } from '../../src/search/embedder.ts'
import { freshPglite } from '../support/db.ts'
import { demoApp, testConfig, testServices } from '../support/app.ts'
import { reply, startFakeClaude, type FakeClaude } from '../support/fake-claude.ts'

// Tuesday 2026-11-24 15:00 in Chicago: service is open.
const OPEN = new Date('2026-11-24T21:00:00Z')

/**
 * The sum of the samples with these labels from Prometheus text, e.g. sample(text, 'pitwall_messages_total', { author: 'customer' }):
 * other labels (a handoff's priority) may split one department over several series, some left by earlier tests in the process.
 */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  let sum = 0
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+)(?:\{(.*)\})? (\S+)$/)
    if (!m || m[1] !== name) continue
    const have = m[2] ? m[2].split(/,(?=[a-z_]+=")/) : []
    if (want.every((w) => have.includes(w))) sum += Number(m[3])
  }
  return sum
}

describe('GET /metrics', () => {
  let database: Database
  let ctx: Awaited<ReturnType<typeof demoApp>>
  let claude: FakeClaude
  const scrape = async () => {
    const res = await ctx.client().request('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    return res.text()
  }

  beforeAll(async () => {
    database = await freshPglite()
    ctx = await demoApp(database, { now: () => OPEN })
    claude = await startFakeClaude()
  })
  afterAll(async () => {
    await claude.close()
    await database.close()
  })

  test('lists every Pitwall metric with help text', async () => {
    const text = await scrape()
    for (const name of ['pitwall_messages_total', 'pitwall_handoffs_total', 'pitwall_sse_clients', 'pitwall_llm_request_duration_seconds',
      'pitwall_llm_errors_total', 'pitwall_search_duration_seconds', 'pitwall_http_request_duration_seconds', 'pitwall_process_resident_memory_bytes']) {
      expect(text).toContain(`# HELP ${name} `)
    }
    expect(sample(text, 'pitwall_process_resident_memory_bytes')).toBeGreaterThan(1_000_000)
  })

  test('a rider message and a handoff move the message and handoff counters', async () => {
    const before = await scrape()
    const rider = ctx.client()
    const conv = randomUUID()
    const r = await rider.request(`/chat/${conv}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: 'check engine light on, code P0301, 2021 grizzly' } })
    expect(r.status).toBe(201)
    const after = await scrape()
    expect(sample(after, 'pitwall_messages_total', { author: 'customer' }) - sample(before, 'pitwall_messages_total', { author: 'customer' })).toBe(1)
    expect(sample(after, 'pitwall_messages_total', { author: 'bot' })).toBeGreaterThan(sample(before, 'pitwall_messages_total', { author: 'bot' }))
    const handoffs = (t: string) => sample(t, 'pitwall_handoffs_total', { department: 'service' })
    expect(handoffs(after) - handoffs(before)).toBe(1)
    // The HTTP histogram is labelled by route pattern, not by the conversation id in the path.
    expect(sample(after, 'pitwall_http_request_duration_seconds_count', { method: 'POST', route: '/chat/:id/messages', status: '2xx' })).toBeGreaterThanOrEqual(1)
    expect(after).not.toContain(conv)
  })

  test('open SSE streams are counted while open', async () => {
    const rider = ctx.client()
    await rider.request('/chat')
    const res = await rider.request(`/chat/${randomUUID()}/events`)
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: ready')
    expect(sample(await scrape(), 'pitwall_sse_clients')).toBeGreaterThanOrEqual(1)
    await reader.cancel()
    const deadline = Date.now() + 10_000
    while (sample(await scrape(), 'pitwall_sse_clients') > 0 && Date.now() < deadline) await Bun.sleep(50)
    expect(sample(await scrape(), 'pitwall_sse_clients')).toBe(0)
  })

  test('Claude calls record latency, and failures count by operation and reason', async () => {
    const defs = [{ id: 'warranty', description: 'warranty questions' }] as Parameters<typeof tagWithClaude>[2]
    const count = (t: string, operation: string, outcome: string) => sample(t, 'pitwall_llm_request_duration_seconds_count', { operation, outcome })
    const errors = (t: string, operation: string, reason: string) => sample(t, 'pitwall_llm_errors_total', { operation, reason })
    const before = await scrape()
    claude.enqueue(reply.tool('set_tags', { tags: ['warranty'] }), reply.error(500, { retry: false }))
    const ok = await tagWithClaude(claude.client({ maxRetries: 0 }), 'claude-haiku-5-5', defs, 'is my clutch covered?')
    expect(ok.tags).toEqual(['warranty'])
    const failed = await tagWithClaude(claude.client({ maxRetries: 0 }), 'claude-haiku-5-5', defs, 'is my clutch covered?')
    expect(failed.error).toBeDefined()
    claude.enqueue(reply.error(529, { retry: false }))
    const triage = createClaudeTriage({ client: claude.client({ maxRetries: 0 }), model: 'claude-haiku-5-5' })
    await expect(triage.ask({ rule: 'angry', question: 'is the rider angry?', text: 'this is the third time', tags: [] }, AbortSignal.timeout(5000))).rejects.toThrow()
    const after = await scrape()
    expect(count(after, 'tags', 'ok') - count(before, 'tags', 'ok')).toBe(1)
    expect(count(after, 'tags', 'error') - count(before, 'tags', 'error')).toBe(1)
    expect(errors(after, 'tags', 'http_500') - errors(before, 'tags', 'http_500')).toBe(1)
    expect(errors(after, 'triage', 'http_529') - errors(before, 'triage', 'http_529')).toBe(1)
  })

  test('searches record their latency by engine', async () => {
    const search = await createSearch({}, database, { embedder: hashingTestEmbedder(), cache: memoryVectorCache(), syncIntervalMs: 0 })
    const before = sample(await scrape(), 'pitwall_search_duration_seconds_count', { engine: 'orama' })
    await search.search({ q: 'chain slack', storeId: 'demo' })
    await search.search({ q: 'oil for a grizzly', storeId: 'demo' })
    expect(sample(await scrape(), 'pitwall_search_duration_seconds_count', { engine: 'orama' }) - before).toBe(2)
    await search.close()
  })
})

describe('who may read /metrics', () => {
  let database: Database
  beforeAll(async () => { database = await freshPglite() })
  afterAll(() => database.close())
  const appWith = (env: Record<string, string>) => createApp(testServices(database, { config: testConfig(env) }))

  test('with METRICS_TOKEN only bearers of it', async () => {
    const app = appWith({ METRICS_TOKEN: 'scrape-token-0123456789' })
    expect((await app.request('http://localhost/metrics')).status).toBe(401)
    expect((await app.request('http://localhost/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401)
    expect((await app.request('http://localhost/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status).toBe(200)
  })

  test('with only METRICS_PORT, not on the public port', async () => {
    expect((await appWith({ METRICS_PORT: '9091' }).request('http://localhost/metrics')).status).toBe(404)
  })

  test('with neither (a local server), anyone', async () => {
    expect((await appWith({}).request('http://localhost/metrics')).status).toBe(200)
  })

  test('a short METRICS_TOKEN is a configuration error naming the variable', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/)
  })
})
