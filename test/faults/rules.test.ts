/**
 * Fault: the rules file is replaced by invalid YAML, deleted, or made huge while the server runs. The last good
 * rules stay active (a rider message is still routed by them), and the admin banner above the inbox says why.
 * Runs the real watcher (`watchRules`: fs.watch plus polling) behind the app, on PGlite.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { watchRules } from '../../src/conversations/rules-services.ts'
import { conversations } from '../../src/db/schema.ts'
import { defaultRulesPath } from '../../src/config.ts'
import { Client, demoApp, testConfig } from '../support/app.ts'
import { freshPglite } from '../support/db.ts'
import type { Database } from '../../src/db/client.ts'

const SHIPPED = readFileSync(defaultRulesPath(), 'utf8')
const withRule = (id: string, keyword: string, department: string) =>
  SHIPPED.replace(/^rules:/m, `rules:\n  - id: ${id}\n    when: { keywords: [${keyword}] }\n    then: { handoff: ${department} }`)

let dir: string
let rulesPath: string
let database: Database
let watched: ReturnType<typeof watchRules>
let app: Awaited<ReturnType<typeof demoApp>>
let admin: Client

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pitwall-rules-fault-'))
  rulesPath = join(dir, 'escalation.yaml')
  writeFileSync(rulesPath, withRule('zz-to-parts', 'zzquad', 'parts'))
  database = await freshPglite()
  const config = testConfig({ PITWALL_RULES: rulesPath })
  watched = watchRules(config, () => new Date())
  app = await demoApp(database, { config })
  Object.assign(app.services, watched.parts) // the watched file, as bootServices wires it
  admin = app.client()
  expect((await admin.login()).status).toBe(303)
}, 60_000)
afterAll(async () => {
  watched.source.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

const banner = async () => (await (await admin.request('/inbox')).text()).match(/<div id="rules-status"[^]*?<\/div>/)![0]

async function bannerUntil(pattern: RegExp, ms = 8000): Promise<string> {
  const end = Date.now() + ms
  for (;;) {
    const b = await banner()
    if (pattern.test(b)) return b
    if (Date.now() > end) throw new Error(`banner never matched ${pattern}: ${b}`)
    await Bun.sleep(100)
  }
}

/** Where a rider's "zzquad" message is routed: the custom rule sends it to parts while it is in force. */
async function routeOf(word: string): Promise<string | null> {
  const rider = app.client()
  const id = randomUUID()
  const r = await rider.request(`/chat/${id}/messages`, { method: 'POST', json: { client_id: randomUUID(), body: `my ${word} needs a look` } })
  expect(r.status).toBe(201)
  const [c] = await database.db.select().from(conversations).where(eq(conversations.id, id))
  return c.department
}

describe('rules file faults: the last good rules stay active and admins see why', () => {
  test('the valid file is in force', async () => {
    expect(await bannerUntil(/Rules <code>/)).toContain(rulesPath)
    expect(await routeOf('zzquad')).toBe('parts')
  })

  test('replaced by invalid YAML: not applied, the line is shown', async () => {
    const version = watched.source.status().version
    writeFileSync(rulesPath, `${withRule('zz-to-sales', 'zzquad', 'sales')}\n  - { id: broken, when: [unclosed\n`)
    const b = await bannerUntil(/Rules file not applied/)
    expect(b).toMatch(/line \d+/)
    expect(b).toContain(`version ${version}`)
    expect(b).toContain('role="alert"')
    expect(await routeOf('zzquad')).toBe('parts')
  })

  test('deleted: not found, the last good rules stay', async () => {
    unlinkSync(rulesPath)
    const b = await bannerUntil(/was not found/)
    expect(b).toContain('keeping the last good rules')
    expect(await routeOf('zzquad')).toBe('parts')
  })

  test('made huge (50 MB): rejected by its size before it is read or parsed', async () => {
    writeFileSync(rulesPath, withRule('zz-to-finance', 'zzquad', 'finance'))
    truncateSync(rulesPath, 50 * 1024 * 1024) // a valid head and 50 MB of NUL bytes: never parsed
    const b = await bannerUntil(/over the 1024 KB limit/)
    expect(b).toContain('50.0 MB')
    expect(await routeOf('zzquad')).toBe('parts')
    const started = performance.now()
    watched.source.reload()
    expect(performance.now() - started).toBeLessThan(250) // a stat, not a 50 MB read and YAML parse
  })

  test('a good edit afterwards applies and clears the banner', async () => {
    writeFileSync(rulesPath, withRule('zz-to-service', 'zzquad', 'service'))
    await bannerUntil(/^(?![^]*not applied)[^]*Rules <code>/)
    expect(await routeOf('zzquad')).toBe('service')
  })
})
