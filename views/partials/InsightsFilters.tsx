import type { InsightsFilter } from '../../src/insights/range.ts'
import type { StoreOption } from '../../src/insights/service.ts'
import { Options } from './Options.tsx'

/** Date range, bucket and store: a plain GET form, so every view of the page is a shareable URL. */
export function InsightsFilters({ filter, stores, error }: { filter: InsightsFilter; stores: StoreOption[]; error?: string }) {
  return (
    <form method="get" action="/insights" class="insights-filters">
      <label>From <input type="date" name="from" value={filter.from} required /></label>
      <label>To <input type="date" name="to" value={filter.to} required /></label>
      <label>Per
        <select name="bucket"><Options choices={['day', 'week']} value={filter.bucket} /></select>
      </label>
      <label>Store
        <select name="store">
          <Options choices={[...(stores.length > 1 ? [['all', 'All stores'] as const] : []), ...stores.map((st) => [st.id, st.name] as const)]} value={filter.store} />
        </select>
      </label>
      <button type="submit">Apply</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  )
}
