import type { InsightsFilter } from '../../src/insights/range.ts'
import type { StoreOption } from '../../src/insights/service.ts'

/** Date range, bucket and store: a plain GET form, so every view of the page is a shareable URL. */
export function InsightsFilters({ filter, stores, error }: { filter: InsightsFilter; stores: StoreOption[]; error?: string }) {
  return (
    <form method="get" action="/insights" class="insights-filters">
      <label>From <input type="date" name="from" value={filter.from} required /></label>
      <label>To <input type="date" name="to" value={filter.to} required /></label>
      <label>Per
        <select name="bucket">
          <option value="day" selected={filter.bucket === 'day'}>day</option>
          <option value="week" selected={filter.bucket === 'week'}>week</option>
        </select>
      </label>
      <label>Store
        <select name="store">
          {stores.length > 1 && <option value="all" selected={filter.store === 'all'}>All stores</option>}
          {stores.map((st) => <option value={st.id} selected={filter.store === st.id}>{st.name}</option>)}
        </select>
      </label>
      <button type="submit">Apply</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  )
}
