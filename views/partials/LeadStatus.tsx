import type { Delivery } from '../../src/integrations/deliveries.ts'
import { displayTarget } from './DeliveryTable.tsx'

/** On the conversation page: whether this chat's lead reached the CRM (loaded by htmx after the page). */
export function LeadStatus({ rows, admin }: { rows: Delivery[]; admin: boolean }) {
  if (!rows.length) return <section id="lead-status" class="panel lead-status" hidden></section>
  return (
    <section id="lead-status" class="panel lead-status">
      <h2>CRM lead</h2>
      <ul>
        {rows.map((d) => (
          <li>
            <span class={`badge delivery-${d.status}`}>{d.status}</span> {d.channel === 'lead-email' ? 'emailed to' : 'posted to'} {displayTarget(d.target)}
            {d.attempts > 1 && ` after ${d.attempts} attempts`}{d.status !== 'delivered' && d.lastError && ` — ${d.lastError}`}
          </li>
        ))}
      </ul>
      {admin && <p class="sub"><a href="/settings/deliveries">Delivery log</a></p>}
    </section>
  )
}
