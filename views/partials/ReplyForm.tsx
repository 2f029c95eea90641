import { MessageForm } from './MessageForm.tsx'

export interface CannedReply { department: string; title: string; body: string }

/** Staff reply box; like the rider's composer it carries a one-time client id. Notes stay internal. */
export function ReplyForm({ conversationId, clientId, error, value, canned = [], note }: {
  conversationId: string; clientId: string; error?: string; value?: string; canned?: CannedReply[]; note?: string
}) {
  return (
    <MessageForm id="reply" action={`/inbox/${conversationId}/reply`} label="Reply" rows={3} placeholder="Reply to the rider…"
      clientId={clientId} error={error} value={value}>
      <div class="reply-tools">
        <label class="check"><input type="checkbox" name="internal" value="1" /> Internal note (the rider won't see it)</label>
        <button type="button" class="secondary" hx-post={`/inbox/${conversationId}/suggest`} hx-target="#reply" hx-swap="outerHTML">Suggest a reply</button>
        {note && <span class="assist-note">{note}</span>}
        {canned.length > 0 && (
          <label>Canned reply{' '}
            <select class="canned" data-target="reply-body">
              <option value="">Choose…</option>
              {canned.map((r) => <option value={r.body}>{r.department}: {r.title}</option>)}
            </select>
          </label>
        )}
      </div>
    </MessageForm>
  )
}
