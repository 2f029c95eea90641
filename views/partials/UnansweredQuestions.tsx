import type { QuestionGroup } from '../../src/insights/group.ts'

/** Questions the AI answered with low confidence, grouped; each group can start an FAQ or policy draft. */
export function UnansweredQuestions({ groups, timeZone, csvHref, storeId }: { groups: QuestionGroup[]; timeZone: string; csvHref: string; storeId?: string }) {
  return (
    <section class="chart" id="unanswered" aria-labelledby="unanswered-h">
      <h2 id="unanswered-h">Top unanswered questions</h2>
      <p class="note">Rider questions the AI answered with low confidence, grouped by similar wording. Add an answer to close the gap.</p>
      {groups.length === 0 && <p>None in this range.</p>}
      <ol class="unanswered">
        {groups.slice(0, 15).map((g) => (
          <li>
            <p class="q"><strong>{g.representative}</strong> <span class="count">asked {g.count}×</span>, last {g.lastAsked.toLocaleString('en-US', { timeZone, month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })}</p>
            {g.examples.length > 0 && <ul class="wordings">{g.examples.map((e) => <li>{e}</li>)}</ul>}
            <form method="post" action="/insights/drafts" class="inline">
              <input type="hidden" name="question" value={g.representative} />
              {storeId && <input type="hidden" name="store" value={storeId} />}
              <select name="type" aria-label="Document type"><option value="faq">FAQ</option><option value="policy">Policy</option></select>
              <button type="submit" class="secondary">Add an answer</button>
            </form>
          </li>
        ))}
      </ol>
      <a href={csvHref} download>Download CSV</a>
    </section>
  )
}
