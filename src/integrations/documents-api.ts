import { and, eq } from 'drizzle-orm'
import type { Services } from '../deps.ts'
import { documents } from '../db/schema.ts'
import type { Bus } from '../realtime/bus.ts'
import { validateRow } from '../search/importers/types.ts'
import { contentHash } from '../search/record.ts'
import type { SearchService } from '../search/service.ts'
import { existingMeta, upsertDocuments } from '../search/store.ts'
import { toDmsDocument, type DmsDocument, type DocumentInputData } from '../search/types.ts'

/**
 * The DMS push API's service: the same validation as `pitwall import` (validateRow, the JSONL importer's
 * check), the same content-hash skip, and the search index updated before the call returns.
 */

export const MAX_BATCH = 1000

export interface ItemIssue { field: string; message: string }
export type ItemResult =
  | { index: number; id: string; result: 'created' | 'updated' | 'unchanged' }
  | { index: number; id?: string; result: 'invalid'; errors: ItemIssue[] }

export interface UpsertReport { results: ItemResult[]; created: number; updated: number; unchanged: number; invalid: number; warnings: string[] }

type Deps = Pick<Services, 'database' | 'bus' | 'search'>

/**
 * Validates every item and applies the valid ones; invalid items are reported by index and field and change
 * nothing. An Error item stands for a JSON Lines line that did not parse.
 */
export async function upsertItems(s: Deps, storeId: string, items: unknown[]): Promise<UpsertReport> {
  const results: ItemResult[] = []
  const valid: Array<{ index: number; doc: DocumentInputData }> = []
  const seen = new Map<string, number>()
  items.forEach((item, index) => {
    if (item instanceof Error) {
      results.push({ index, result: 'invalid', errors: [{ field: 'document', message: item.message }] })
      return
    }
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      results.push({ index, result: 'invalid', errors: [{ field: 'document', message: 'each item must be a JSON object' }] })
      return
    }
    const row = validateRow(index, { source: 'api', ...(item as Record<string, unknown>) }, (p) => p)
    if (!row.doc) {
      results.push({ index, id: row.id, result: 'invalid', errors: row.issues.map((i) => ({ field: i.field ?? 'document', message: i.message })) })
      return
    }
    const first = seen.get(row.doc.id)
    if (first !== undefined) {
      results.push({ index, id: row.doc.id, result: 'invalid', errors: [{ field: 'id', message: `duplicate id in this batch (first at index ${first})` }] })
      return
    }
    seen.set(row.doc.id, index)
    valid.push({ index, doc: row.doc })
  })

  const meta = await existingMeta(s.database, valid.map((v) => v.doc.id))
  const write: Array<DmsDocument & { contentHash: string }> = []
  const now = new Date()
  for (const { index, doc } of valid) {
    const old = meta.get(doc.id)
    if (old && old.storeId !== storeId) {
      results.push({ index, id: doc.id, result: 'invalid', errors: [{ field: 'id', message: `id ${doc.id} is used by another store` }] })
      continue
    }
    const hash = contentHash({ ...doc, effectiveAt: doc.effectiveAt ?? null, expiresAt: doc.expiresAt ?? null })
    if (old?.contentHash === hash) { results.push({ index, id: doc.id, result: 'unchanged' }); continue }
    write.push({ ...toDmsDocument(doc, storeId, { source: 'api', now: old?.effectiveAt ?? now }), contentHash: hash })
    results.push({ index, id: doc.id, result: old ? 'updated' : 'created' })
  }
  const warnings: string[] = []
  if (write.length) {
    await upsertDocuments(s.database, write, now)
    await reindex(s.search, write).catch((err) => warnings.push(`search index not updated yet (${(err as Error).message}); it catches up on its next sync`))
  }
  results.sort((a, b) => a.index - b.index)
  const count = (r: ItemResult['result']) => results.filter((x) => x.result === r).length
  return { results, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), invalid: count('invalid'), warnings }
}

async function reindex(search: Promise<SearchService> | undefined, docs: DmsDocument[]) {
  if (search) await (await search).reindex(docs)
}

/** Removes a document of this store from Postgres and from every instance's search index; false when there was none. */
export async function deleteItem(s: Deps, storeId: string, id: string): Promise<boolean> {
  const gone = await s.database.db.delete(documents).where(and(eq(documents.id, id), eq(documents.storeId, storeId))).returning({ id: documents.id })
  if (!gone.length) return false
  if (s.search) await (await s.search).index.delete([id])
  // Other processes' embedded indexes learn of deletions from the bus (their periodic sync sees only updates).
  await s.bus.publish({ id: 0, storeId, conversationId: null, kind: DELETED, data: { id } }).catch(() => {})
  return true
}

const DELETED = 'document-deleted'

/** Applies other processes' deletions to this process's index. */
export function followDeletions(bus: Bus, search: Promise<SearchService> | undefined): () => void {
  return bus.subscribe((e) => {
    if (e.kind !== DELETED || !e.data?.id || !search) return
    search.then((x) => x.index.delete([e.data!.id])).catch(() => {})
  })
}

export async function getItem(s: Pick<Services, 'db'>, storeId: string, id: string) {
  const [row] = await s.db.select({
    id: documents.id, type: documents.type, title: documents.title, body: documents.body, fields: documents.fields, source: documents.source,
    effectiveAt: documents.effectiveAt, expiresAt: documents.expiresAt, updatedAt: documents.updatedAt,
  }).from(documents).where(and(eq(documents.id, id), eq(documents.storeId, storeId)))
  return row
}
