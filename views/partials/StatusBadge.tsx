import type { ConversationStatus } from '../../src/db/schema.ts'
import { STATUS_LABEL } from '../format.ts'

export function StatusBadge({ status }: { status: ConversationStatus }) {
  return <span class={`badge status-${status}`}>{STATUS_LABEL[status]}</span>
}
