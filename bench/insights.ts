/**
 * bench/insights: GET /insights over 100,000 conversations (about a million `events` rows), p50/p95 of the
 * whole request (rollup refresh + one statement for five charts + the unanswered questions + SVG rendering), as a ratio to GET /healthz (one `select 1`
 * through the same app) measured interleaved in the same run, for the default 30 days and a range covering
 * all conversations; the same figures computed the old way (whole-range queries over `events`,
 * test/support/insights-direct.ts) as the in-run baseline, and checked equal; the one-time rollup build and
 * the incremental refresh after a day of new and late events. Data is generated in SQL with a fixed seed.
 *
 *   node_modules/.bin/bun bench/insights.ts [--db both|pglite|postgres] [--conversations 100000] [--days 365] [--runs 15]
 *
 * postgres creates a scratch database on TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
 * --keep leaves it behind as pw_bench_insights_kept, to EXPLAIN queries against.
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { openDatabase, rows, type Database, type Db } from '../src/db/client.ts'
import { runMigrations } from '../src/db/migrate.ts'
import * as rolled from '../src/insights/queries.ts'
import { dayIn, addDays, type Bucket } from '../src/insights/range.ts'
import { planFor } from '../src/insights/rollup.ts'
import { LOW_CONFIDENCE } from '../src/insights/service.ts'
import * as direct from '../test/support/insights-direct.ts'
import { demoApp } from '../test/support/app.ts'
import postgres from 'postgres'

const { values } = parseArgs({ options: {
  db: { type: 'string', default: 'both' }, conversations: { type: 'string', default: '100000' },
  days: { type: 'string', default: '365' }, runs: { type: 'string', default: '15' }, keep: { type: 'boolean' },
} })
const N = Number(values.conversations), DAYS = Number(values.days), RUNS = Number(values.runs)
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] }
const ms = (x: number) => x.toFixed(1)
const TZ = 'America/Chicago'
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ')

async function open(kind: string): Promise<{ database: Database; drop(): Promise<void> }> {
  if (kind !== 'postgres') return { database: await openDatabase({}), drop: async () => {} }
  const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
  const name = values.keep ? 'pw_bench_insights_kept' : `pw_bench_insights_${Date.now().toString(36)}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  if (values.keep) await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.unsafe(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ databaseUrl: url.toString(), max: 4 })
  return { database, drop: async () => { if (!values.keep) await admin.unsafe(`drop database if exists ${name} with (force)`); await admin.end() } }
}

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
async function seed(db: Db) {
  const t = performance.now()
  const run = async (s: string) => {
    const t0 = performance.now()
    const r = await rows(db, sql.raw(s))
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
  const [count] = await rows<{ n: number }>(db, sql`select count(*)::int as n from events`)
  return { seconds: (performance.now() - t) / 1000, events: Number(count.n) }
}


/** A day of activity after the build: new conversations today, and late events that touch rolled-up days. */
async function dayOfActivity(db: Db) {
  const run = (s: string) => rows(db, sql.raw(s))
  await run(`insert into events (store_id, conversation_id, kind, data, created_at)
    select 'demo', gen_random_uuid(), 'opened', '{}', now() - random() * interval '6 hours' from generate_series(1, 300)`)
  // Replies to handoffs of the last three days that had none; changed votes on ratings of the last week.
  await run(`insert into events (store_id, conversation_id, kind, data, created_at)
    select 'demo', h.conversation_id, 'first_response', jsonb_build_object('handoffId', h.id, 'priority', h.data->'priority',
      'targetMinutes', h.data->'targetMinutes', 'waitedSeconds', extract(epoch from now() - h.created_at)::int), now()
    from events h where h.store_id = 'demo' and h.kind = 'handoff' and h.created_at > now() - interval '3 days'
      and not exists (select 1 from events r where r.conversation_id = h.conversation_id and r.kind = 'first_response')
    order by random() limit 60`)
  await run(`insert into events (store_id, conversation_id, kind, data, created_at)
    select 'demo', r.conversation_id, 'rating', jsonb_set(r.data, '{value}', to_jsonb(case when r.data->>'kind' = 'answer' then -(r.data->>'value')::int else 6 - (r.data->>'value')::int end)), now()
    from events r where r.store_id = 'demo' and r.kind = 'rating' and r.created_at > now() - interval '7 days' order by random() limit 40`)
  // Back-dated rows anywhere in the year (an import, a clock fix).
  await run(`insert into events (store_id, conversation_id, kind, data, created_at)
    select 'demo', gen_random_uuid(), 'opened', '{}', now() - random() * interval '360 days' from generate_series(1, 5)`)
}

type Case = { name: string; path: string; scope: rolled.Scope }

async function runEngine(kind: string): Promise<string[]> {
  const { database, drop } = await open(kind)
  const out: string[] = []
  try {
    await runMigrations(database)
    const ctx = await demoApp(database)
    const db = ctx.services.db
    console.error(`${kind}: seeding`)
    const seeded = await seed(db)
    const admin = ctx.client()
    await admin.login()
    const timed = async (path: string) => {
      const t = performance.now()
      const r = await admin.request(path)
      const body = await r.text()
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`)
      return { ms: performance.now() - t, bytes: body.length }
    }
    const now = new Date()
    const today = dayIn(now, TZ)
    const scope = (from: string, bucket: Bucket): rolled.Scope => ({ storeIds: ['demo'], from, to: today, bucket, timeZone: TZ, now, lowConfidence: LOW_CONFIDENCE })
    const cases: Case[] = [
      { name: 'last 30 days, daily (default)', path: '/insights', scope: scope(addDays(today, -29), 'day') },
      { name: `all ${DAYS + 1} days, weekly (all conversations)`, path: `/insights?from=${addDays(today, -DAYS)}&to=${today}&bucket=week`, scope: scope(addDays(today, -DAYS), 'week') },
    ]
    const [count] = await rows<{ n: number }>(db, sql`select count(*)::int as n from events e where e.kind = 'opened' and e.created_at >= ${cases[1].scope.from}::timestamp at time zone ${TZ}`)
    out.push(`### ${kind === 'postgres' ? 'PostgreSQL 15' : 'PGlite'} (${new Date().toISOString().slice(11, 16)} UTC, load average ${load()})`, '')
    out.push(`${N.toLocaleString()} conversations over ${DAYS} days (${Number(count.n).toLocaleString()} in the widest range), ${seeded.events.toLocaleString()} events, seeded in ${seeded.seconds.toFixed(1)} s.`, '')

    // The old way: every figure from `events` over the whole range, the same six queries the page ran before.
    const oldWay = async (q: rolled.Scope) => Promise.all([direct.handoffs(db, q), direct.conversationStarts(db, q), direct.firstResponse(db, q), direct.breaches(db, q), rolled.unanswered(db, q), direct.ratingCounts(db, q)])
    const baseline: number[][] = []
    for (const c of cases) {
      const xs: number[] = []
      for (let i = 0; i < 4; i++) { const t = performance.now(); await oldWay(c.scope); xs.push(performance.now() - t) }
      baseline.push(xs.slice(1))
    }

    // One-time build of the widest range (what the first page load after an upgrade pays).
    let t = performance.now()
    const plan = await planFor(db, cases[1].scope)
    const buildMs = performance.now() - t
    if (plan.live.length !== 1) throw new Error(`expected only today live, got ${JSON.stringify(plan.live)}`)
    const [facts] = await rows<{ n: number }>(db, sql`select count(*)::int as n from insights_daily`)

    // Same figures both ways.
    let same = true
    for (const c of cases) {
      const q = { ...c.scope, plan: await planFor(db, c.scope) }
      const pairs: Array<[unknown, unknown]> = [
        [await rolled.handoffs(db, q), await direct.handoffs(db, c.scope)], [await rolled.firstResponse(db, q), await direct.firstResponse(db, c.scope)],
        [await rolled.breaches(db, q), await direct.breaches(db, c.scope)], [await rolled.ratingCounts(db, q), await direct.ratingCounts(db, c.scope)],
        [(await rolled.conversationStarts(db, q)).resolution, (await direct.conversationStarts(db, c.scope)).resolution],
      ]
      for (const [a, b] of pairs) same &&= JSON.stringify(a) === JSON.stringify(b)
    }

    const pages: Array<{ c: Case; page: number[]; base: number[]; bytes: number }> = []
    for (const c of cases) {
      for (let i = 0; i < 2; i++) { await timed(c.path); await timed('/healthz') }
      const page: number[] = [], base: number[] = []
      let bytes = 0
      for (let i = 0; i < RUNS; i++) {
        const p = await timed(c.path); page.push(p.ms); bytes = p.bytes
        base.push((await timed('/healthz')).ms)
      }
      pages.push({ c, page, base, bytes })
    }
    out.push('| request | p50 ms | p95 ms | /healthz p50 | p50 ratio | old queries alone p50 (baseline) | page |', '|---|---:|---:|---:|---:|---:|---:|')
    pages.forEach(({ c, page, base, bytes }, i) => out.push(
      `| GET /insights, ${c.name} | ${ms(pct(page, 50))} | **${ms(pct(page, 95))}** | ${ms(pct(base, 50))} | ${(pct(page, 50) / pct(base, 50)).toFixed(0)}× | ${ms(pct(baseline[i], 50))} | ${Math.round(bytes / 1024)} KB |`))
    out.push('')

    // Where the time goes now (rollups read + today live), per query.
    const parts: Array<[string, (q: rolled.Scope) => Promise<unknown>]> = [
      ['handoffs by tag, department, rule', (q) => rolled.handoffs(db, q)], ['resolution + busiest hours', (q) => rolled.conversationStarts(db, q)],
      ['first response (exact percentiles)', (q) => rolled.firstResponse(db, q)], ['SLA breaches', (q) => rolled.breaches(db, q)],
      ['500 newest unanswered (live)', (q) => rolled.unanswered(db, q)], ['ratings', (q) => rolled.ratingCounts(db, q)],
      ['all five charts in one statement (what the page runs)', (q) => rolled.figures(db, q)], ['refresh + plan (nothing new)', (q) => planFor(db, q)],
    ]
    const per: string[][] = []
    for (const c of cases) {
      const q = { ...c.scope, plan: await planFor(db, c.scope) }
      const r: string[] = []
      for (const [, f] of parts) {
        const xs: number[] = []
        for (let i = 0; i < 5; i++) { const t0 = performance.now(); await f(q); xs.push(performance.now() - t0) }
        r.push(ms(pct(xs, 50)))
      }
      per.push(r)
    }
    out.push(`| query, p50 of 5 (ms) | ${cases.map((c) => c.name).join(' | ')} |`, '|---|---:|---:|')
    parts.forEach(([name], i) => out.push(`| ${name} | ${per.map((r) => r[i]).join(' | ')} |`))
    out.push('')

    // A day of activity, then the next page load's refresh.
    await dayOfActivity(db)
    t = performance.now()
    const again = await planFor(db, cases[1].scope)
    const incMs = performance.now() - t
    const after: number[] = []
    for (let i = 0; i < 5; i++) after.push((await timed(cases[1].path)).ms)
    out.push(`- one-time rollup build, ${DAYS} complete days: **${(buildMs / 1000).toFixed(2)} s** (${Number(facts.n).toLocaleString()} fact rows)`)
    out.push(`- incremental refresh after a day of activity (300 new conversations today, up to 60 late replies to handoffs of the last 3 days, up to 40 changed votes from the last week, 5 back-dated rows): **${ms(incMs)} ms** (${again.refresh?.invalidated} stale days dropped, ${again.refresh?.built} rebuilt); the year view right after: p50 ${ms(pct(after, 50))} ms`)
    out.push(`- rollup figures identical to the old whole-range queries (both ranges, checked in the run): **${same ? 'yes' : 'NO'}**`)
    out.push('')
  } finally {
    await database.close()
    await drop()
  }
  return out
}

const engines = values.db === 'both' ? ['postgres', 'pglite'] : [values.db!]
const report: string[] = [`bench/insights — ${new Date().toISOString()}, ${RUNS} runs per range, load average at start ${load()}`, '']
for (const kind of engines) report.push(...(await runEngine(kind)))
console.log(report.join('\n'))
