import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { rows, type Db } from '../../src/db/client.ts'
import { events } from '../../src/db/schema.ts'
import * as rolled from '../../src/insights/queries.ts'
import { addDays, dayIn, type Bucket } from '../../src/insights/range.ts'
import { planFor } from '../../src/insights/rollup.ts'
import * as direct from '../support/insights-direct.ts'
import { backends } from '../support/db.ts'

/**
 * The rollups against the original whole-range queries over `events`, on a random dataset with the awkward
 * cases: days that change DST (America/Chicago, and America/Havana whose midnight repeats), the current
 * partial day, ranges reaching into the future, late events for rolled-up days (replies to old handoffs,
 * changed votes days later, handoffs in old conversations, back-dated events), replies recorded before their
 * handoff, duplicate replies, handoffs without a target or a `from`, a conversation opened twice, and "all stores" read in one time zone.
 */

function prng(seed: number) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Ev { id: number; storeId: string; conversationId: string; kind: string; data: Record<string, unknown>; createdAt: Date }

const NOW = new Date('2026-11-24T16:40:00Z')
const MIN = 60_000, DAY = 86_400_000

/** Conversations with their analytics events; `late` ones are inserted after the rest, out of time order. */
function dataset(seed: number, conversations: number, now: Date) {
  const rnd = prng(seed)
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]
  const some = <T,>(xs: readonly T[], max: number) => [...new Set(Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(xs)))]
  const onTime: Array<Omit<Ev, 'id'> & { key: string; replyTo?: string }> = []
  const late: typeof onTime = []
  const hotspots = [Date.parse('2026-11-01T05:00:00Z'), Date.parse('2026-03-08T06:00:00Z'), now.getTime() - 2 * DAY]
  for (let i = 0; i < conversations; i++) {
    const storeId = rnd() < 0.6 ? 'lake' : 'reef'
    const conversationId = randomUUID()
    const r = rnd()
    // 04:00-05:00 UTC on 1 November 2026 is the first of Havana's two midnight hours: store day 31 October.
    const t0 = r < 0.55 ? now.getTime() - rnd() * 400 * DAY : r < 0.8 ? pick(hotspots) + (rnd() - 0.5) * 3 * DAY
      : r < 0.85 ? Date.parse('2026-11-01T04:00:00Z') + rnd() * 3600_000 : now.getTime() - rnd() * DAY
    const at = (t: number) => new Date(Math.round(t))
    const push = (list: typeof onTime, kind: string, t: number, data: Record<string, unknown> = {}, replyTo?: string) => {
      const key = randomUUID()
      list.push({ storeId, conversationId, kind, data, createdAt: at(t), key, replyTo })
      return key
    }
    push(onTime, 'opened', t0)
    // A conversation opened again days later: its earlier handoff counts only for ranges that include it.
    if (rnd() < 0.04) push(rnd() < 0.5 ? late : onTime, 'opened', t0 + (2 + rnd() * 4) * DAY)
    if (rnd() < 0.5) {
      const handoffs = 1 + (rnd() < 0.15 ? 1 : 0)
      let th = t0 + rnd() * 90 * MIN
      for (let h = 0; h < handoffs; h++) {
        const p = Math.floor(rnd() * 4)
        const data: Record<string, unknown> = {
          ...(rnd() < 0.9 ? { from: 'bot' } : {}), tags: some(['financing', 'trade-in', 'service', 'stranded-rider', 'recall'], 2),
          rules: some(['hot-lead', 'stranded-rider', 'human-request', 'low-confidence'], 2),
          ...(rnd() < 0.9 ? { department: pick(['sales', 'service', 'parts']) } : {}),
          ...(p < 3 ? { priority: ['stranded-rider', 'hot-lead', 'normal'][p], targetMinutes: rnd() < 0.9 ? [15, 30, 240][p] : null } : {}),
        }
        // A handoff in an old conversation may arrive after that day was rolled up.
        const list = h > 0 && rnd() < 0.5 ? late : onTime
        const key = push(list, 'handoff', th, data)
        if (rnd() < 0.2) push(onTime, 'handoff', th + 2 * MIN, { ...data, from: 'waiting' })
        if (rnd() < 0.75) {
          const skew = rnd() < 0.04 ? -(DAY + rnd() * DAY) : rnd() * (rnd() < 0.3 ? 2 * DAY : 120 * MIN)
          const waited = Math.max(0, Math.round(skew / 1000))
          const fr = { priority: data.priority ?? null, targetMinutes: data.targetMinutes ?? null, waitedSeconds: waited }
          push(rnd() < 0.3 ? late : onTime, 'first_response', th + skew, fr, key)
          if (rnd() < 0.05) push(late, 'first_response', th + skew + 5 * MIN, { ...fr, waitedSeconds: waited + 300 }, key)
        }
        th += rnd() * 3 * DAY
      }
    }
    if (rnd() < 0.35) {
      const messageId = randomUUID()
      let tr = t0 + rnd() * 30 * MIN
      push(onTime, 'rating', tr, { kind: 'answer', value: rnd() < 0.7 ? 1 : -1, messageId })
      for (let k = 0; k < 2 && rnd() < 0.4; k++) {
        tr += rnd() < 0.5 ? rnd() * 60 * MIN : rnd() * 5 * DAY
        push(rnd() < 0.5 ? late : onTime, 'rating', tr, { kind: 'answer', value: rnd() < 0.5 ? 1 : -1, messageId })
      }
    }
    if (rnd() < 0.2) {
      push(onTime, 'rating', t0 + 40 * MIN, { kind: 'chat', value: 1 + Math.floor(rnd() * 5), messageId: null })
      if (rnd() < 0.3) push(late, 'rating', t0 + 40 * MIN + rnd() * 4 * DAY, { kind: 'chat', value: 1 + Math.floor(rnd() * 5), messageId: null })
    }
  }
  onTime.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  // Back-dated and out-of-order: the late batch goes in shuffled, after everything else.
  late.sort(() => rnd() - 0.5)
  return { onTime, late }
}

/** Inserts with ids in list order (a reply's handoffId is known up front), then moves the sequence past them. */
async function insert(db: Db, list: ReturnType<typeof dataset>['onTime'], ids: Map<string, number>) {
  const [{ max }] = await rows<{ max: string | number }>(db, sql`select coalesce(max(id), 0) as max from events`)
  let next = Number(max) + 1
  for (const e of list) ids.set(e.key, next++)
  for (let i = 0; i < list.length; i += 200) {
    await db.insert(events).values(list.slice(i, i + 200).map((e) => ({
      id: ids.get(e.key)!, storeId: e.storeId, conversationId: e.conversationId, kind: e.kind, createdAt: e.createdAt,
      data: e.replyTo ? { ...e.data, handoffId: ids.get(e.replyTo) } : e.data,
    })))
  }
  await db.execute(sql`select setval(pg_get_serial_sequence('events', 'id'), (select max(id) from events))`)
}

const SCOPES = [
  { storeIds: ['lake'], timeZone: 'America/Chicago' },
  { storeIds: ['reef'], timeZone: 'America/Havana' },
  { storeIds: ['lake', 'reef'], timeZone: 'America/Chicago' },
  { storeIds: ['lake', 'reef'], timeZone: 'UTC' },
]
function ranges(today: string): Array<{ from: string; to: string; bucket: Bucket }> {
  return [
    { from: addDays(today, -29), to: today, bucket: 'day' },
    { from: addDays(today, -365), to: today, bucket: 'week' },
    { from: '2026-10-30', to: '2026-11-02', bucket: 'day' },
    { from: '2026-11-01', to: '2026-11-01', bucket: 'day' },
    { from: '2026-03-07', to: '2026-03-09', bucket: 'week' },
    { from: addDays(today, -3), to: addDays(today, 4), bucket: 'day' },
    { from: addDays(today, -101), to: addDays(today, -38), bucket: 'week' },
    { from: today, to: today, bucket: 'day' },
    { from: addDays(today, -1), to: addDays(today, -1), bucket: 'day' },
  ]
}

const byCell = (a: rolled.HourCell, b: rolled.HourCell) => a.weekday - b.weekday || a.hour - b.hour

async function compareAll(db: Db, now: Date) {
  let rolledDays = 0
  for (const s of SCOPES) {
    const today = dayIn(now, s.timeZone)
    for (const r of ranges(today)) {
      const q: rolled.Scope = { ...s, ...r, now, lowConfidence: 0.35 }
      const plan = await planFor(db, q)
      rolledDays += plan.rolled.reduce((n, x) => n + 1 + (Date.parse(x.to) - Date.parse(x.from)) / DAY, 0)
      // Today and later are always live; every complete day is rolled up once the refresh has run.
      for (const x of plan.live) expect(x.from >= today).toBe(true)
      const p = { ...q, plan }
      const label = `${s.storeIds.join('+')} ${s.timeZone} ${r.from}..${r.to} ${r.bucket}`
      expect({ label, v: await rolled.handoffs(db, p) }).toEqual({ label, v: await direct.handoffs(db, q) })
      const [a, b] = [await rolled.conversationStarts(db, p), await direct.conversationStarts(db, q)]
      expect({ label, v: a.resolution }).toEqual({ label, v: b.resolution })
      expect({ label, v: a.hours.sort(byCell) }).toEqual({ label, v: b.hours.sort(byCell) })
      expect({ label, v: await rolled.firstResponse(db, p) }).toEqual({ label, v: await direct.firstResponse(db, q) })
      expect({ label, v: await rolled.breaches(db, p) }).toEqual({ label, v: await direct.breaches(db, q) })
      expect({ label, v: await rolled.ratingCounts(db, p) }).toEqual({ label, v: await direct.ratingCounts(db, q) })
      // The page reads all five in one statement, as JSON: the same figures, floats included.
      const all = await rolled.figures(db, p)
      all.starts.hours.sort(byCell)
      expect({ label, v: all }).toEqual({ label, v: {
        handoffs: await direct.handoffs(db, q), starts: { resolution: b.resolution, hours: b.hours }, response: await direct.firstResponse(db, q),
        breaches: await direct.breaches(db, q), ratings: await direct.ratingCounts(db, q),
      } })
    }
  }
  return rolledDays
}

for (const backend of backends) {
  describe(`insights rollups (${backend.name})`, () => {
    let db: Db
    let cleanup: () => Promise<void>
    const ids = new Map<string, number>()
    const data = dataset(20261124, 700, NOW)
    beforeAll(async () => {
      const opened = await backend.open()
      db = opened.database.db
      cleanup = opened.cleanup
      await insert(db, data.onTime, ids)
    }, 60_000)
    afterAll(async () => { await cleanup() })

    test('rolled-up days plus live today equal the whole-range queries, for every range and store scope', async () => {
      const n = await compareAll(db, NOW)
      expect(n).toBeGreaterThan(1000)
      const [{ days }] = await rows<{ days: number }>(db, sql`select count(*)::int as days from insights_days`)
      expect(Number(days)).toBeGreaterThan(300)
    }, 120_000)

    test('late events (replies, changed votes, handoffs, back-dated rows) refresh the days they change', async () => {
      const before = await rows<{ n: number }>(db, sql`select count(*)::int as n from insights_days`)
      await insert(db, data.late, ids)
      await compareAll(db, NOW)
      const after = await rows<{ n: number }>(db, sql`select count(*)::int as n from insights_days`)
      expect(Number(after[0].n)).toBeGreaterThanOrEqual(Number(before[0].n))
    }, 120_000)

    test('the next day: yesterday is rolled up, the new today is live, and a rerun builds nothing', async () => {
      const later = new Date(NOW.getTime() + DAY + 3 * 3600_000)
      const more = dataset(7, 60, later)
      await insert(db, [...more.onTime, ...more.late].filter((e) => e.createdAt.getTime() > NOW.getTime() - 12 * 3600_000), ids)
      await compareAll(db, later)
      const again = await planFor(db, { storeIds: ['lake'], timeZone: 'America/Chicago', from: addDays(dayIn(later, 'America/Chicago'), -29), to: dayIn(later, 'America/Chicago'), now: later })
      expect(again.live).toEqual([{ storeId: 'lake', from: dayIn(later, 'America/Chicago'), to: dayIn(later, 'America/Chicago') }])
    }, 120_000)
  })
}
