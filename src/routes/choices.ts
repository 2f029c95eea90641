import type { Services } from '../deps.ts'
import { getStore } from '../conversations/store.ts'
import type { FilterChoices } from '../../views/partials/InboxFilters.tsx'
import type { CannedReply } from '../../views/partials/ReplyForm.tsx'

/** Filter options: departments of the store, priorities and tags of the active rules. */
export async function filterChoices(s: Services, storeId: string): Promise<FilterChoices> {
  const store = await getStore(s.db, storeId)
  const rules = s.rules?.()
  return {
    departments: store.settings.departments.map((d) => d.name),
    priorities: rules?.priorities.map((p) => p.id) ?? [],
    tags: rules?.tags.map((t) => t.id) ?? [],
  }
}

/** First-response targets in minutes by priority id, from the active rules. */
export function priorityTargets(s: Services): Record<string, number> {
  return Object.fromEntries((s.rules?.().priorities ?? []).map((p) => [p.id, p.firstResponseMinutes]))
}

/** Canned replies of the store, the conversation's department first. */
export async function cannedReplies(s: Services, storeId: string, department?: string | null): Promise<CannedReply[]> {
  const all = (await getStore(s.db, storeId)).settings.cannedReplies ?? []
  return [...all].sort((a, b) => Number(b.department === department) - Number(a.department === department))
}
