/**
 * bench/counts: the inbox's tab counts for a store with a long history. Every live inbox frame reads them; they
 * used to be a count over every conversation the store ever had, and are now the few rows the triggers of
 * migrations/0008 keep. Both are timed in the same run over the same data (the count is the baseline), and checked
 * equal; so is what the triggers add to a new chat and to a status change (the same statements with the triggers
 * switched off, in alternating batches).
 *
 *   node_modules/.bin/bun bench/counts.ts [--db postgres|pglite] [--conversations 100000] [--runs 30] [--updates 2000]
 *
 * postgres creates a scratch database on BENCH_DATABASE_URL / TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { openDatabase, rows, type Database } from '../src/db/client.ts'
import { runMigrations } from '../src/db/migrate.ts'
import { storeViewCounts, countedViewCounts } from '../src/conversations/store.ts'
import { DEMO_STORE, seedDemoStore } from '../src/staff/demo.ts'
import { fmt, scratchDatabase, summary } from './lib.ts'

const { values } = parseArgs({ options: {
  db: { type: 'string', default: 'postgres' }, conversations: { type: 'string', default: '100000' },
  runs: { type: 'string', default: '30' }, updates: { type: 'string', default: '2000' },
} })
const N = Number(values.conversations), RUNS = Number(values.runs), UPDATES = Number(values.updates)

async function timed(runs: number, fn: () => Promise<unknown>): Promise<ReturnType<typeof summary>> {
  await fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  return summary(ms)
}

let database: Database
let drop = async () => {}
if (values.db === 'pglite') {
  database = await openDatabase({})
} else {
  const scratch = await scratchDatabase('pw_bench_counts')
  database = await openDatabase({ databaseUrl: scratch.url, max: 2 })
  drop = scratch.drop
}
try {
  await runMigrations(database)
  const { db } = database
  await seedDemoStore(db, { password: 'correct-horse-battery' })
  const store = DEMO_STORE.id
  const t0 = performance.now()
  // A year of a busy dealership: mostly answered by the AI or closed, a few waiting or claimed (by a hash of the id).
  await db.execute(sql`
    with c as (insert into customers (store_id, visitor_id) select ${store}, 'bench-' || g from generate_series(1, ${N}) g returning id),
    s as (select c.id, (hashtext(c.id::text) & 1023) / 1024.0 as r from c)
    insert into conversations (store_id, customer_id, status, assignee_id, first_message_at, last_message_at)
    select ${store}, s.id, case when r < 0.55 then 'closed' when r < 0.97 then 'bot' when r < 0.99 then 'waiting' else 'claimed' end,
      case when r >= 0.99 then (select id from staff_users where store_id = ${store} order by id limit 1) end,
      now() - r * interval '365 days', now()
    from s`)
  await db.execute(sql`analyze conversations`)
  await db.execute(sql`analyze conversation_counts`)
  console.error(`${N.toLocaleString('en-US')} conversations made in ${fmt((performance.now() - t0) / 1000)} s`)

  const kept = await storeViewCounts(db, store)
  const scan = await countedViewCounts(db, store)
  if (JSON.stringify(kept) !== JSON.stringify(scan)) throw new Error(`counts differ: kept ${JSON.stringify(kept)}, scan ${JSON.stringify(scan)}`)
  const scanT = await timed(RUNS, () => countedViewCounts(db, store))
  const keptT = await timed(RUNS * 10, () => storeViewCounts(db, store))

  // A new chat and a status change, one statement each as the app makes them, with and without the triggers
  // (alternating batches).
  const ids = (await rows<{ id: string }>(db, sql`select id from conversations where status = 'bot' limit ${UPDATES}`)).map((r) => r.id)
  const [customer] = await rows<{ id: string }>(db, sql`select id from customers limit 1`)
  const batch = async (on: boolean, each: (id: string) => Promise<unknown>) => {
    if (!on) await db.execute(sql`alter table conversations disable trigger user`)
    const t = performance.now()
    for (const id of ids) await each(id)
    const perStatement = (performance.now() - t) / ids.length
    if (!on) await db.execute(sql`alter table conversations enable trigger user`)
    return perStatement
  }
  const flip = (id: string) => db.execute(sql`update conversations set status = case status when 'bot' then 'waiting' else 'bot' end where id = ${id}`)
  const open = () => db.execute(sql`insert into conversations (store_id, customer_id, first_message_at) values (${store}, ${customer.id}, now())`)
  const withT: number[] = []
  const without: number[] = []
  const openWith: number[] = []
  const openWithout: number[] = []
  for (let round = 0; round < 4; round++) {
    withT.push(await batch(true, flip)); without.push(await batch(false, flip))
    openWith.push(await batch(true, open)); openWithout.push(await batch(false, open))
  }
  // The batches without triggers made and moved chats the counts did not see: count again from scratch before checking.
  await db.execute(sql`delete from conversation_counts`)
  await db.execute(sql`insert into conversation_counts (store_id, status, assignee_id, shard, n)
    select store_id, status, coalesce(assignee_id, '00000000-0000-0000-0000-000000000000'::uuid), hashtext(id::text) & 7, count(*)
    from conversations where first_message_at is not null group by 1, 2, 3, 4`)
  const med = (xs: number[]) => summary(xs).p50

  console.log(`tab counts — ${new Date().toISOString().slice(0, 16)}Z, ${values.db}, ${N.toLocaleString('en-US')} conversations, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`)
  console.log(`  scan of every conversation (before 0008, the baseline): p50 ${fmt(scanT.p50, 2)} ms, p99 ${fmt(scanT.p99, 2)} ms (${RUNS} runs)`)
  console.log(`  kept counts (0008): p50 ${fmt(keptT.p50, 3)} ms, p99 ${fmt(keptT.p99, 3)} ms (${RUNS * 10} runs); ${fmt(scanT.p50 / keptT.p50)}× faster at p50; same counts: ${JSON.stringify(kept)}`)
  console.log(`  a new chat (one statement, ${ids.length} a batch, 4 batches each): ${fmt(med(openWith) * 1000, 0)} µs with the triggers, ${fmt(med(openWithout) * 1000, 0)} µs without (${fmt(med(openWith) / med(openWithout), 2)}×)`)
  console.log(`  a status change (the same): ${fmt(med(withT) * 1000, 0)} µs with the triggers, ${fmt(med(without) * 1000, 0)} µs without (${fmt(med(withT) / med(without), 2)}×)`)
  const after = await storeViewCounts(db, store)
  if (JSON.stringify(after) !== JSON.stringify(await countedViewCounts(db, store))) throw new Error('counts differ after the status changes')
} finally {
  await database.close()
  await drop()
}
