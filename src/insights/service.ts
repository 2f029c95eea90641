import { asc } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { stores } from '../db/schema.ts'
import {
  breachChart, heatmap, pivot, ratingSummary, resolutionChart, sortByPriority,
  type RatingSummary, type ResolutionSummary, type SeriesChart,
} from './aggregate.ts'
import { groupQuestions, type QuestionGroup } from './group.ts'
import {
  breaches, conversationStarts, figures, firstResponse, handoffs, ratingCounts, unanswered,
  type HandoffDimension, type ResponseRow, type Scope,
} from './queries.ts'
import { planFor } from './rollup.ts'
import { bucketLabels, FilterInput, resolveFilter, type InsightsFilter } from './range.ts'
import * as v from 'valibot'
import {
  answerRatingsTable, breachTable, chatRatingsTable, hoursGridTable, hoursTable, keyedTable, resolutionTable, responseTable, seriesTable, unansweredTable,
  type Table, type TableName,
} from './tables.ts'

/** Who may open /insights: admins and managers (staff work the inbox only). */
export const seesInsights = (role: string) => role === 'admin' || role === 'manager'

/** The default of the rules' `low_confidence` condition: answers below it count as unanswered. */
export const LOW_CONFIDENCE = 0.35

export interface StoreOption { id: string; name: string; timezone: string }

/**
 * Stores a viewer may chart. One deployment serves one dealer: its admins see every store (rooftop)
 * and "all stores"; a manager sees their own store.
 */
export async function visibleStores(db: Db, me: { storeId: string; role: string }): Promise<StoreOption[]> {
  const all = await db.select({ id: stores.id, name: stores.name, timezone: stores.timezone }).from(stores).orderBy(asc(stores.name))
  return me.role === 'admin' ? all : all.filter((st) => st.id === me.storeId)
}

export class NotVisible extends Error {}

/** The query scope for a filter ("all" is every visible store); a store the viewer may not see is refused. */
export function scopeFor(filter: InsightsFilter, visible: StoreOption[], home: string, now: Date): Scope {
  const ids = filter.store === 'all' ? visible.map((st) => st.id) : visible.filter((st) => st.id === filter.store).map((st) => st.id)
  if (!ids.length) throw new NotVisible(`store: '${filter.store}' is not a store you can see`)
  const tzStore = visible.find((st) => st.id === (filter.store === 'all' ? home : filter.store)) ?? visible[0]
  return { storeIds: ids, from: filter.from, to: filter.to, bucket: filter.bucket, timeZone: tzStore.timezone, now, lowConfidence: LOW_CONFIDENCE }
}

export type Viewer = { storeId: string; role: string }
export type ViewerScope =
  | { ok: true; filter: InsightsFilter; stores: StoreOption[]; scope: Scope; timeZone: string }
  | { ok: false; status: 400 | 403; error: string }

/** Query string -> checked filter -> the stores and time zone it covers; errors name the field. */
export async function viewerScope(db: Db, me: Viewer, query: Record<string, string>, now: Date): Promise<ViewerScope> {
  const parsed = v.safeParse(FilterInput, query)
  if (!parsed.success) return { ok: false, status: 400, error: parsed.issues.map((i) => `${v.getDotPath(i) ?? 'query'}: ${i.message}`).join('; ') }
  const stores = await visibleStores(db, me)
  const home = stores.find((st) => st.id === me.storeId) ?? stores[0]
  if (!home) return { ok: false, status: 403, error: 'store: no store to show' }
  const r = resolveFilter(parsed.output, { now, timeZone: home.timezone, defaultStore: home.id })
  if (!r.ok) return { ok: false, status: 400, error: r.error }
  try {
    const scope = scopeFor(r.filter, stores, home.id, now)
    return { ok: true, filter: r.filter, stores, scope, timeZone: scope.timeZone }
  } catch (err) {
    if (err instanceof NotVisible) return { ok: false, status: 403, error: err.message }
    throw err
  }
}

export interface Insights {
  buckets: string[]
  handoffs: Record<HandoffDimension, SeriesChart>
  resolution: ResolutionSummary
  response: ResponseRow[]
  breaches: SeriesChart
  hours: number[][]
  unanswered: QuestionGroup[]
  ratings: RatingSummary
  /** The page's table under each chart (compact: what the chart shows); CSV downloads come from `loadTable`. */
  tables: Record<TableName, Table>
}

/** Brings the rollups up to date and fixes which days the queries read from them (rollup.ts). */
export const withPlan = async (db: Db, q: Scope): Promise<Scope> => ({ ...q, plan: await planFor(db, q) })

/** Everything the page shows: one statement over daily facts (rolled-up days + today live) and the unanswered questions. */
export async function loadInsights(db: Db, scope: Scope, priorityOrder: string[]): Promise<Insights> {
  const q = await withPlan(db, scope)
  const buckets = bucketLabels(q)
  // PGlite runs one query at a time anyway; on PostgreSQL the unanswered questions come on a second connection.
  const [all, unans] = await Promise.all([figures(db, q), unanswered(db, q)])
  const { handoffs: handed, starts, response: resp, breaches: br, ratings: rat } = all
  const { tag, department, rule } = handed
  const { resolution: res, hours: hrs } = starts
  const groups = groupQuestions(unans)
  const ratings = ratingSummary(rat, buckets)
  const response = sortByPriority(resp, priorityOrder)
  const charts = { tag: pivot(tag, buckets), department: pivot(department, buckets), rule: pivot(rule, buckets) }
  const resolution = resolutionChart(res, buckets), breachesChart = breachChart(br, buckets, priorityOrder), hours = heatmap(hrs)
  return {
    buckets, handoffs: charts, resolution, response, breaches: breachesChart, hours, unanswered: groups, ratings,
    // What each chart shows, compactly (a period per row); the CSV export has the full tables.
    tables: {
      'handoffs-by-tag': seriesTable(charts.tag),
      'handoffs-by-department': seriesTable(charts.department),
      'handoffs-by-rule': seriesTable(charts.rule),
      resolution: seriesTable(resolution),
      'first-response': responseTable(response),
      'sla-breaches': seriesTable(breachesChart),
      'busiest-hours': hoursGridTable(hours),
      'unanswered-questions': unansweredTable(groups),
      'answer-ratings': seriesTable(ratings.answers),
      'chat-ratings': chatRatingsTable(ratings.stars),
    },
  }
}

/** One table for a CSV download, running only the query behind it. */
export async function loadTable(db: Db, scope: Scope, name: TableName, priorityOrder: string[]): Promise<Table> {
  const q = name === 'unanswered-questions' ? scope : await withPlan(db, scope)
  switch (name) {
    case 'handoffs-by-tag': return keyedTable('tag', (await handoffs(db, q)).tag)
    case 'handoffs-by-department': return keyedTable('department', (await handoffs(db, q)).department)
    case 'handoffs-by-rule': return keyedTable('rule', (await handoffs(db, q)).rule)
    case 'resolution': return resolutionTable((await conversationStarts(db, q)).resolution)
    case 'first-response': return responseTable(sortByPriority(await firstResponse(db, q), priorityOrder))
    case 'sla-breaches': return breachTable(await breaches(db, q))
    case 'busiest-hours': return hoursTable((await conversationStarts(db, q)).hours)
    case 'unanswered-questions': return unansweredTable(groupQuestions(await unanswered(db, q)))
    case 'answer-ratings': return answerRatingsTable(await ratingCounts(db, q))
    case 'chat-ratings': return chatRatingsTable(ratingSummary(await ratingCounts(db, q), []).stars)
  }
}
