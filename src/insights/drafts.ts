import { randomUUID } from 'node:crypto'
import { and, desc, eq, sql } from 'drizzle-orm'
import * as v from 'valibot'
import type { Database } from '../db/client.ts'
import { documents } from '../db/schema.ts'
import { NotFound } from '../conversations/store.ts'
import { contentHash } from '../search/record.ts'
import { upsertDocuments } from '../search/store.ts'
import { parseDocument, type DmsDocument } from '../search/types.ts'

/**
 * "Add an answer": an FAQ or policy document started from a question riders keep asking. It is stored
 * with `fields.draft = true`, which the search loader skips, so nothing answers from it until published.
 */

export const DRAFT_TYPES = ['faq', 'policy'] as const
const text = (max: number, field: string) => v.pipe(v.string(`${field} is required`), v.trim(), v.maxLength(max, `must be at most ${max} characters`))

export const NewDraftInput = v.object({
  question: v.pipe(text(300, 'question'), v.minLength(1, 'must not be empty')),
  type: v.optional(v.picklist(DRAFT_TYPES, 'must be faq or policy'), 'faq'),
})

export const DraftForm = v.object({
  type: v.picklist(DRAFT_TYPES, 'must be faq or policy'),
  title: v.pipe(text(300, 'title'), v.minLength(1, 'must not be empty')),
  question: v.optional(text(300, 'question'), ''),
  topic: v.optional(text(60, 'topic'), ''),
  body: v.optional(v.pipe(v.string(), v.maxLength(200_000, 'is too long')), ''),
  action: v.optional(v.picklist(['save', 'publish'], 'must be save or publish'), 'save'),
})
export type DraftFormData = v.InferOutput<typeof DraftForm>

export interface Draft { id: string; type: string; title: string; body: string; question: string; topic: string; draft: boolean; updatedAt: Date }

const str = (x: unknown) => (typeof x === 'string' ? x : '')
const toDraft = (r: { id: string; type: string; title: string; body: string; fields: Record<string, unknown>; updatedAt: Date }): Draft => ({
  id: r.id, type: r.type, title: r.title, body: r.body, question: str(r.fields.question), topic: str(r.fields.topic), draft: r.fields.draft === true, updatedAt: r.updatedAt,
})

export async function createDraft(database: Database, storeId: string, input: v.InferOutput<typeof NewDraftInput>, now: Date): Promise<string> {
  const id = `answer-${randomUUID().slice(0, 8)}`
  const fields = { question: input.question, draft: true, ...(input.type === 'policy' ? { topic: '' } : {}) }
  const doc = { id, storeId, type: input.type, title: input.question, body: '', fields, source: 'insights', effectiveAt: now, expiresAt: null }
  await upsertDocuments(database, [{ ...doc, contentHash: contentHash(doc) }], now)
  return id
}

export async function listDrafts(database: Database, storeIds: string[]): Promise<Draft[]> {
  const rows = await database.db.select({ id: documents.id, type: documents.type, title: documents.title, body: documents.body, fields: documents.fields, updatedAt: documents.updatedAt })
    .from(documents)
    .where(and(inStores(storeIds), sql`${documents.fields}->>'draft' = 'true'`))
    .orderBy(desc(documents.updatedAt)).limit(50)
  return rows.map(toDraft)
}

/** A document started from insights in one of the given stores (published ones too, shown read-only). */
export async function getDraft(database: Database, storeIds: string[], id: string): Promise<Draft & { storeId: string }> {
  const [r] = await database.db.select({ id: documents.id, storeId: documents.storeId, type: documents.type, title: documents.title, body: documents.body, fields: documents.fields, updatedAt: documents.updatedAt })
    .from(documents).where(and(eq(documents.id, id), inStores(storeIds), eq(documents.source, 'insights')))
  if (!r) throw new NotFound(`document ${id} not found`)
  return { ...toDraft(r), storeId: r.storeId }
}

const inStores = (ids: string[]) => sql`${documents.storeId} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`

export class DraftInvalid extends Error {}

/**
 * Saves the form; `publish` validates the document as the importers do (a policy needs a topic, an answer
 * needs a body), clears the draft flag and returns the document for the search index.
 */
export async function saveDraft(database: Database, storeIds: string[], id: string, form: DraftFormData, now: Date): Promise<{ doc: DmsDocument; published: boolean }> {
  const current = await getDraft(database, storeIds, id)
  const storeId = current.storeId
  // A published answer is in the search index; turning it back into a draft would leave it answering.
  if (!current.draft) throw new DraftInvalid('this answer is already published')
  const publish = form.action === 'publish'
  if (publish && !form.body.trim()) throw new DraftInvalid('body: write the answer before publishing')
  const fields: Record<string, unknown> = { ...(form.question ? { question: form.question } : {}), ...(form.topic ? { topic: form.topic } : {}) }
  const input = { id, type: form.type, title: form.title, body: form.body, fields }
  if (publish) {
    const parsed = parseDocument(input)
    if (!parsed.ok) throw new DraftInvalid(parsed.issues.map((i) => `${i.field}: ${i.message}`).join('; '))
  }
  const doc: DmsDocument = {
    id, storeId, type: form.type, title: form.title, body: form.body,
    fields: publish ? fields : { ...fields, draft: true }, source: 'insights', effectiveAt: publish ? now : current.updatedAt, expiresAt: null,
  }
  await upsertDocuments(database, [{ ...doc, contentHash: contentHash(doc) }], now)
  return { doc, published: publish }
}
