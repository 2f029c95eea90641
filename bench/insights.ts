/**
 * bench/insights: GET /insights over 100,000 conversations (about a million `events` rows), p50/p95 of the
 * whole request (nine queries + SVG rendering), as a ratio to GET /healthz (one `select 1` through the same
 * app) measured interleaved in the same run. Data is generated in SQL with generate_series and a fixed seed.
 *
 *   node_modules/.bin/bun bench/insights.ts [--db pglite|postgres] [--conversations 100000] [--days 365] [--runs 15] [--keep]
 *
 * --db postgres creates a scratch database on TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { openDatabase, rows, type Database } from '../src/db/client.ts'
import { runMigrations } from '../src/db/migrate.ts'
import { handoffs, conversationStarts, firstResponse, breaches, unanswered, ratingCounts, type Scope } from '../src/insights/queries.ts'
import { dayIn, addDays } from '../src/insights/range.ts'
import { LOW_CONFIDENCE } from '../src/insights/service.ts'
import { demoApp } from '../test/support/app.ts'
import postgres from 'postgres'

const { values } = parseArgs({ options: {
  db: { type: 'string', default: 'pglite' }, conversations: { type: 'string', default: '100000' },
  days: { type: 'string', default: '365' }, runs: { type: 'string', default: '15' }, keep: { type: 'boolean' },
} })
const N = Number(values.conversations), DAYS = Number(values.days), RUNS = Number(values.runs)
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] }
const ms = (x: number) => x.toFixed(1)

let database: Database
let drop = async () => {}
if (values.db === 'postgres') {
  const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
  const name = values.keep ? 'pw_bench_insights_kept' : `pw_bench_insights_${Date.now().toString(36)}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  database = await openDatabase({ databaseUrl: url.toString(), max: 4 })
  drop = async () => { await admin.unsafe(`drop database if exists ${name} with (force)`); await admin.end() }
} else {
  database = await openDatabase({})
}
await runMigrations(database)
const ctx = await demoApp(database)

const QUESTIONS = [
  'do you rent jet skis', 'can I rent a jet ski for the weekend', 'jet ski rental prices', 'do you do snowmobile rentals',
  'do you ship parts to canada', 'can you ship a part to canada', 'do you take trade ins on boats', 'will you buy my boat',
  'what are your winter storage rates', 'how much is winter storage', 'do you install lift kits', 'can you put a lift kit on my ranger',
  'do you sell used helmets', 'do you price match', 'will you match an online price', 'is there a military discount',
  'do you do dyno tuning', 'can you tune my bike on a dyno', 'do you have a loaner while mine is in service', 'can I get a loaner bike',
]
const q = (s: string) => `'${s.replace(/'/g, "''")}'`
const arr = (xs: readonly (string | number)[]) => `array[${xs.map((x) => (typeof x === 'number' ? x : q(x))).join(',')}]`

/** Each statement is one INSERT ... SELECT over generate_series: seconds on PostgreSQL, a minute or two on PGlite. */
async function seed() {
  const t = performance.now()
  const run = async (s: string) => {
    const t0 = performance.now()
    const r = await rows(ctx.services.db, sql.raw(s))
    console.error(`  seed ${((performance.now() - t0) / 1000).toFixed(1)} s: ${s.trim().split('\n')[0].slice(0, 70)}`)
    return r
  }
  await run(`select setseed(0.42)`)
  await run(`create table bench_conv as
    select gen_random_uuid() as id, gen_random_uuid() as customer_id, g as n,
      now() - (random() * ${DAYS} * 86400) * interval '1 second' as t0, random() as r1, random() as r2, random() as r3, random() as r4
    from generate_series(1, ${N}) g`)
  await run(`insert into customers (id, store_id, visitor_id) select customer_id, 'demo', 'bench-' || n from bench_conv`)
  await run(`insert into conversations (id, store_id, customer_id, status, created_at, last_message_at, updated_at)
    select id, 'demo', customer_id, case when r1 < 0.6 then 'closed' else 'bot' end, t0, t0 + interval '5 minutes', t0 from bench_conv`)
  // Staged first, then written in time order with ids in time order: a real events table is appended as things happen.
  await run(`create table bench_ev (k uuid not null default gen_random_uuid(), store_id text, conversation_id uuid, kind text, data jsonb, created_at timestamptz)`)
  await run(`insert into bench_ev (store_id, conversation_id, kind, data, created_at) select 'demo', id, 'opened', '{}', t0 from bench_conv`)
  // The bulk of a real events table: messages and status changes, which insights never read.
  await run(`insert into bench_ev (store_id, conversation_id, kind, data, created_at)
    select 'demo', b.id, 'message', jsonb_build_object('messageId', gen_random_uuid(), 'author', (array['customer','bot'])[k % 2 + 1], 'internal', false),
      b.t0 + k * interval '40 seconds'
    from bench_conv b, generate_series(1, 5) k`)
  await run(`insert into bench_ev (store_id, conversation_id, kind, data, created_at)
    select 'demo', b.id, 'status', jsonb_build_object('from', 'bot', 'to', 'closed'), b.t0 + interval '20 minutes' from bench_conv b where b.r1 < 0.6`)
  // Two AI answers per conversation; about 8% below the low-confidence line, each with its rider question stored.
  await run(`create table bench_ans as
    select b.id as conv, b.t0 + k * interval '41 seconds' as at, gen_random_uuid() as qid, random() as c, floor(random() * ${QUESTIONS.length})::int as qn
    from bench_conv b, generate_series(1, 2) k where b.r2 >= 0.3 or k = 1`)
  await run(`insert into messages (id, conversation_id, author, body, client_id, created_at)
    select qid, conv, 'customer', (${arr(QUESTIONS)})[qn + 1], 'bench-' || qid, at from bench_ans where c < 0.08`)
  await run(`insert into bench_ev (store_id, conversation_id, kind, data, created_at)
    select 'demo', conv, 'answer', jsonb_build_object('messageId', gen_random_uuid(), 'questionId', qid, 'source', 'local',
      'confidence', case when c < 0.08 then round((c * 4)::numeric, 3) else round((0.4 + c * 0.6)::numeric, 3) end), at
    from bench_ans`)
  // 30% handed off, with the data handoff events carry; 85% of those answered, at a spread of waits around the target.
  await run(`insert into bench_ev (store_id, conversation_id, kind, data, created_at)
    select 'demo', b.id, 'handoff', jsonb_build_object('from', 'bot', 'messageId', null,
      'priority', (${arr(['stranded-rider', 'hot-lead', 'normal'])})[p + 1], 'targetMinutes', (${arr([15, 30, 240])})[p + 1],
      'department', (${arr(['service', 'sales', 'parts', 'finance'])})[d + 1],
      'tags', jsonb_build_array((${arr(['financing', 'trade-in', 'service-booking', 'parts-fitment', 'stranded-rider', 'test-ride', 'warranty', 'recall'])})[d * 2 + (r % 2) + 1]),
      'rules', jsonb_build_array((${arr(['financing-question', 'trade-in', 'book-service', 'fitment-check', 'stranded-rider', 'human-request', 'warranty-claim', 'recall-check', 'frustrated', 'low-confidence'])})[r + 1])),
      b.t0 + interval '90 seconds'
    from (select *, floor(r3 * 3)::int as p, floor(r4 * 4)::int as d, floor(r3 * 10)::int as r from bench_conv where r2 < 0.3) b`)
  await run(`insert into bench_ev (store_id, conversation_id, kind, data, created_at)
    select 'demo', h.conversation_id, 'first_response', jsonb_build_object('handoffKey', h.k, 'priority', h.data->'priority',
      'department', h.data->'department', 'targetMinutes', h.data->'targetMinutes', 'waitedSeconds', w.s),
      h.created_at + w.s * interval '1 second'
    from bench_ev h cross join lateral (select round(((h.data->>'targetMinutes')::int * 60 * random() * 1.6)::numeric)::int as s) w
    where h.kind = 'handoff' and random() < 0.85`)
  await run(`insert into bench_ev (store_id, conversation_id, kind, data, created_at)
    select 'demo', b.id, 'rating', case when b.r4 < 0.1 then jsonb_build_object('kind', 'answer', 'value', case when b.r3 < 0.7 then 1 else -1 end, 'messageId', gen_random_uuid())
      else jsonb_build_object('kind', 'chat', 'value', 1 + floor(b.r3 * 5)::int, 'messageId', null) end, b.t0 + interval '25 minutes'
    from bench_conv b where b.r4 < 0.13`)
  await run(`insert into events (id, store_id, conversation_id, kind, data, created_at)
    select o.n, o.store_id, o.conversation_id, o.kind,
      case when o.kind = 'first_response' then (o.data - 'handoffKey') || jsonb_build_object('handoffId', h.n) else o.data end, o.created_at
    from (select row_number() over (order by created_at) + (select coalesce(max(id), 0) from events) as n, * from bench_ev) o
    left join (select row_number() over (order by created_at) + (select coalesce(max(id), 0) from events) as n, k from bench_ev) h
      on o.kind = 'first_response' and h.k = (o.data->>'handoffKey')::uuid
    order by o.n`)
  await run(`select setval(pg_get_serial_sequence('events', 'id'), (select max(id) from events))`)
  await run(`drop table bench_ev`)
  await run(`drop table bench_ans`)
  await run(`drop table bench_conv`)
  await run(`vacuum analyze`)
  const [count] = await rows<{ n: number }>(ctx.services.db, sql`select count(*)::int as n from events`)
  return { seconds: (performance.now() - t) / 1000, events: Number(count.n) }
}

const seeded = await seed()
const admin = ctx.client()
await admin.login()
const now = new Date()
const today = dayIn(now, 'America/Chicago')

async function timed(path: string): Promise<{ ms: number; bytes: number }> {
  const t = performance.now()
  const r = await admin.request(path)
  const body = await r.text()
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`)
  return { ms: performance.now() - t, bytes: body.length }
}

const cases = [
  { name: 'GET /insights (default: last 30 days, daily)', path: '/insights' },
  { name: `GET /insights (all ${DAYS} days, weekly)`, path: `/insights?from=${addDays(today, -DAYS)}&to=${today}&bucket=week` },
]
const results: Array<{ name: string; p50: number; p95: number; base50: number; base95: number; bytes: number }> = []
for (const c of cases) {
  for (let i = 0; i < 2; i++) { await timed(c.path); await timed('/healthz') } // warm-up
  const page: number[] = [], base: number[] = []
  let bytes = 0
  for (let i = 0; i < RUNS; i++) {
    const p = await timed(c.path); page.push(p.ms); bytes = p.bytes
    base.push((await timed('/healthz')).ms)
  }
  results.push({ name: c.name, p50: pct(page, 50), p95: pct(page, 95), base50: pct(base, 50), base95: pct(base, 95), bytes })
}

// Where the time goes (default range), and whether the index carries the range scans.
const scope: Scope = { storeIds: ['demo'], from: addDays(today, -29), to: today, bucket: 'day', timeZone: 'America/Chicago', now, lowConfidence: LOW_CONFIDENCE }
const db = ctx.services.db
const parts: Array<[string, () => Promise<unknown>]> = [
  ['handoffs by tag, department, rule', () => handoffs(db, scope)], ['conversation starts: resolution + busiest hours', () => conversationStarts(db, scope)],
  ['first response', () => firstResponse(db, scope)], ['SLA breaches', () => breaches(db, scope)],
  ['unanswered (500 newest)', () => unanswered(db, scope)], ['ratings', () => ratingCounts(db, scope)],
]
const perQuery: string[] = []
for (const [name, f] of parts) {
  const xs: number[] = []
  for (let i = 0; i < 5; i++) { const t = performance.now(); await f(); xs.push(performance.now() - t) }
  perQuery.push(`| ${name} | ${ms(pct(xs, 50))} |`)
}
const plan = await rows<Record<string, string>>(db, sql`explain select e.conversation_id, e.data->>'priority' from events e where e.store_id = 'demo' and e.kind = 'first_response'
  and e.created_at >= (${scope.from}::timestamp at time zone ${scope.timeZone}) and e.created_at < ((${scope.to}::date + 1)::timestamp at time zone ${scope.timeZone})`)
const planText = plan.map((r) => Object.values(r)[0]).join('\n')

console.log(`bench/insights — ${values.db}, ${N.toLocaleString()} conversations over ${DAYS} days, ${seeded.events.toLocaleString()} events (seeded in ${seeded.seconds.toFixed(1)} s), ${RUNS} runs, ${new Date().toISOString()}`)
console.log('')
console.log('| request | p50 ms | p95 ms | /healthz p50 | /healthz p95 | p50 ratio | page |')
console.log('|---|---:|---:|---:|---:|---:|---:|')
for (const r of results) console.log(`| ${r.name} | ${ms(r.p50)} | **${ms(r.p95)}** | ${ms(r.base50)} | ${ms(r.base95)} | ${(r.p50 / r.base50).toFixed(0)}× | ${Math.round(r.bytes / 1024)} KB |`)
console.log('')
console.log('| query (default range) | p50 ms |')
console.log('|---|---:|')
for (const l of perQuery) console.log(l)
console.log('')
console.log(`covering index on the range scans: ${/Index Only Scan using events_facts_idx/.test(planText) ? 'yes (index-only scan on events_facts_idx)' : 'NO'}`)
console.log(planText.split('\n').map((l) => `    ${l}`).join('\n'))

await database.close()
if (values.keep && values.db === 'postgres') console.log(`kept the database (drop it when done)`)
else await drop()
