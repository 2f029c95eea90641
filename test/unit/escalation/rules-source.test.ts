import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_RULES_TEXT, RulesSource, rulesVersion, type RulesStatus } from '../../../src/conversations/rules-source.ts'
import { evaluate } from '../../../src/escalation/index.ts'
import { BASE, TUESDAY_MORNING } from './helpers.ts'

const VALID_A = `${BASE}rules:\n  - { id: quad-to-sales, when: { keywords: [quad] }, then: { handoff: sales } }\n`
const VALID_B = `${BASE}rules:\n  - { id: quad-to-parts, when: { keywords: [quad] }, then: { handoff: parts } }\n`
const INVALID = `${BASE}rules:\n  - { id: broken, when: { keywordz: [quad] }, then: { handoff: sales } }\n`

let dir: string
let path: string
let clock: number
const now = () => new Date(clock)
const sources: RulesSource[] = []
const open = (opts = {}) => {
  const s = RulesSource.open(path, { now, ...opts })
  sources.push(s)
  return s
}
const dept = (s: RulesSource) => evaluate(s.current(), { text: 'my quad', now: TUESDAY_MORNING, history: [] }).department

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pitwall-rules-'))
  path = join(dir, 'escalation.yaml')
  clock = Date.parse('2026-11-24T16:00:00Z')
})
afterEach(() => {
  for (const s of sources.splice(0)) s.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('reload (explicit)', () => {
  test('a valid file is loaded with its version and time', () => {
    writeFileSync(path, VALID_A)
    const s = open()
    expect(dept(s)).toBe('sales')
    expect(s.status()).toEqual({ path, version: rulesVersion(VALID_A), loadedAt: now(), usingDefault: false, error: undefined })
  })

  test('a valid edit applies to the next message', () => {
    writeFileSync(path, VALID_A)
    const s = open()
    clock += 60_000
    writeFileSync(path, VALID_B)
    expect(s.reload()).toBe(true)
    expect(dept(s)).toBe('parts')
    expect(s.status()).toMatchObject({ version: rulesVersion(VALID_B), loadedAt: now() })
  })

  test('an invalid edit keeps the last good rules and records the error with its line', () => {
    writeFileSync(path, VALID_A)
    const s = open()
    const loadedAt = s.status().loadedAt
    writeFileSync(path, INVALID)
    expect(s.reload()).toBe(false)
    expect(dept(s)).toBe('sales')
    const st = s.status()
    expect(st.version).toBe(rulesVersion(VALID_A))
    expect(st.loadedAt).toEqual(loadedAt)
    const lines = INVALID.split('\n')
    expect(st.error).toMatchObject({ line: lines.length - 1, column: lines[lines.length - 2].indexOf('keywordz') + 1, rule: 'broken' })
    expect(st.error!.message).toContain("unknown condition 'keywordz'")
    // fixing it clears the error
    writeFileSync(path, VALID_B)
    expect(s.reload()).toBe(true)
    expect(s.status().error).toBeUndefined()
    expect(dept(s)).toBe('parts')
  })

  test('deleting the file keeps the rules; restoring the same text clears the error', () => {
    writeFileSync(path, VALID_A)
    const s = open()
    unlinkSync(path)
    s.reload()
    expect(dept(s)).toBe('sales')
    expect(s.status().error!.message).toContain('not found')
    writeFileSync(path, VALID_A)
    s.reload()
    expect(s.status().error).toBeUndefined()
  })

  test('a file over the size limit is not read', () => {
    writeFileSync(path, VALID_A)
    const s = open({ maxBytes: 64 * 1024 })
    writeFileSync(path, VALID_B + '#'.repeat(70 * 1024))
    s.reload()
    expect(dept(s)).toBe('sales')
    expect(s.status().error!.message).toContain('over the 64 KB limit')
  })

  test('the default limit is 1 MB', () => {
    writeFileSync(path, VALID_A)
    const s = open()
    writeFileSync(path, VALID_B + `# ${'x'.repeat(1024 * 1024)}\n`)
    s.reload()
    expect(dept(s)).toBe('sales')
    expect(s.status().error!.message).toContain('over the 1024 KB limit')
  })

  test('an invalid file at start falls back to the shipped rules and says why', () => {
    writeFileSync(path, INVALID)
    const s = open()
    const st = s.status()
    expect(st.usingDefault).toBe(true)
    expect(st.version).toBe(rulesVersion(DEFAULT_RULES_TEXT))
    expect(st.error).toMatchObject({ rule: 'broken' })
    expect(Object.keys(s.current().departments)).toEqual(['sales', 'service', 'parts', 'finance'])
    writeFileSync(path, VALID_A)
    expect(s.reload()).toBe(true)
    expect(s.status().usingDefault).toBe(false)
  })

  test('a missing file at start falls back to the shipped rules', () => {
    const s = open()
    expect(s.status()).toMatchObject({ usingDefault: true, error: { message: expect.stringContaining('not found') } })
  })

  test('onChange hears applied edits and new errors, and can unsubscribe', () => {
    writeFileSync(path, VALID_A)
    const s = open()
    const seen: RulesStatus[] = []
    const off = s.onChange((_r, st) => seen.push(st))
    writeFileSync(path, INVALID)
    s.reload()
    s.reload() // same error again: no event
    writeFileSync(path, VALID_B)
    s.reload()
    off()
    writeFileSync(path, VALID_A)
    s.reload()
    expect(seen.map((x) => [x.version, !!x.error])).toEqual([[rulesVersion(VALID_A), true], [rulesVersion(VALID_B), false]])
  })
})

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the rules source')
    await Bun.sleep(20)
  }
}

describe('watch', () => {
  test('picks up an in-place edit, an invalid edit, an editor-style rename and a deletion', async () => {
    writeFileSync(path, VALID_A)
    const s = open({ debounceMs: 20, pollMs: 100 }).watch()
    writeFileSync(path, VALID_B)
    await until(() => dept(s) === 'parts')
    writeFileSync(path, INVALID)
    await until(() => s.status().error !== undefined)
    expect(dept(s)).toBe('parts')
    writeFileSync(join(dir, 'tmp.yaml'), VALID_A) // editors write a temp file and rename it over
    renameSync(join(dir, 'tmp.yaml'), path)
    await until(() => dept(s) === 'sales' && !s.status().error)
    unlinkSync(path)
    await until(() => s.status().error?.message.includes('not found') ?? false)
    expect(dept(s)).toBe('sales')
  })

  test('the poll fallback alone finds changes (fs.watch not relied on)', async () => {
    writeFileSync(path, VALID_A)
    const s = open({ debounceMs: 10, pollMs: 50 })
    ;(s as unknown as { watch(): void }).watch()
    // Simulate a file system without change events by closing the watcher.
    ;(s as unknown as { watcher?: { close(): void } }).watcher?.close()
    ;(s as unknown as { watcher?: unknown }).watcher = undefined
    await Bun.sleep(20)
    writeFileSync(path, VALID_B + '\n# edited\n')
    await until(() => dept(s) === 'parts')
  })

  test('close stops watching', async () => {
    writeFileSync(path, VALID_A)
    const s = open({ debounceMs: 10, pollMs: 30 }).watch()
    s.close()
    writeFileSync(path, VALID_B)
    await Bun.sleep(150)
    expect(dept(s)).toBe('sales')
  })
})
