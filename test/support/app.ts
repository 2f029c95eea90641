import { loadConfig, type Config } from '../../src/config.ts'
import type { Database } from '../../src/db/client.ts'
import type { Services } from '../../src/deps.ts'
import { memoryBus, type Bus } from '../../src/realtime/bus.ts'
import { Presence } from '../../src/realtime/presence.ts'
import { defaultRules } from '../../src/conversations/rules-source.ts'
import { rulesServices } from '../../src/conversations/rules-services.ts'
import type { Rules } from '../../src/escalation/index.ts'
import { createApp } from '../../src/app.tsx'
import { seedDemoStore } from '../../src/staff/demo.ts'

export const ORIGIN = 'http://localhost'
export const PASSWORD = 'correct-horse-battery'

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ PITWALL_DATA_DIR: '/tmp/pitwall-test-unused', SESSION_SECRET: 's'.repeat(40), ...env }, { ensureSecret: false })
}

/** Services as the server builds them, with the shipped rules (or given ones) and no file watching. */
export function testServices(database: Database, opts: { bus?: Bus; now?: () => Date; config?: Config; rules?: Rules } = {}): Services {
  const bus = opts.bus ?? memoryBus()
  const config = opts.config ?? testConfig()
  const rules = opts.rules ?? defaultRules()
  const s: Services = { config, database, db: database.db, bus, now: opts.now ?? (() => new Date()), presence: new Presence(bus) }
  // `s.now` is read at call time so tests can move the clock after building the app.
  return Object.assign(s, rulesServices(config, () => rules, undefined, () => s.now()))
}

/** A cookie-keeping client over app.request(), sending a same-origin Origin like a browser would. */
export class Client {
  cookies = new Map<string, string>()
  constructor(private app: ReturnType<typeof createApp>) {}

  async request(path: string, init: RequestInit & { json?: unknown; form?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    let body = init.body
    if (init.json !== undefined) { headers.set('content-type', 'application/json'); body = JSON.stringify(init.json) }
    if (init.form) { headers.set('content-type', 'application/x-www-form-urlencoded'); body = new URLSearchParams(init.form).toString() }
    if (init.method && init.method !== 'GET' && !headers.has('origin')) headers.set('origin', ORIGIN)
    const res = await this.app.request(ORIGIN + path, { ...init, headers, body, redirect: 'manual' })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      const [k, v] = [pair.slice(0, i), pair.slice(i + 1)]
      if (v === '' || /max-age=0/i.test(c)) this.cookies.delete(k)
      else this.cookies.set(k, v)
    }
    return res
  }

  async login(email = 'admin@ridgeline.example', password = PASSWORD): Promise<Response> {
    return this.request('/login', { method: 'POST', form: { email, password } })
  }
}

/** A demo store with known passwords, the app, and a fresh client. */
export async function demoApp(database: Database, opts: Parameters<typeof testServices>[1] = {}) {
  await seedDemoStore(database.db, { password: PASSWORD })
  const services = testServices(database, opts)
  const app = createApp(services)
  return { services, app, client: () => new Client(app) }
}

/** Reads SSE messages from a streaming Response until `stop` says enough (or the time runs out). */
export async function readSse(res: Response, stop: (msgs: SseMessage[]) => boolean, timeoutMs = 5000): Promise<SseMessage[]> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const msgs: SseMessage[] = []
  let buf = ''
  const deadline = Date.now() + timeoutMs
  try {
    while (!stop(msgs)) {
      const left = deadline - Date.now()
      if (left <= 0) break
      const r = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)])
      if (!r || r.done) break
      buf += decoder.decode(r.value, { stream: true })
      let i: number
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i)
        buf = buf.slice(i + 2)
        const m: SseMessage = { data: '' }
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue
          const [k, ...rest] = line.split(':')
          const val = rest.join(':').replace(/^ /, '')
          if (k === 'id') m.id = val
          else if (k === 'event') m.event = val
          else if (k === 'data') m.data = m.data ? m.data + '\n' + val : val
        }
        if (m.id || m.event || m.data) msgs.push(m)
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return msgs
}
export interface SseMessage { id?: string; event?: string; data: string }
