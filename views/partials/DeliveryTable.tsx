import type { Delivery } from '../../src/integrations/deliveries.ts'

/** Passwords in a CRM URL (https://user:pass@crm/…) are not shown to everyone who opens the log. */
export const displayTarget = (t: string) => t.replace(/\/\/[^/@\s]+@/, '//•••@')

const when = (d: Date | null, timeZone: string) =>
  d ? d.toLocaleString('en-US', { timeZone, month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' }) : ''

/** The delivery log: one row an outbound webhook or lead, with its latest outcome and a Retry for failures. */
export function DeliveryTable({ rows, timeZone, retry = true }: { rows: Delivery[]; timeZone: string; retry?: boolean }) {
  if (!rows.length) return <p class="sub">Nothing has been sent yet.</p>
  return (
    <table class="grid deliveries">
      <thead><tr><th>Created</th><th>Channel</th><th>Event</th><th>Target</th><th>Status</th><th>Attempts</th><th>Last result</th><th>Next / delivered</th>{retry && <th></th>}</tr></thead>
      <tbody>
        {rows.map((d) => (
          <tr id={`delivery-${d.id}`} class={`delivery ${d.status}`}>
            <td>{when(d.createdAt, timeZone)}</td>
            <td>{d.channel}</td>
            <td>{d.event}{d.conversationId && <> · <a href={`/inbox/${d.conversationId}`}>chat</a></>}</td>
            <td class="target">{displayTarget(d.target)}</td>
            <td><span class={`badge delivery-${d.status}`}>{d.status}</span></td>
            <td>{d.attempts}</td>
            <td>{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : d.status === 'delivered' ? 'OK' : '')}</td>
            <td>{d.status === 'delivered' ? when(d.deliveredAt, timeZone) : d.status === 'failed' ? '' : when(d.nextAttemptAt, timeZone)}</td>
            {retry && <td>{d.status === 'failed' && (
              <form method="post" action={`/settings/deliveries/${d.id}/retry`}><button class="secondary" type="submit">Retry</button></form>
            )}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
