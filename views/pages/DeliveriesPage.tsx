import type { Delivery } from '../../src/integrations/deliveries.ts'
import { Layout } from '../Layout.tsx'
import { DeliveryTable } from '../partials/DeliveryTable.tsx'

const FILTERS = [['', 'All'], ['failed', 'Failed'], ['retrying', 'Retrying'], ['pending', 'Pending'], ['delivered', 'Delivered']] as const

/** Admin: every outbound webhook and CRM lead, newest first, with status and a Retry for failed ones. */
export function DeliveriesPage({ me, rows, timeZone, status, notice, error }: {
  me: { name: string; role: string }; rows: Delivery[]; timeZone: string; status?: string; notice?: string; error?: string
}) {
  return (
    <Layout title="Deliveries · Pitwall" staff={me}>
      <main class="admin wide">
        <p><a href="/settings">← Settings</a></p>
        <h1>Delivery log</h1>
        <p class="sub">Webhooks and ADF leads are queued, sent in the background and retried with growing delays (30 s, 2 min, 8 min, … up to 8 attempts); a failed one can be sent again.</p>
        {notice && <p class="notice" role="status">{notice}</p>}
        {error && <p class="error" role="alert">{error}</p>}
        <nav class="filters">
          {FILTERS.map(([value, label]) => (
            <a href={value ? `/settings/deliveries?status=${value}` : '/settings/deliveries'} aria-current={(status ?? '') === value ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
        <DeliveryTable rows={rows} timeZone={timeZone} />
      </main>
    </Layout>
  )
}
