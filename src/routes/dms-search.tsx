import { Hono } from 'hono'
import * as v from 'valibot'
import type { Services } from '../deps.ts'
import { DOC_TYPES } from '../search/types.ts'
import { SearchResults } from '../../views/partials/SearchResults.tsx'
import { describeIssues, type Env } from './middleware.ts'

const SearchQuery = v.object({
  q: v.pipe(v.optional(v.string(), ''), v.trim(), v.maxLength(200, 'must be at most 200 characters')),
  type: v.optional(v.union([v.literal(''), v.picklist(DOC_TYPES, `must be one of ${DOC_TYPES.join(', ')}`)]), ''),
})

/** The staff DMS search panel's results (mounted under /inbox, so it needs a session). */
export function dmsSearchRoutes(s: Services) {
  return new Hono<Env>().get('/search', async (c) => {
    const r = v.safeParse(SearchQuery, c.req.query())
    if (!r.success) return c.html(<SearchResults hits={[]} q="" warning={describeIssues(r.issues.map((i) => ({ field: v.getDotPath(i) ?? 'q', message: i.message })))} />, 400)
    const { q, type } = r.output
    if (!s.search) return c.html(<SearchResults hits={[]} q={q} warning="Search is not available on this server." />)
    const search = await s.search
    if (!q) return c.html(<SearchResults hits={[]} q="" />)
    const [result, health] = await Promise.all([
      search.search({ q, storeId: c.get('staff').storeId, type: type || undefined, limit: 8, now: s.now() }),
      search.health(),
    ])
    return c.html(<SearchResults hits={result.hits} q={q} warning={health.warning} />)
  })
}
