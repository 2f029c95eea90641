import type { Conversation } from '../../src/conversations/store.ts'
import { Options } from './Options.tsx'

/** Staff change a conversation's tags and priority; the choices come from the rules file. */
export function LabelEditor({ c, priorities, tags }: { c: Conversation; priorities: string[]; tags: string[] }) {
  return (
    <form id="labels" class="labels" hx-post={`/inbox/${c.id}/labels`} hx-swap="outerHTML">
      <label>Priority
        <select name="priority">
          <option value="">none</option>
          <Options choices={[...new Set([...priorities, ...(c.priority ? [c.priority] : [])])]} value={c.priority} />
        </select>
      </label>
      <label class="grow">Tags <input name="tags" value={c.tags.join(', ')} list="known-tags" placeholder="financing, trade-in" /></label>
      <datalist id="known-tags">{tags.map((t) => <option value={t} />)}</datalist>
      <button type="submit" class="secondary">Save</button>
    </form>
  )
}
