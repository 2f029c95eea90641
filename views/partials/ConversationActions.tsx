import type { Conversation } from '../../src/conversations/store.ts'
import { canDo } from '../../src/conversations/state.ts'
import { Options } from './Options.tsx'

/** Claim / hand back / close / transfer for one conversation; buttons appear only for allowed moves. */
export function ConversationActions({ c, departments, meId }: { c: Conversation; departments: string[]; meId: string }) {
  const base = `/inbox/${c.id}`
  return (
    <div id="conv-actions" class="actions" hx-target:inherited="#conv-actions" hx-swap:inherited="outerHTML">
      {canDo(c.status, 'claim') && <button hx-post={`${base}/claim`}>Claim</button>}
      {c.status === 'claimed' && c.assigneeId === meId && <span class="mine">You own this chat</span>}
      {canDo(c.status, 'hand_back') && <button class="secondary" hx-post={`${base}/hand-back`}>Hand back to AI</button>}
      {canDo(c.status, 'transfer') && (
        <form class="inline" hx-post={`${base}/transfer`}>
          <label class="sr-only" for="transfer-dept">Transfer to department</label>
          <select id="transfer-dept" name="department"><Options choices={departments} value={c.department} /></select>
          <button class="secondary" type="submit">Transfer</button>
        </form>
      )}
      {canDo(c.status, 'close') && <button class="secondary" hx-post={`${base}/close`}>Close</button>}
    </div>
  )
}
