import type { Conversation } from '../../src/conversations/store.ts'

/** Staff change a conversation's tags and priority; the choices come from the rules file. */
export function LabelEditor({ c, priorities, tags }: { c: Conversation; priorities: string[]; tags: string[] }) {
  return (
    <form id="labels" class="labels" hx-post={`/inbox/${c.id}/labels`} hx-swap="outerHTML">
      <label>Priority
        <select name="priority">
          <option value="">none</option>
          {[...new Set([...priorities, ...(c.priority ? [c.priority] : [])])].map((p) => <option value={p} selected={p === c.priority}>{p}</option>)}
        </select>
      </label>
      <label class="grow">Tags <input name="tags" value={c.tags.join(', ')} list="known-tags" placeholder="financing, trade-in" /></label>
      <datalist id="known-tags">{tags.map((t) => <option value={t} />)}</datalist>
      <button type="submit" class="secondary">Save</button>
    </form>
  )
}
