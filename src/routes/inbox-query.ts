import * as v from 'valibot'
import { INBOX_VIEWS, type InboxQuery, type InboxView } from '../conversations/store.ts'

const Id = v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[a-z0-9_-]{0,40}$/, 'must be an id (letters, digits, - and _)')))
const InboxParams = v.object({
  view: v.optional(v.picklist(INBOX_VIEWS, `view must be one of ${INBOX_VIEWS.join(', ')}`), 'needs'),
  department: Id,
  priority: Id,
  tag: Id,
  // PostgreSQL text cannot hold NUL, so a search containing one is dropped like any other invalid value.
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, 'q must be at most 200 characters'), v.excludes('\u0000', 'q must not contain NUL'))),
})

export interface ParsedInboxQuery { view: InboxView; query: InboxQuery; filterQuery: string }

/** Reads ?view=&department=&priority=&tag=&q=; an invalid value is dropped rather than failing the page. */
export function parseInboxQuery(params: Record<string, string>): ParsedInboxQuery {
  const r = v.safeParse(InboxParams, params)
  const p = r.success ? r.output : { view: 'needs' as const }
  const filters = Object.fromEntries(
    (['department', 'priority', 'tag', 'q'] as const).map((k) => [k, (p as Record<string, string | undefined>)[k] || undefined]).filter(([, val]) => val),
  ) as Pick<InboxQuery, 'department' | 'priority' | 'tag' | 'q'>
  return { view: p.view, query: { view: p.view, ...filters }, filterQuery: new URLSearchParams(filters as Record<string, string>).toString() }
}
