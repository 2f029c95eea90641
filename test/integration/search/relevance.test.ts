import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import importCommand from '../../../src/cli/import.ts'
import searchCommand from '../../../src/cli/search.ts'
import type { CliIO } from '../../../src/cli/command.ts'
import { openDatabase, pgliteDirFor, type Database } from '../../../src/db/client.ts'
import { demoDir } from '../../../src/search/demo.ts'
import { modelStats, useLiteEmbedder } from '../../../src/search/embedder.ts'
import { createSearch, type SearchService } from '../../../src/search/service.ts'
import { evaluate, fmt, loadJudged, type Metrics } from '../../support/relevance.ts'

/**
 * The one heavy search test: the real USE-lite model (loaded once), the demo export imported through the
 * CLI, and the judged rider queries scored for keyword-only, semantic-only and hybrid in one run.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'pw-relevance-'))
const saved = { dir: process.env.PITWALL_DATA_DIR, store: process.env.PITWALL_STORE, meili: process.env.MEILI_URL, db: process.env.DATABASE_URL }
// The import dates undated documents by the wall clock, so the judged searches run after it (never before a fixed
// time that the wall clock has passed: the test failed once 2026-11-24 12:00 UTC went by).
let now: Date
const out: string[] = [], err: string[] = []
const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false }
let db: Database
let service: SearchService

beforeAll(async () => {
  Object.assign(process.env, { PITWALL_DATA_DIR: dataDir, PITWALL_STORE: 'demo', MEILI_URL: '', DATABASE_URL: '' })
  expect(await importCommand.run([demoDir()], io)).toBe(0)
  now = new Date(Math.max(Date.parse('2026-11-24T12:00:00Z'), Date.now() + 1000))
  db = await openDatabase({ pgliteDir: pgliteDirFor(dataDir) })
  service = await createSearch({}, db, { embedder: useLiteEmbedder(), syncIntervalMs: 0 })
}, 300_000)
afterAll(async () => {
  await service?.close()
  await db?.close()
  for (const [k, v] of Object.entries({ PITWALL_DATA_DIR: saved.dir, PITWALL_STORE: saved.store, MEILI_URL: saved.meili, DATABASE_URL: saved.db })) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  rmSync(dataDir, { recursive: true, force: true })
})

describe('demo import through `pitwall import`', () => {
  test('every row imports; progress lines and a summary are printed', () => {
    expect(out.join('\n')).toMatch(/Imported \d+ file\(s\): 2500 new, 0 updated, 0 unchanged, 0 withdrawn, 0 failed/)
    expect(err.some((l) => /^import: [\d,]+\/2,500 rows .* rows\/s {2}ETA /.test(l))).toBe(true)
  })
})

describe('relevance over the demo dealership (USE-lite)', () => {
  test('keyword-only vs semantic-only vs hybrid; identifiers always first; hybrid beats keyword-only', async () => {
    const judged = loadJudged()
    expect(judged.length).toBeGreaterThanOrEqual(80)
    const search = (p: { q: string; semanticRatio?: number }) => service.search({ ...p, storeId: 'demo', limit: 10, now })
    const results: Record<string, Record<string, Metrics>> = {}
    for (const [mode, ratio] of [['keyword-only', 0], ['semantic-only', 1], ['hybrid', undefined]] as const) {
      results[mode] = {}
      for (const kind of ['identifier', 'keyword', 'question', 'all'] as const) {
        results[mode][kind] = await evaluate(search, kind === 'all' ? judged : judged.filter((j) => j.kind === kind), ratio)
      }
    }
    const rows = Object.entries(results).map(([mode, m]) =>
      `| ${mode} | ${fmt(m.all.top1)} | ${fmt(m.all.mrr10)} | ${fmt(m.identifier.top1)} | ${fmt(m.keyword.mrr10)} | ${fmt(m.question.mrr10)} |`)
    console.log([`relevance: ${judged.length} judged queries`, '| mode | top-1 | MRR@10 | identifier top-1 | keyword MRR@10 | question MRR@10 |', '|---|---|---|---|---|---|', ...rows].join('\n'))
    for (const miss of results.hybrid.all.misses) console.log(`  hybrid miss ${miss.id} "${miss.query}" -> ${miss.got.join(', ')}`)
    expect(results.hybrid.identifier.top1).toBe(1)
    expect(results.hybrid.all.mrr10).toBeGreaterThan(results['keyword-only'].all.mrr10)
    expect(results.hybrid.all.top1).toBeGreaterThan(results['keyword-only'].all.top1)
    expect(results.hybrid.all.mrr10).toBeGreaterThan(results['semantic-only'].all.mrr10)
  }, 120_000)

  test('model load and embedding speed (reported)', async () => {
    const embedder = useLiteEmbedder()
    const texts = Array.from({ length: 128 }, (_, i) => `2026 Polaris Sportsman 570 ATV, new ${i}`)
    const t0 = performance.now()
    const v = await embedder.embed(texts)
    const batchMs = (performance.now() - t0) / texts.length
    const t1 = performance.now()
    for (let i = 0; i < 20; i++) await embedder.embed([`why is my quad running hot ${i}`])
    const queryMs = (performance.now() - t1) / 20
    console.log(`embedder: model load ${modelStats.loadMs?.toFixed(0)} ms, ${batchMs.toFixed(1)} ms/text in batches (${(1000 / batchMs).toFixed(0)} texts/s), ${queryMs.toFixed(1)} ms per query`)
    expect(v).toHaveLength(128)
    expect(v[0]).toHaveLength(512)
    expect(Math.hypot(...v[0])).toBeCloseTo(1, 4)
  }, 60_000)
})

describe('`pitwall search`', () => {
  test('--jsonl answers each line and reports bad lines with file and line', async () => {
    const file = join(dataDir, 'queries.jsonl')
    writeFileSync(file, '{"id":"a","query":"N26-0101"}\n{"id":2,"query":"my quad is running hot"}\n{"id":3}\n')
    out.length = 0; err.length = 0
    expect(await searchCommand.run(['--jsonl', file, '--limit', '3'], io)).toBe(1)
    const lines = out.map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ id: 'a', hits: [expect.objectContaining({ id: 'unit-N260101', type: 'unit' }), expect.anything(), expect.anything()] })
    expect(Object.keys(JSON.parse(out[0]).hits[0]).sort()).toEqual(['id', 'score', 'title', 'type'])
    expect(typeof lines[0].took_ms).toBe('number')
    expect(lines[1].hits[0].id).toBe('guide-overheating')
    expect(err).toEqual([`${file}:3: query: Invalid key: Expected "query" but received undefined`])
  }, 60_000)

  test('one query, human and --json output, usage errors exit 2', async () => {
    out.length = 0
    expect(await searchCommand.run(['labor rate', '--type', 'price_sheet', '--json'], io)).toBe(0)
    const r = JSON.parse(out[0])
    expect(r.hits.map((h: { id: string }) => h.id)).toEqual(['price-service-2026'])
    out.length = 0
    expect(await searchCommand.run(['winter storage', '--limit', '2'], io)).toBe(0)
    expect(out.join('\n')).toMatch(/ 1\. .*\[(policy|price_sheet)\]/)
    await expect(searchCommand.run(['x', '--limit', '0'], io)).rejects.toThrow('--limit')
    await expect(searchCommand.run(['x', '--type', 'boat'], io)).rejects.toThrow('--type boat')
  }, 60_000)
})
