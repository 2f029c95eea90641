import type { InboxQuery, InboxView } from '../../src/conversations/store.ts'
import { Options } from './Options.tsx'

export interface FilterChoices { departments: string[]; priorities: string[]; tags: string[] }

/** Department / tag / priority filters and transcript search; a plain GET form, so links can be shared. */
export function InboxFilters({ view, q, choices }: { view: InboxView; q: InboxQuery; choices: FilterChoices }) {
  const select = (name: string, label: string, options: string[], value?: string) => (
    <label>{label}
      <select name={name}>
        <option value="">Any</option>
        <Options choices={options} value={value} />
      </select>
    </label>
  )
  return (
    <form class="filters" method="get" action="/inbox" role="search">
      <input type="hidden" name="view" value={view} />
      {select('department', 'Department', choices.departments, q.department)}
      {select('priority', 'Priority', choices.priorities, q.priority)}
      {select('tag', 'Tag', choices.tags, q.tag)}
      <label class="grow">Search transcripts <input type="search" name="q" value={q.q ?? ''} placeholder="VIN, part number, words…" /></label>
      <button type="submit" class="secondary">Filter</button>
    </form>
  )
}
