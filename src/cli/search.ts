import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import * as v from 'valibot'
import { loadConfig } from '../config.ts'
import { openDatabaseFor } from '../db/open.ts'
import { runMigrations } from '../db/migrate.ts'
import type { SearchHit } from '../search/contract.ts'
import { createSearch, type SearchService } from '../search/service.ts'
import { DOC_TYPES, isDocType, type DocType } from '../search/types.ts'
import { parseFlags, UsageError, type CliIO, type Command } from './command.ts'

const JsonlQuery = v.object({
  id: v.union([v.string(), v.number()], 'id must be text or a number'),
  query: v.pipe(v.string('query must be text'), v.trim(), v.minLength(1, 'query must not be empty'), v.maxLength(1000, 'query is too long')),
})

const command: Command = {
  name: 'search',
  summary: 'Search the DMS content',
  usage: `Usage: pitwall search "<query>" [--type T] [--limit N] [--json]
       pitwall search --jsonl FILE

Hybrid (keyword + semantic) search over the store's documents, as the AI and staff see it:
expired price sheets and sold units are left out; identifiers (VIN, stock, part, code, campaign) rank first.
Options:
  --type T              only ${DOC_TYPES.join(', ')} (repeatable)
  --limit N             hits to show (1-100, default 10)
  --json                one JSON object with the hits
  --jsonl FILE          batch: each line {"id","query"}; prints {"id","hits":[{"id","score","type","title"}],"took_ms"} per line
  --store S             store id (default PITWALL_STORE)
  --semantic-ratio R    0 = keyword only, 1 = semantic only (default: chosen per query)`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      type: { type: 'string', multiple: true }, limit: { type: 'string' }, json: { type: 'boolean' }, jsonl: { type: 'string' },
      store: { type: 'string' }, 'semantic-ratio': { type: 'string' },
    })
    const types = values.type ?? []
    const bad = types.find((t) => !isDocType(t))
    if (bad) throw new UsageError(`--type ${bad}: must be one of ${DOC_TYPES.join(', ')}`)
    const limit = values.limit === undefined ? 10 : Number(values.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError('--limit must be a whole number from 1 to 100')
    const ratio = values['semantic-ratio'] === undefined ? undefined : Number(values['semantic-ratio'])
    if (ratio !== undefined && !(ratio >= 0 && ratio <= 1)) throw new UsageError('--semantic-ratio must be between 0 and 1')
    if (!values.jsonl && positionals.length !== 1) throw new UsageError('give one query in quotes, or --jsonl FILE')
    if (values.jsonl && positionals.length) throw new UsageError('--jsonl takes its queries from the file; no query argument')
    const config = loadConfig()
    const database = await openDatabaseFor(config)
    try {
      await runMigrations(database)
      const service = await createSearch(config, database, { syncIntervalMs: 0, warmStandby: false, log: io.err })
      const params = {
        storeId: values.store ?? config.storeId, limit, semanticRatio: ratio,
        type: types.length ? (types as DocType[]) : undefined,
      }
      if (values.jsonl) return await batch(service, values.jsonl, params, io)
      const res = await service.search({ ...params, q: positionals[0] })
      if (values.json) io.out(JSON.stringify({ query: positionals[0], engine: res.engine, semanticRatio: res.semanticRatio, tookMs: round(res.tookMs), hits: res.hits }))
      else printHits(io, res.hits, res.tookMs, res.engine, res.semanticRatio)
      return 0
    } finally {
      await database.close()
    }
  },
}
export default command

const round = (x: number) => Math.round(x * 10) / 10

async function batch(service: SearchService, file: string, params: Omit<Parameters<SearchService['search']>[0], 'q'>, io: CliIO): Promise<number> {
  let line = 0, failed = 0
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  try {
    for await (const text of lines) {
      line++
      if (!text.trim()) continue
      let raw: unknown
      try { raw = JSON.parse(text) } catch (err) {
        failed++; io.err(`${file}:${line}: not valid JSON: ${(err as Error).message}`); continue
      }
      const r = v.safeParse(JsonlQuery, raw)
      if (!r.success) {
        failed++; io.err(`${file}:${line}: ${v.getDotPath(r.issues[0]) ?? 'line'}: ${r.issues[0].message}`); continue
      }
      const res = await service.search({ ...params, q: r.output.query })
      io.out(JSON.stringify({ id: r.output.id, hits: res.hits.map((h) => ({ id: h.id, score: h.score, type: h.type, title: h.title })), took_ms: round(res.tookMs) }))
    }
  } catch (err) {
    throw new UsageError(`--jsonl ${file}: ${(err as Error).message}`)
  }
  return failed ? 1 : 0
}

/** Key facts staff look for, per type. */
function keyFields(h: SearchHit): string {
  const f = h.fields
  const money = (x: unknown) => (typeof x === 'number' ? `$${x.toLocaleString('en-US')}` : undefined)
  const parts: Array<string | undefined> = h.type === 'unit'
    ? [f.stockNumber as string, (f.vin ?? f.hin) as string, f.condition as string, String(f.status ?? '').replace('_', ' '), money(f.price), f.dataAsOf ? `as of ${f.dataAsOf}` : undefined]
    : h.type === 'part'
      ? [`${f.brand} ${f.partNumber}`, money(f.price), `${f.onHand ?? 0} on hand`]
      : h.type === 'recall' ? [f.campaignId as string, f.status as string]
        : h.type === 'bulletin' ? [f.bulletinNumber as string]
          : [h.effectiveAt ? `effective ${h.effectiveAt.slice(0, 10)}` : undefined, h.expiresAt ? `expires ${h.expiresAt.slice(0, 10)}` : undefined]
  return parts.filter(Boolean).join(' · ')
}

function printHits(io: CliIO, hits: SearchHit[], tookMs: number, engine: string, ratio: number) {
  if (!hits.length) io.out('No matches.')
  hits.forEach((h, i) => {
    io.out(`${String(i + 1).padStart(2)}. ${h.title}  [${h.type}${h.exact ? ', exact match' : ''}]  ${h.score.toFixed(3)}`)
    io.out(`    ${h.id} · ${keyFields(h)}`)
    if (h.snippet) io.out(`    ${h.snippet}`)
  })
  io.out(`(${hits.length} hit${hits.length === 1 ? '' : 's'} in ${round(tookMs)} ms, ${engine}, semantic ratio ${ratio})`)
}
