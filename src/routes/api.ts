import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { rateLimiter } from 'hono-rate-limiter'
import type { Services } from '../deps.ts'
import { authenticateKey } from '../integrations/api-keys.ts'
import { deleteItem, getItem, MAX_BATCH, upsertItems, type UpsertReport } from '../integrations/documents-api.ts'
import { DOC_ID_PATTERN } from '../search/types.ts'

/**
 * JSON API for DMS pushes, authenticated by per-store bearer keys (no cookies, so no CSRF check applies).
 * Reference: docs/integrations.md.
 */

type ApiEnv = { Variables: { apiKey: { id: string; storeId: string; prefix: string } } }

export const API_BODY_LIMIT = 10 * 1024 * 1024
export const API_RATE_PER_MINUTE = 600

const problem = (c: Context, status: 400 | 401 | 404 | 413 | 415 | 422 | 429, error: string, extra: Record<string, unknown> = {}) => c.json({ error, ...extra }, status)

function bearer(s: Services): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')
    const key = m ? await authenticateKey(s.db, m[1], s.now()) : null
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer realm="pitwall"')
      return problem(c, 401, m ? 'the API key is unknown or revoked' : 'send Authorization: Bearer pw_… (create a key under Settings → API keys)')
    }
    c.set('apiKey', key)
    await next()
  }
}

/** A JSON array (or {"documents": [...]}) or JSON Lines; a JSONL line that is not JSON becomes an invalid item. */
async function batchItems(c: Context): Promise<unknown[] | string> {
  const type = (c.req.header('content-type') ?? '').toLowerCase()
  const text = await c.req.text()
  if (/ndjson|jsonl|jsonlines/.test(type)) {
    return text.split(/\r?\n/).filter((l) => l.trim()).map((l) => {
      try { return JSON.parse(l) } catch (err) { return new Error(`not valid JSON: ${(err as Error).message}`) }
    })
  }
  if (!type.includes('json')) return 'send Content-Type: application/json (an array) or application/x-ndjson (one document a line)'
  let body: unknown
  try { body = JSON.parse(text) } catch (err) { return `body is not valid JSON: ${(err as Error).message}` }
  const list = Array.isArray(body) ? body : (body as { documents?: unknown })?.documents
  return Array.isArray(list) ? list : 'body must be a JSON array of documents (or {"documents": [...]})'
}

/** 200 when every item applied, 422 when none did, 207 when some did (the valid ones are saved either way). */
const batchStatus = (r: UpsertReport) => (r.invalid === 0 ? 200 : r.invalid === r.results.length ? 422 : 207)

export function apiRoutes(s: Services) {
  const app = new Hono<ApiEnv>()
  // Keys first, so an unauthenticated client never gets a body read; then the per-key rate, then the size cap.
  app.use('*', bearer(s))
  app.use('*', rateLimiter<ApiEnv>({
    windowMs: 60_000, limit: API_RATE_PER_MINUTE, standardHeaders: 'draft-7', keyGenerator: (c) => c.get('apiKey').id,
    handler: (c) => problem(c, 429, `at most ${API_RATE_PER_MINUTE} requests a minute per key; retry after the RateLimit-Reset seconds`),
  }))
  app.use('*', bodyLimit({ maxSize: API_BODY_LIMIT, onError: (c) => problem(c, 413, `the body is larger than ${API_BODY_LIMIT / 1024 / 1024} MB; send smaller batches`) }))
  app.use('/documents/:id', async (c, next) => (DOC_ID_PATTERN.test(c.req.param('id')) ? next() : problem(c, 400, 'id: must be 1-200 letters, digits, - or _')))

  app.get('/documents/:id', async (c) => {
    const doc = await getItem(s, c.get('apiKey').storeId, c.req.param('id'))
    return doc ? c.json(doc) : problem(c, 404, `no document ${c.req.param('id')} in this store`)
  })

  app.put('/documents/:id', async (c) => {
    const id = c.req.param('id')
    const body = await c.req.json().catch(() => undefined)
    if (!body || typeof body !== 'object' || Array.isArray(body)) return problem(c, 400, 'body must be one JSON document object')
    if ('id' in body && body.id !== id) return problem(c, 422, 'id: must match the id in the URL', { errors: [{ field: 'id', message: 'must match the id in the URL' }] })
    const r = await upsertItems(s, c.get('apiKey').storeId, [{ ...body, id }])
    const item = r.results[0]
    if (item.result === 'invalid') return problem(c, 422, item.errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors: item.errors })
    return c.json({ id, result: item.result, warnings: r.warnings }, item.result === 'created' ? 201 : 200)
  })

  app.post('/documents', async (c) => {
    const items = await batchItems(c)
    if (typeof items === 'string') return problem(c, items.startsWith('send Content-Type') ? 415 : 400, items)
    if (!items.length) return problem(c, 400, 'the batch is empty')
    if (items.length > MAX_BATCH) return problem(c, 413, `at most ${MAX_BATCH} documents a batch (got ${items.length})`)
    const r = await upsertItems(s, c.get('apiKey').storeId, items)
    return c.json(r, batchStatus(r))
  })

  app.delete('/documents/:id', async (c) => {
    const ok = await deleteItem(s, c.get('apiKey').storeId, c.req.param('id'))
    return ok ? c.body(null, 204) : problem(c, 404, `no document ${c.req.param('id')} in this store`)
  })

  app.all('*', (c) => problem(c, 404, 'no such API endpoint (see docs/integrations.md)'))
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse()
    console.error(err)
    return c.json({ error: 'something went wrong on our side; the request may be retried' }, 500)
  })
  return app
}
