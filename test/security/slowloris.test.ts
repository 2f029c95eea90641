import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startServer } from '../support/process.ts'
import { readSse } from '../support/app.ts'

/**
 * Slow-loris against a real `pitwall serve`: hundreds of sockets trickling request headers or bodies, and SSE
 * clients that never read, while normal requests must still be served promptly. Figures go to SECURITY.md.
 */
const TRICKLERS = 200
const SLOW_BODIES = 20
const DEAF_STREAMS = 50
const IDLE = 5

describe('slow clients cannot starve the server', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  const dataDir = mkdtempSync(join(tmpdir(), 'pitwall-slowloris-'))
  const sockets: Socket[] = []

  beforeAll(async () => {
    await runCli(['seed-demo', '--no-content'], { PITWALL_DATA_DIR: dataDir })
    server = await startServer({ PITWALL_DATA_DIR: dataDir, PITWALL_IDLE_TIMEOUT: String(IDLE) })
  }, 90_000)
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const open = (first: string, every: number | null, chunk = 'X') => {
    const { port } = new URL(server.url)
    const started = Date.now()
    const s = connect(Number(port), '127.0.0.1')
    sockets.push(s)
    s.on('error', () => {})
    s.write(first)
    const timer = every ? setInterval(() => { if (!s.destroyed) s.write(chunk) }, every) : undefined
    const closed = new Promise<number>((resolve) => s.on('close', () => { clearInterval(timer); resolve(Date.now() - started) }))
    return { socket: s, closed }
  }

  /** A rider's message posted and seen on their own live stream: milliseconds from post to event. */
  const roundTrip = async () => {
    const page = await fetch(`${server.url}/chat`)
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const conv = randomUUID()
    const stream = await fetch(`${server.url}/chat/${conv}/events`, { headers: { cookie } })
    expect(stream.status).toBe(200)
    const t1 = performance.now()
    const reading = readSse(stream, (m) => m.some((x) => x.data.includes('my sled will not start')), 10_000)
    const posted = await fetch(`${server.url}/chat/${conv}/messages`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ client_id: randomUUID(), body: 'my sled will not start' }),
    })
    expect(posted.status).toBe(201)
    expect((await reading).some((x) => x.data.includes('my sled will not start'))).toBe(true)
    return performance.now() - t1
  }

  test('trickled headers and bodies are cut; deaf SSE clients do not block anyone; normal traffic stays fast', async () => {
    await fetch(`${server.url}/healthz`) // warm-up: the first query pays for JIT and the pool
    const b0 = performance.now()
    await fetch(`${server.url}/healthz`)
    const baselineMs = performance.now() - b0
    await roundTrip()
    const baselineEventMs = await roundTrip()
    const tricklers = Array.from({ length: TRICKLERS }, () => open('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 2000))
    const bodies = Array.from({ length: SLOW_BODIES }, () => open(
      `POST /chat/${randomUUID()}/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"body":"`, 1000, 'a'))
    // SSE requests whose responses are never read: the socket is paused, so the kernel buffers fill.
    const deaf = Array.from({ length: DEAF_STREAMS }, () => {
      const d = open(`GET /chat/${randomUUID()}/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n`, null)
      d.socket.pause()
      return d
    })
    await Bun.sleep(3000) // the deaf streams' set-up queries are done; the tricklers are mid-trickle

    // Normal traffic while the slow sockets are open (worst of five health checks).
    let healthMs = 0
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      healthMs = Math.max(healthMs, performance.now() - t0)
    }

    const eventMs = await roundTrip()
    expect(healthMs).toBeLessThan(2000) // generous: the CI box is a shared 2-core machine
    expect(eventMs).toBeLessThan(5000)

    // Bun.serve drops connections whose headers are unfinished after ~10-14 s, whatever the trickle;
    // a body that stalls is cut at the idle timeout.
    const headerClose = await Promise.all(tricklers.map((t) => t.closed))
    const bodyClose = await Promise.all(bodies.map((b) => b.closed))
    const maxHeader = Math.max(...headerClose), maxBody = Math.max(...bodyClose)
    console.log(`slow-loris: ${TRICKLERS} header tricklers closed after max ${maxHeader} ms; ${SLOW_BODIES} slow bodies after max ${maxBody} ms (idleTimeout ${IDLE} s); /healthz worst of 5 ${healthMs.toFixed(0)} ms (idle: ${baselineMs.toFixed(0)} ms) and SSE post->event ${eventMs.toFixed(0)} ms (idle: ${baselineEventMs.toFixed(0)} ms) while under attack`)
    expect(maxHeader).toBeLessThan(20_000)
    expect(maxBody).toBeLessThan((IDLE + 8) * 1000)

    // The deaf streams are still held (SSE is exempt from the idle timer) yet the server still answers.
    expect(deaf.filter((d) => !d.socket.destroyed).length).toBe(DEAF_STREAMS)
    const after = performance.now()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(performance.now() - after).toBeLessThan(2000)
    expect(server.proc.exitCode).toBeNull()
  }, 60_000)
})
