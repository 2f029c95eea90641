/**
 * The ceiling the load benches compare against: bare Hono on Bun.serve, no database, no rendering.
 * POST /chat/:id/messages echoes the JSON body (what the rider API would cost with nothing behind it);
 * GET /sse holds an SSE stream; POST /publish writes one small event to every open stream.
 * Run: bun bench/echo-server.ts [--port N]
 */
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { getBunServer } from 'hono/bun'
import type { Server } from 'bun'

const app = new Hono()
const streams = new Set<(data: string) => void>()
let seq = 0

app.post('/chat/:id/messages', async (c) => c.json({ message: { conversationId: c.req.param('id'), ...((await c.req.json()) as object) }, duplicate: false }, 201))

app.get('/sse', (c) => {
  getBunServer<Server<undefined>>(c)?.timeout(c.req.raw, 0)
  return streamSSE(c, async (stream) => {
    const queue: string[] = []
    let wake: (() => void) | undefined
    const push = (d: string) => { queue.push(d); wake?.() }
    streams.add(push)
    stream.onAbort(() => { streams.delete(push); wake?.() })
    await stream.writeSSE({ event: 'ready', data: '0' })
    while (!stream.aborted && !stream.closed) {
      if (!queue.length) await new Promise<void>((r) => { wake = r })
      wake = undefined
      while (queue.length) await stream.writeSSE({ id: String(++seq), data: queue.shift()! })
    }
    streams.delete(push)
  })
})

app.post('/publish', async (c) => {
  const data = await c.req.text()
  for (const push of streams) push(data)
  return c.json({ streams: streams.size })
})

const portFlag = process.argv.indexOf('--port')
const server = Bun.serve({ fetch: app.fetch, port: portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0, idleTimeout: 30 })
console.log(`echo listening on http://localhost:${server.port}`)
process.once('SIGTERM', () => { void server.stop(true).then(() => process.exit(0)) })
