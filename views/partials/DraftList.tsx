import type { Draft } from '../../src/insights/drafts.ts'

/** Answers started from insights and not yet published (search ignores them until then). */
export function DraftList({ drafts }: { drafts: Draft[] }) {
  return (
    <section class="chart" id="drafts" aria-labelledby="drafts-h">
      <h2 id="drafts-h">Answer drafts</h2>
      {drafts.length === 0 ? <p>No drafts. Use "Add an answer" on an unanswered question.</p> : (
        <ul>
          {drafts.map((d) => <li><a href={`/insights/drafts/${d.id}`}>{d.title}</a> <span class="tag">{d.type}</span></li>)}
        </ul>
      )}
    </section>
  )
}
