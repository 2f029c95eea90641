/**
 * A fake Anthropic Messages API for tests: `Bun.serve` on port 0, Bearer auth (SDK 1.x), POST /v1/messages.
 * Tests script the responses in order (or install a handler): text, tool_use, structured JSON, SSE streams
 * (automatic when the request says `stream: true`), HTTP errors (429/500/529, with `x-should-retry`), delays,
 * hangs and malformed bodies. Every request is recorded for assertions.
 *
 *   const claude = await startFakeClaude()
 *   claude.enqueue(reply.tool('answer', { answer: 'yes' }), reply.error(529, { retry: false }))
 *   const client = claude.client()            // an Anthropic SDK client pointed at the fake
 *   ...
 *   expect(claude.requests[0].body.messages[0].content).toContain('<rider_message>')
 *   await claude.close()
 */
import Anthropic from '@anthropic-ai/sdk'

export type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }

export type FakeResponse =
  | { kind: 'message'; content: Block[]; stopReason?: string; delayMs?: number; usage?: { input_tokens: number; output_tokens: number } }
  | { kind: 'error'; status: number; type: string; message: string; retry?: boolean; retryAfter?: number; delayMs?: number }
  | { kind: 'raw'; status: number; body: string; contentType?: string; delayMs?: number }
  | { kind: 'events'; events: { event: string; data: unknown }[]; delayMs?: number }
  | { kind: 'hang' }

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string>
  /** Parsed JSON body (undefined when the body was not JSON). */
  body: any
  at: number
}

export type Handler = (req: RecordedRequest) => FakeResponse | Promise<FakeResponse>

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
}

let seq = 0
const id = (prefix: string) => `${prefix}_fake${(++seq).toString().padStart(6, '0')}`

/** Builders for scripted responses. */
export const reply = {
  text: (text: string, opts: { delayMs?: number } = {}): FakeResponse => ({ kind: 'message', content: [{ type: 'text', text }], ...opts }),
  /** Structured output (`output_config.format`): the JSON arrives as the text of the message. */
  json: (value: unknown, opts: { delayMs?: number } = {}): FakeResponse => ({ kind: 'message', content: [{ type: 'text', text: JSON.stringify(value) }], ...opts }),
  tool: (name: string, input: unknown, opts: { delayMs?: number; text?: string } = {}): FakeResponse => ({
    kind: 'message',
    content: [...(opts.text ? [{ type: 'text' as const, text: opts.text }] : []), { type: 'tool_use', id: id('toolu'), name, input }],
    stopReason: 'tool_use',
    delayMs: opts.delayMs,
  }),
  /** Any content blocks; stop_reason defaults to tool_use when a tool is called, else end_turn. */
  content: (content: Block[], stopReason?: string): FakeResponse => ({ kind: 'message', content, stopReason }),
  error: (status: number, opts: { type?: string; message?: string; retry?: boolean; retryAfter?: number; delayMs?: number } = {}): FakeResponse => ({
    kind: 'error', status, type: opts.type ?? ERROR_TYPES[status] ?? 'api_error', message: opts.message ?? `fake ${status}`,
    retry: opts.retry, retryAfter: opts.retryAfter, delayMs: opts.delayMs,
  }),
  /** Anything at all as the body, e.g. broken JSON or an HTML error page. */
  raw: (body: string, status = 200, contentType = 'application/json'): FakeResponse => ({ kind: 'raw', status, body, contentType }),
  /** Hand-written SSE events (for testing stream parsing edge cases). */
  events: (events: { event: string; data: unknown }[]): FakeResponse => ({ kind: 'events', events }),
  /** Never answers; the client's timeout or abort has to end the request. */
  hang: (): FakeResponse => ({ kind: 'hang' }),
  delay: (ms: number, r: FakeResponse): FakeResponse => (r.kind === 'hang' ? r : { ...r, delayMs: ms }),
}

export interface FakeClaude {
  /** Base URL for the SDK (`baseURL`). */
  url: string
  apiKey: string
  requests: RecordedRequest[]
  /** Queue responses; each request takes the next one. */
  enqueue(...responses: FakeResponse[]): void
  /** Used when the queue is empty (default: an "ok" text reply). */
  setHandler(handler: Handler): void
  /** Requests to /v1/messages only, with their parsed bodies. */
  messages(): RecordedRequest[]
  reset(): void
  client(opts?: { timeout?: number; maxRetries?: number; apiKey?: string }): Anthropic
  close(): Promise<void>
}

function messageJson(model: string, r: Extract<FakeResponse, { kind: 'message' }>) {
  return {
    id: id('msg'), type: 'message', role: 'assistant', model, content: r.content,
    stop_reason: r.stopReason ?? (r.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: r.usage ?? { input_tokens: 12, output_tokens: 8 },
  }
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/** The event sequence the real API sends for a message (text in a few deltas, tool input as JSON deltas). */
function streamEvents(model: string, r: Extract<FakeResponse, { kind: 'message' }>): string[] {
  const msg = messageJson(model, r)
  const out = [sse('message_start', { type: 'message_start', message: { ...msg, content: [], stop_reason: null, usage: { input_tokens: msg.usage.input_tokens, output_tokens: 0 } } })]
  r.content.forEach((b, index) => {
    if (b.type === 'text') {
      out.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }))
      const parts = b.text.match(/[\s\S]{1,12}/g) ?? ['']
      for (const p of parts) out.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } }))
    } else {
      out.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }))
      const json = JSON.stringify(b.input)
      for (const p of json.match(/[\s\S]{1,16}/g) ?? []) out.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } }))
    }
    out.push(sse('content_block_stop', { type: 'content_block_stop', index }))
  })
  out.push(sse('message_delta', { type: 'message_delta', delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: { output_tokens: msg.usage.output_tokens } }))
  out.push(sse('message_stop', { type: 'message_stop' }))
  return out
}

async function wait(ms: number | undefined, signal: AbortSignal): Promise<void> {
  if (!ms) return
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
  })
}

export async function startFakeClaude(opts: { apiKey?: string } = {}): Promise<FakeClaude> {
  const apiKey = opts.apiKey ?? 'test-key'
  const queue: FakeResponse[] = []
  const requests: RecordedRequest[] = []
  let handler: Handler = () => reply.text('ok')
  const hanging = new Set<() => void>()

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url)
      const headers: Record<string, string> = {}
      req.headers.forEach((v, k) => { headers[k] = v })
      const text = await req.text()
      let body: any
      try { body = text ? JSON.parse(text) : undefined } catch { body = undefined }
      const rec: RecordedRequest = { method: req.method, path: url.pathname, headers, body, at: Date.now() }
      requests.push(rec)
      const errorBody = (status: number, type: string, message: string, extra: Record<string, string> = {}) =>
        new Response(JSON.stringify({ type: 'error', error: { type, message }, request_id: id('req') }), {
          status, headers: { 'content-type': 'application/json', 'request-id': id('req'), ...extra },
        })
      if (headers.authorization !== `Bearer ${apiKey}`) return errorBody(401, 'authentication_error', 'invalid bearer token', { 'x-should-retry': 'false' })
      if (req.method !== 'POST' || url.pathname !== '/v1/messages') return errorBody(404, 'not_found_error', `no route ${req.method} ${url.pathname}`, { 'x-should-retry': 'false' })
      if (!body) return errorBody(400, 'invalid_request_error', 'body is not JSON', { 'x-should-retry': 'false' })

      const r = queue.length ? queue.shift()! : await handler(rec)
      if (r.kind === 'hang') {
        await new Promise<void>((resolve) => {
          hanging.add(resolve)
          req.signal.addEventListener('abort', () => resolve(), { once: true })
        })
        return new Response(null, { status: 499 })
      }
      await wait(r.delayMs, req.signal)
      switch (r.kind) {
        case 'error': {
          const extra: Record<string, string> = {}
          if (r.retry !== undefined) extra['x-should-retry'] = String(r.retry)
          if (r.retryAfter !== undefined) extra['retry-after'] = String(r.retryAfter)
          return errorBody(r.status, r.type, r.message, extra)
        }
        case 'raw':
          return new Response(r.body, { status: r.status, headers: { 'content-type': r.contentType ?? 'application/json' } })
        case 'events':
          return new Response(r.events.map((e) => sse(e.event, e.data)).join(''), { headers: { 'content-type': 'text/event-stream' } })
        case 'message': {
          const model = typeof body.model === 'string' ? body.model : 'claude-fake'
          if (body.stream === true) {
            return new Response(streamEvents(model, r).join(''), { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } })
          }
          return Response.json(messageJson(model, r), { headers: { 'request-id': id('req') } })
        }
      }
    },
  })

  return {
    url: `http://127.0.0.1:${server.port}`,
    apiKey,
    requests,
    enqueue: (...rs) => { queue.push(...rs) },
    setHandler: (h) => { handler = h },
    messages: () => requests.filter((r) => r.path === '/v1/messages'),
    reset: () => {
      queue.length = 0
      requests.length = 0
      handler = () => reply.text('ok')
    },
    client: (o = {}) => new Anthropic({ apiKey: o.apiKey ?? apiKey, baseURL: `http://127.0.0.1:${server.port}`, timeout: o.timeout ?? 5000, maxRetries: o.maxRetries ?? 0 }),
    close: async () => {
      for (const release of hanging) release()
      await server.stop(true)
    },
  }
}
