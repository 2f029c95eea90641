import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ask from '../../../src/cli/ask.ts'
import { UsageError, type CliIO } from '../../../src/cli/command.ts'
import { openDatabase, pgliteDirFor } from '../../../src/db/client.ts'
import { runMigrations } from '../../../src/db/migrate.ts'
import { loadDemoContent } from '../../../src/search/demo.ts'
import { dbVectorCache, USE_LITE_MODEL } from '../../../src/search/embedder.ts'
import { ensureStore } from '../../../src/search/store.ts'
import { fixtureVectorCache } from '../../fixtures/agent/demo-vectors.ts'

/** `pitwall ask` in process against an on-disk PGlite holding the demo dealership (vectors from the fixture). */
const dir = mkdtempSync(join(tmpdir(), 'pitwall-ask-'))
const saved = process.env.PITWALL_DATA_DIR

beforeAll(async () => {
  const database = await openDatabase({ pgliteDir: pgliteDirFor(dir) })
  await runMigrations(database)
  await ensureStore(database, 'demo', 'Ridgeline Powersports')
  const cache = dbVectorCache(database)
  await cache.put(USE_LITE_MODEL, [...fixtureVectorCache().entries()])
  await loadDemoContent(database, 'demo', { cache, now: new Date('2026-11-20T12:00:00Z') })
  await database.close()
  process.env.PITWALL_DATA_DIR = dir
}, 120_000)
afterAll(() => {
  if (saved === undefined) delete process.env.PITWALL_DATA_DIR
  else process.env.PITWALL_DATA_DIR = saved
  rmSync(dir, { recursive: true, force: true })
})

async function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false }
  const code = await ask.run(argv, io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('pitwall ask', () => {
  test('--json: the answer, its citations and the decision, in one object', async () => {
    const r = await run('do you ship parts?', '--json')
    expect(r.code).toBe(0)
    const o = JSON.parse(r.out)
    expect(Object.keys(o)).toEqual(['answer', 'citations', 'decision'])
    expect(o.answer).toContain('ship')
    expect(o.citations).toEqual([{ id: 'policy-shipping', type: 'policy', title: 'Parts shipping and special orders' }])
    expect(o.decision).toEqual({ escalate: false, department: null, priority: null, tags: expect.any(Array), rules: [] })
  })

  test('a message the rules hand off gets the handoff reply, not an answer', async () => {
    const o = JSON.parse((await run('my quad is throwing code P0563', '--json')).out)
    expect(o.decision).toMatchObject({ escalate: true, department: 'service' })
    expect(o.citations).toEqual([])
    expect(o.answer).toMatch(/service/i)
  })

  test('a financing question is handed off, never quoted', async () => {
    const o = JSON.parse((await run('what APR would I get on a new Grizzly?', '--json')).out)
    expect(o.decision.escalate).toBe(true)
    expect(o.decision.department).toBe('finance')
    expect(o.answer).not.toMatch(/\d\s?%/)
  })

  test('human-readable output names the sources and the decision', async () => {
    const r = await run('How much is stock N26-0222?')
    expect(r.code).toBe(0)
    expect(r.out).toContain('$11,899')
    expect(r.out).toContain('[unit] 2026 Yamaha Grizzly EPS SE (unit-N260222)')
    expect(r.out).toMatch(/Decision: /)
    expect(r.out).toContain('Answered by: local')
  })

  test('card numbers are redacted before anything else sees them', async () => {
    const r = await run('my card is 4111 1111 1111 1111, do you ship parts?', '--json')
    expect(r.out).not.toContain('4111')
  })

  test('usage errors', async () => {
    await expect(run()).rejects.toBeInstanceOf(UsageError)
    await expect(run('a', 'b')).rejects.toBeInstanceOf(UsageError)
    await expect(run('x', '--nope')).rejects.toBeInstanceOf(UsageError)
  })
})
