import type { InboxView } from '../../src/conversations/store.ts'

const LABELS: [InboxView, string][] = [['needs', 'Needs a person'], ['mine', 'Mine'], ['bot', 'Bot handling'], ['closed', 'Closed'], ['all', 'All']]

/** View tabs with live counts; links keep the current filters. */
export function InboxTabs({ current, counts, filterQuery }: { current: InboxView; counts: Record<InboxView, number>; filterQuery: string }) {
  return (
    <nav id="inbox-tabs" class="tabs" aria-label="Inbox views">
      {LABELS.map(([view, label]) => (
        <a href={`/inbox?view=${view}${filterQuery ? `&${filterQuery}` : ''}`} class={view === current ? 'tab active' : 'tab'} aria-current={view === current ? 'page' : undefined}>
          {label} <span class={`count${view === 'needs' && counts.needs > 0 ? ' hot' : ''}`}>{counts[view]}</span>
        </a>
      ))}
    </nav>
  )
}
