import { DOC_TYPES } from '../../src/search/types.ts'

/** DMS search beside the conversation: units, parts, bulletins, recalls, guides, policies. */
export function SearchPanel() {
  return (
    <aside class="panel dms" aria-label="DMS search">
      <h2>DMS search</h2>
      <form hx-get="/inbox/search" hx-target="#dms-results" hx-swap="outerHTML" hx-trigger="submit, input changed delay:400ms from:find input[name=q]" role="search">
        <input type="search" name="q" placeholder="VIN, stock #, part #, or a question" maxlength={200} />
        <select name="type" aria-label="Type">
          <option value="">All types</option>
          {DOC_TYPES.map((t) => <option value={t}>{t.replace('_', ' ')}</option>)}
        </select>
      </form>
      <div id="dms-results" class="dms-results"></div>
    </aside>
  )
}
