import type { DmsDocument, DocType } from './types.ts'

/** A document as an engine receives it: the stored document plus its embedding (absent when not embedded). */
export interface IndexedDocument extends DmsDocument {
  vector?: ArrayLike<number> | null
}

/** Attributes every engine can filter on (flattened from `fields`). */
export const FILTER_FIELDS = [
  'storeId', 'make', 'model', 'category', 'condition', 'status', 'brand', 'topic', 'kind', 'year', 'price',
  'fitment', 'ident', 'effectiveAt', 'expiresAt',
] as const
export type FilterField = (typeof FILTER_FIELDS)[number]
/** Attributes every engine can count in facets. */
export const FACET_FIELDS = ['type', 'make', 'category', 'condition', 'status', 'brand', 'topic', 'kind'] as const
export type FacetField = (typeof FACET_FIELDS)[number]

export interface Range { gte?: number; lte?: number; gt?: number; lt?: number }
/**
 * One value means equality, a list means any of, a range compares numbers (dates as epoch ms).
 * `fitment` takes keys built by `fitmentKey()`; `ident` takes `normalizeIdentifier()` values.
 */
export type FilterValue = string | number | string[] | Range
export type Filters = Partial<Record<FilterField, FilterValue>>

export interface SearchRequest {
  q: string
  /** Query embedding; required for any semantic contribution. */
  vector?: ArrayLike<number> | null
  type?: DocType | DocType[]
  filters?: Filters
  /** Statuses to leave out (e.g. sold, withdrawn units). */
  excludeStatus?: string[]
  facets?: FacetField[]
  limit?: number
  /** 0 = keyword only, 1 = semantic only. */
  semanticRatio?: number
}

export interface SearchHit {
  id: string
  score: number
  type: DocType
  title: string
  fields: Record<string, unknown>
  snippet?: string
  /** Set by query understanding when an identifier in the query equals one of the document's. */
  exact?: boolean
  /** Extra facts callers need to show or cite the hit. */
  storeId?: string
  effectiveAt?: string
  expiresAt?: string | null
  source?: string
}

export interface SearchResponse {
  hits: SearchHit[]
  facets?: Partial<Record<FacetField, Record<string, number>>>
  tookMs: number
}

export interface SearchHealth {
  ok: boolean
  engine: 'orama' | 'meilisearch'
  documents?: number
  /** Shown to staff (e.g. "Meilisearch unreachable: using the embedded engine"). */
  warning?: string
}

/** The one search contract: the embedded engine and Meilisearch both implement it. */
export interface SearchIndex {
  readonly engine: 'orama' | 'meilisearch'
  /** Inserts or replaces by id. */
  index(docs: IndexedDocument[]): Promise<void>
  delete(ids: string[]): Promise<void>
  search(req: SearchRequest): Promise<SearchResponse>
  health(): Promise<SearchHealth>
  /** Makes the index hold exactly these documents (batches are consumed once). */
  rebuild(batches: AsyncIterable<IndexedDocument[]> | Iterable<IndexedDocument[]>): Promise<void>
  close?(): Promise<void>
}

export const DEFAULT_LIMIT = 10
export const MAX_LIMIT = 100
export const clampLimit = (n: number | undefined) => Math.max(1, Math.min(MAX_LIMIT, Math.floor(n ?? DEFAULT_LIMIT)))
export const clampRatio = (r: number | undefined) => Math.max(0, Math.min(1, r ?? 0.5))
export const typeList = (t: SearchRequest['type']): DocType[] | undefined => (t === undefined ? undefined : Array.isArray(t) ? t : [t])
