import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { documents, stores } from '../db/schema.ts'
import type { IndexedDocument } from './contract.ts'
import { embedWithCache, type Embedder, type VectorCache } from './embedder.ts'
import { embeddingText } from './record.ts'
import type { DmsDocument, DocType } from './types.ts'

/** Postgres side of search: documents are the source of truth; engines are rebuilt from here. */

export interface StoredMeta { storeId: string; contentHash: string; effectiveAt: Date; type: string; fields: Record<string, unknown> }

const columns = {
  id: documents.id, storeId: documents.storeId, type: documents.type, title: documents.title, body: documents.body,
  fields: documents.fields, source: documents.source, effectiveAt: documents.effectiveAt, expiresAt: documents.expiresAt,
  updatedAt: documents.updatedAt,
}

type Row = { [K in keyof typeof columns]: unknown }
const toDoc = (r: Row): DmsDocument & { updatedAt: Date } => ({
  id: r.id as string, storeId: r.storeId as string, type: r.type as DocType, title: r.title as string, body: r.body as string,
  fields: (r.fields ?? {}) as Record<string, unknown>, source: r.source as string, effectiveAt: r.effectiveAt as Date,
  expiresAt: (r.expiresAt as Date | null) ?? null, updatedAt: r.updatedAt as Date,
})

/** Every stored document in id order, a page at a time (optionally one store, or only those updated after `since`). */
export async function* loadDocuments(database: Database, opts: { storeId?: string; since?: Date; pageSize?: number } = {}): AsyncGenerator<Array<DmsDocument & { updatedAt: Date }>> {
  let after = ''
  for (;;) {
    // Drafts ("add an answer" from insights) are never searchable until published.
    const conds: SQL[] = [gt(documents.id, after), sql`(${documents.fields}->>'draft') is distinct from 'true'`]
    if (opts.storeId) conds.push(eq(documents.storeId, opts.storeId))
    if (opts.since) conds.push(gt(documents.updatedAt, opts.since))
    const page = await database.db.select(columns).from(documents).where(and(...conds)).orderBy(asc(documents.id)).limit(opts.pageSize ?? 1000)
    if (!page.length) return
    yield page.map(toDoc)
    after = page[page.length - 1].id
  }
}

/** Attaches cached (or freshly computed) vectors. */
export async function withVectors(embedder: Embedder, cache: VectorCache, docs: DmsDocument[]): Promise<{ docs: IndexedDocument[]; computed: number }> {
  const { vectors, computed } = await embedWithCache(embedder, cache, docs.map(embeddingText))
  return { docs: docs.map((d, i) => ({ ...d, vector: vectors[i] })), computed }
}

/** Documents with vectors, page by page: what a rebuild consumes. */
export async function* indexedDocuments(database: Database, embedder: Embedder, cache: VectorCache, opts: { storeId?: string; since?: Date } = {}): AsyncGenerator<IndexedDocument[]> {
  for await (const page of loadDocuments(database, opts)) yield (await withVectors(embedder, cache, page)).docs
}

export async function existingMeta(database: Database, ids: string[]): Promise<Map<string, StoredMeta>> {
  const out = new Map<string, StoredMeta>()
  for (let i = 0; i < ids.length; i += 1000) {
    const r = await database.db
      .select({ id: documents.id, storeId: documents.storeId, contentHash: documents.contentHash, effectiveAt: documents.effectiveAt, type: documents.type, fields: documents.fields })
      .from(documents).where(inArray(documents.id, ids.slice(i, i + 1000)))
    for (const x of r) out.set(x.id, { storeId: x.storeId, contentHash: x.contentHash, effectiveAt: x.effectiveAt, type: x.type, fields: x.fields })
  }
  return out
}

const excluded = (col: string) => sql.raw(`excluded.${col}`)

/** Inserts or replaces by id; a row owned by another store is left alone (the caller checks first). */
export async function upsertDocuments(database: Database, docs: Array<DmsDocument & { contentHash: string }>, now = new Date()): Promise<void> {
  for (let i = 0; i < docs.length; i += 500) {
    await database.db.insert(documents).values(docs.slice(i, i + 500).map((d) => ({
      id: d.id, storeId: d.storeId, type: d.type, title: d.title, body: d.body, fields: d.fields, source: d.source,
      effectiveAt: d.effectiveAt, expiresAt: d.expiresAt, contentHash: d.contentHash, createdAt: now, updatedAt: now,
    }))).onConflictDoUpdate({
      target: documents.id,
      set: {
        type: excluded('type'), title: excluded('title'), body: excluded('body'), fields: excluded('fields'), source: excluded('source'),
        effectiveAt: excluded('effective_at'), expiresAt: excluded('expires_at'), contentHash: excluded('content_hash'), updatedAt: excluded('updated_at'),
      },
      setWhere: sql`${documents.storeId} = excluded.store_id`,
    })
  }
}

/** Units of a store that a full feed no longer lists and that are not already sold or withdrawn. */
export async function unitsToWithdraw(database: Database, storeId: string, keep: Set<string>): Promise<Array<DmsDocument & { updatedAt: Date }>> {
  const out: Array<DmsDocument & { updatedAt: Date }> = []
  for await (const page of loadDocuments(database, { storeId })) {
    for (const d of page) {
      if (d.type !== 'unit' || keep.has(d.id)) continue
      const status = d.fields.status
      if (status === 'sold' || status === 'withdrawn') continue
      out.push(d)
    }
  }
  return out
}

export async function ensureStore(database: Database, storeId: string, name?: string): Promise<void> {
  await database.db.insert(stores).values({ id: storeId, name: name ?? storeId }).onConflictDoNothing()
}

export async function latestUpdate(database: Database): Promise<Date | undefined> {
  const [r] = await database.db.select({ at: sql<string | Date | null>`max(${documents.updatedAt})` }).from(documents)
  return r?.at ? new Date(r.at) : undefined
}

export type { DocType }
