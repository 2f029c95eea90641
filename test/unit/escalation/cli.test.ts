import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import rulesCommand, { evaluatorFor, formatReplay, replayMessages, storedOutcome } from '../../../src/cli/rules.ts'
import triageCommand from '../../../src/cli/triage.ts'
import { UsageError, type CliIO } from '../../../src/cli/command.ts'
import { openDatabase, pgliteDirFor, type Database } from '../../../src/db/client.ts'
import { runMigrations } from '../../../src/db/migrate.ts'
import { conversations, customers, messages, stores } from '../../../src/db/schema.ts'
import { evaluate, loadRules } from '../../../src/escalation/index.ts'
import { freshPglite } from '../../support/db.ts'
import { reply, startFakeClaude, type FakeClaude } from '../../support/fake-claude.ts'
import { BASE } from './helpers.ts'

const ROOT = join(import.meta.dir, '../../..')
const SHIPPED = join(ROOT, 'rules/escalation.yaml')

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTTY: false }
}

let dir: string
const saved: Record<string, string | undefined> = {}
function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (!(k in saved)) saved[k] = process.env[k]
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pitwall-cli-'))
})
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
    delete saved[k]
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('pitwall rules check', () => {
  test('the shipped file passes with a one-line summary', async () => {
    setEnv({ PITWALL_RULES: undefined })
    const io = capture()
    expect(await rulesCommand.run(['check'], io)).toBe(0)
    expect(io.stdout).toHaveLength(1)
    expect(io.stdout[0]).toMatch(/^ok .*rules\/escalation\.yaml: 4 departments, 3 priorities, \d+ tags, \d+ rules, version [0-9a-f]{12}$/)
  })

  test('a broken file exits 1 with file:line:column for each problem', async () => {
    const p = file('bad.yaml', `${BASE}rules:\n  - { id: a, when: { keywordz: [x] }, then: { handoff: sales } }\n  - { id: b, when: { keywords: [x] }, then: { handoff: nowhere } }\n`)
    const io = capture()
    expect(await rulesCommand.run(['check', p], io)).toBe(1)
    const base = BASE.split('\n').length
    expect(io.stderr).toHaveLength(2)
    expect(io.stderr[0]).toMatch(new RegExp(`bad\\.yaml:${base + 1}:\\d+: rule 'a': unknown condition 'keywordz'`))
    expect(io.stderr[1]).toMatch(new RegExp(`bad\\.yaml:${base + 2}:\\d+: rule 'b': unknown department 'nowhere'`))
    expect(io.stdout).toEqual([])
  })

  test('a missing file exits 1', async () => {
    const io = capture()
    expect(await rulesCommand.run(['check', join(dir, 'nope.yaml')], io)).toBe(1)
    expect(io.stderr[0]).toContain('cannot read the rules file (ENOENT)')
  })

  test('bad usage is a UsageError (exit 2 in main)', async () => {
    await expect(rulesCommand.run(['check', 'a', 'b'], capture())).rejects.toBeInstanceOf(UsageError)
    await expect(rulesCommand.run(['frobnicate'], capture())).rejects.toBeInstanceOf(UsageError)
    await expect(rulesCommand.run([], capture())).rejects.toBeInstanceOf(UsageError)
  })
})

describe('pitwall rules test', () => {
  test('the dealer example file: a table of PASS rows, exit 0', async () => {
    setEnv({ PITWALL_RULES: SHIPPED })
    const io = capture()
    expect(await rulesCommand.run(['test', join(ROOT, 'test/fixtures/escalation/cases.yaml')], io)).toBe(0)
    expect(io.stdout[0]).toMatch(/^result\s+line\s+message/)
    expect(io.stdout.slice(1, -1).every((l) => l.startsWith('PASS'))).toBe(true)
    expect(io.stdout.at(-1)).toMatch(/^10 passed, 0 failed/)
  })

  test('a failing case is shown with what went wrong, exit 1', async () => {
    const cases = file('cases.yaml', `cases:\n  - message: what are your hours\n    expect: { action: answer }\n  - message: my quad wont start on the lake\n    expect: { action: answer, department: parts }\n`)
    const io = capture()
    expect(await rulesCommand.run(['test', cases, '--rules', SHIPPED], io)).toBe(1)
    const fail = io.stdout.find((l) => l.startsWith('FAIL'))!
    expect(fail).toContain('action handoff, expected answer')
    expect(fail).toContain('department service, expected parts')
    expect(fail).toMatch(/FAIL\s+4\s/)
    expect(io.stdout.at(-1)).toMatch(/^1 passed, 1 failed/)
  })

  test('a malformed cases file names its line', async () => {
    const cases = file('broken-cases.yaml', `cases:\n  - message: hi\n    expect: { action: answer }\n  - message: hi\n    expect: { actoin: answer }\n`)
    const io = capture()
    expect(await rulesCommand.run(['test', cases, '--rules', SHIPPED], io)).toBe(1)
    expect(io.stderr[0]).toMatch(/broken-cases\.yaml:4: case 2/)
  })

  test('needs exactly one cases file', async () => {
    await expect(rulesCommand.run(['test'], capture())).rejects.toBeInstanceOf(UsageError)
  })
})

describe('pitwall triage', () => {
  test('one message, explained', async () => {
    setEnv({ PITWALL_RULES: SHIPPED })
    const io = capture()
    expect(await triageCommand.run(['my seadoo died on the lake', '--at', '2026-11-24T10:30:00-06:00'], io)).toBe(0)
    expect(io.stdout[0]).toBe('handoff → service at priority stranded-rider')
    expect(io.stdout.join('\n')).toContain('stranded-rider: "died" + "on the lake" → service, stranded-rider')
  })

  test('one message as JSON', async () => {
    setEnv({ PITWALL_RULES: SHIPPED })
    const io = capture()
    expect(await triageCommand.run(['what oil for a 2021 grizzly 700', '--json'], io)).toBe(0)
    expect(JSON.parse(io.stdout[0])).toEqual({ id: null, escalate: false, department: null, priority: null, tags: [], rules: [], reasons: [], action: 'answer' })
  })

  test('--jsonl: one JSON line per input line; bad lines named on stderr, the rest still run, exit 1', async () => {
    setEnv({ PITWALL_RULES: SHIPPED })
    const input = file('in.jsonl', [
      JSON.stringify({ id: 'a', text: 'P0301 on my harley' }),
      '{not json',
      '',
      JSON.stringify({ id: 'b' }),
      JSON.stringify({ id: 3, text: 'whats the apr on a grizzly', at: '2026-11-29T14:00:00-06:00' }),
      JSON.stringify({ id: 'd', text: 'hi', at: 'someday' }),
    ].join('\n'))
    const io = capture()
    expect(await triageCommand.run(['--jsonl', input], io)).toBe(1)
    const out = io.stdout.map((l) => JSON.parse(l))
    expect(out.map((o) => o.id)).toEqual(['a', 3])
    expect(out[0]).toEqual({
      id: 'a', escalate: true, department: 'service', priority: 'normal', tags: ['fault-code'], rules: ['fault-code'],
      reasons: ['fault code P0301 → service'], action: 'handoff',
    })
    expect(Object.keys(out[1])).toEqual(['id', 'escalate', 'department', 'priority', 'tags', 'rules', 'reasons', 'action'])
    expect(out[1]).toMatchObject({ escalate: true, department: 'finance' })
    expect(io.stderr[0]).toMatch(/in\.jsonl:2: not JSON/)
    expect(io.stderr[1]).toMatch(/in\.jsonl:4: text: /)
    expect(io.stderr[2]).toMatch(/in\.jsonl:6: "at" is not a date/)
    expect(io.stderr[3]).toBe('3 lines could not be read')
  })

  test('--llm without ANTHROPIC_API_KEY exits 2', async () => {
    setEnv({ PITWALL_RULES: SHIPPED, ANTHROPIC_API_KEY: undefined })
    const io = capture()
    expect(await triageCommand.run(['hi', '--llm'], io)).toBe(2)
    expect(io.stderr[0]).toContain('ANTHROPIC_API_KEY')
  })

  test('usage errors', async () => {
    await expect(triageCommand.run([], capture())).rejects.toBeInstanceOf(UsageError)
    await expect(triageCommand.run(['a', '--jsonl', 'x'], capture())).rejects.toBeInstanceOf(UsageError)
    await expect(triageCommand.run(['a', '--bogus'], capture())).rejects.toBeInstanceOf(UsageError)
    await expect(triageCommand.run(['a', '--at', 'yesterday-ish'], capture())).rejects.toBeInstanceOf(UsageError)
  })

  describe('with --llm against the fake Claude', () => {
    let claude: FakeClaude
    beforeAll(async () => { claude = await startFakeClaude() })
    afterAll(() => claude.close())

    test('ask_llm rules consult Claude; other messages do not', async () => {
      setEnv({ PITWALL_RULES: SHIPPED, ANTHROPIC_API_KEY: claude.apiKey, ANTHROPIC_BASE_URL: claude.url })
      claude.enqueue(reply.json({ answer: 'yes', tags: [], reason: 'stuck on a trail' }))
      const input = file('llm.jsonl', [JSON.stringify({ id: 1, text: 'my quad just died on me' }), JSON.stringify({ id: 2, text: 'what oil for a grizzly' })].join('\n'))
      const io = capture()
      expect(await triageCommand.run(['--jsonl', input, '--llm', '--at', '2026-11-24T10:30:00-06:00'], io)).toBe(0)
      const out = io.stdout.map((l) => JSON.parse(l))
      expect(out[0]).toMatchObject({ id: 1, escalate: true, department: 'service', priority: 'stranded-rider', rules: expect.arrayContaining(['maybe-stranded']) })
      expect(out[1]).toMatchObject({ id: 2, escalate: false })
      expect(claude.messages()).toHaveLength(1)
    })
  })
})

// ---------- replay ----------

async function seed(db: Database['db']) {
  await db.insert(stores).values({ id: 'demo', name: 'Ridgeline Powersports' })
  const [cust] = await db.insert(customers).values({ storeId: 'demo', visitorId: 'v1' }).returning()
  const [conv] = await db.insert(conversations).values({ storeId: 'demo', customerId: cust.id }).returning()
  const t = (iso: string) => new Date(iso)
  const rules = loadRules(readFileSync(SHIPPED, 'utf8'))
  const rows = [
    { author: 'customer' as const, body: 'what oil for a grizzly 700', at: '2026-11-02T10:00:00-06:00' },
    { author: 'bot' as const, body: 'Yamalube 10W-40', at: '2026-11-02T10:00:05-06:00' },
    { author: 'customer' as const, body: 'can i test ride one saturday', at: '2026-11-02T10:01:00-06:00' },
    { author: 'staff' as const, body: 'internal: call him', at: '2026-11-02T10:02:00-06:00', internal: true },
    { author: 'customer' as const, body: 'what oil for a grizzly 700', at: '2026-11-20T10:03:00-06:00' },
  ]
  let i = 0
  for (const r of rows) {
    const decision = r.author === 'customer' && i++ < 2 ? evaluate(rules, { text: r.body, now: t(r.at), history: [] }) : null
    await db.insert(messages).values({ conversationId: conv.id, author: r.author, body: r.body, clientId: `c${r.at}`, internal: r.internal ?? false, createdAt: t(r.at), decision })
  }
  // Another store's message must not be replayed.
  await db.insert(stores).values({ id: 'other', name: 'Other' })
  const [c2] = await db.insert(customers).values({ storeId: 'other', visitorId: 'v2' }).returning()
  const [conv2] = await db.insert(conversations).values({ storeId: 'other', customerId: c2.id }).returning()
  await db.insert(messages).values({ conversationId: conv2.id, author: 'customer', body: 'P0301', clientId: 'x' })
}

/** The shipped rules without the test-ride rule: a "proposed" edit. */
const PROPOSED = readFileSync(SHIPPED, 'utf8').replace(/ {2}- id: test-ride\n[\s\S]*?(?=\n {2}# ──)/, '')

describe('pitwall rules replay', () => {
  test('replayMessages compares two evaluators over stored rider messages of one store, with history', async () => {
    const database = await freshPglite()
    try {
      await seed(database.db)
      const current = loadRules(readFileSync(SHIPPED, 'utf8'))
      const proposed = loadRules(PROPOSED)
      expect(proposed.rules.some((r) => r.id === 'test-ride')).toBe(false)
      const rep = await replayMessages(database.db, { storeId: 'demo' }, evaluatorFor(current), evaluatorFor(proposed))
      expect(rep.messages).toBe(3)
      expect(rep.changed).toBe(1) // only the test ride: it is no longer handed off
      expect(rep.counts.get('action:handoff')).toEqual([1, 0])
      expect(rep.counts.get('department:sales')).toEqual([2, 1])
      expect(rep.examples[0]).toMatchObject({ text: 'can i test ride one saturday', before: 'handoff sales (normal)' })
      const text = formatReplay(rep, { before: 'current', after: 'proposed', storeId: 'demo' }).join('\n')
      expect(text).toContain('Replayed 3 rider messages (store demo)')
      expect(text).toMatch(/action handoff\s+1\s+0\s+-1/)
      expect(text).toContain('1 of 3 decisions would change')

      const since = await replayMessages(database.db, { storeId: 'demo', since: new Date('2026-11-10T00:00:00Z') }, evaluatorFor(current), evaluatorFor(current))
      expect(since.messages).toBe(1)
      expect(since.changed).toBe(0)
      expect(since.counts.get('action:suggest_handoff')).toEqual([1, 1]) // repeated question: history came along
    } finally {
      await database.close()
    }
  })

  test('the command reads the data dir database; without --rules it compares stored decisions', async () => {
    const dataDir = join(dir, 'data')
    const database = await openDatabase({ pgliteDir: pgliteDirFor(dataDir) })
    await runMigrations(database)
    await seed(database.db)
    await database.close()
    setEnv({ PITWALL_DATA_DIR: dataDir, PITWALL_RULES: SHIPPED, DATABASE_URL: undefined, PITWALL_STORE: 'demo' })

    const io = capture()
    expect(await rulesCommand.run(['replay'], io)).toBe(0)
    const out = io.stdout.join('\n')
    expect(out).toContain('before: decisions stored with the messages')
    expect(out).toMatch(/action \(none stored\)\s+1\s+0\s+-1/)
    expect(out).toContain('1 of 3 decisions would change')

    const proposed = file('proposed.yaml', PROPOSED)
    const io2 = capture()
    expect(await rulesCommand.run(['replay', '--rules', proposed, '--since', '2026-11-01', '--examples', '1'], io2)).toBe(0)
    const out2 = io2.stdout.join('\n')
    expect(out2).toContain('since 2026-11-01')
    expect(out2).toContain('after:  ')
    expect(out2).toContain('1 of 3 decisions would change; for example:')
    expect(out2).toContain('handoff sales (normal)  →  answer')
    expect(out2.match(/ {6}.* → /g)).toHaveLength(1)

    await expect(rulesCommand.run(['replay', '--since', 'last tuesday'], capture())).rejects.toBeInstanceOf(UsageError)
  })

  test('stored decisions are read leniently', () => {
    expect(storedOutcome(null)).toBeUndefined()
    expect(storedOutcome({ nope: 1 })).toBeUndefined()
    expect(storedOutcome({ action: 'handoff', department: 'service', priority: 'normal', tags: ['x'] })).toEqual({ action: 'handoff', department: 'service', priority: 'normal', tags: ['x'] })
  })
})
