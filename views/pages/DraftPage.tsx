import { Layout } from '../Layout.tsx'
import type { Draft } from '../../src/insights/drafts.ts'
import { Options } from '../partials/Options.tsx'

/** Edit an answer draft, then publish it into the search index the AI answers from. */
export function DraftPage({ me, draft, error, notice }: { me: { name: string; role: string }; draft: Draft; error?: string; notice?: string }) {
  return (
    <Layout title={`${draft.draft ? 'Draft' : 'Published'}: ${draft.title} · Pitwall`} staff={me}>
      <main class="admin draft">
        <p><a href="/insights#drafts">← Insights</a></p>
        <h1>{draft.draft ? 'Answer draft' : 'Published answer'}</h1>
        {notice && <p class="notice" role="status">{notice}</p>}
        {error && <p class="error" role="alert">{error}</p>}
        {!draft.draft && <p>This answer is live: the AI can cite it. Later changes go through the DMS import like any document.</p>}
        <form method="post" action={`/insights/drafts/${draft.id}`} class="stack">
          <fieldset disabled={!draft.draft}>
            <label>Type
              <select name="type"><Options choices={[['faq', 'FAQ'], ['policy', 'Policy']]} value={draft.type} /></select>
            </label>
            <label>Title <input name="title" value={draft.title} required maxlength={300} /></label>
            <label>Question riders ask <input name="question" value={draft.question} maxlength={300} /></label>
            <label>Topic (required for a policy) <input name="topic" value={draft.topic} maxlength={60} /></label>
            <label>Answer <textarea name="body" rows={10}>{draft.body}</textarea></label>
            <div class="actions">
              <button type="submit" name="action" value="save" class="secondary">Save draft</button>
              <button type="submit" name="action" value="publish">Publish</button>
            </div>
          </fieldset>
        </form>
      </main>
    </Layout>
  )
}
