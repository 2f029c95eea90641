import { CONVERSATION_EVENTS, type StoreSettings } from '../../src/db/schema.ts'
import { DEFAULT_LEAD_DEPARTMENTS } from '../../src/integrations/leads.ts'

/** Settings form section: store-wide webhook subscriptions and the ADF lead export (inside the settings form). */
export function IntegrationSettings({ settings, smtp }: { settings: StoreSettings; smtp: boolean }) {
  // Existing subscriptions plus one empty row to add another.
  const subs = [...(settings.subscriptions ?? []), { url: '', secret: '', events: [...CONVERSATION_EVENTS] }]
  const leadDepts = settings.leads?.departments ?? DEFAULT_LEAD_DEPARTMENTS
  return (
    <>
      <h2>Conversation event webhooks</h2>
      <p class="sub">Store-wide: each chosen event (handoff, claim, close) is POSTed as JSON, signed like the department webhooks, retried with backoff and listed in the <a href="/settings/deliveries">delivery log</a>. Clear the URL to remove one.</p>
      {subs.map((sub, i) => (
        <fieldset>
          <legend>{sub.url ? `Subscription ${i + 1}` : 'Add a subscription'}</legend>
          <label>URL <input name={`sub_url_${i}`} type="url" value={sub.url} placeholder="https://hooks.example.com/pitwall" /></label>
          <label>Secret <input name={`sub_secret_${i}`} value={sub.secret} minlength={16} /></label>
          {CONVERSATION_EVENTS.map((e) => (
            <label class="check"><input type="checkbox" name={`sub_events_${i}`} value={e} checked={sub.events.includes(e)} /> {e}</label>
          ))}
        </fieldset>
      ))}
      <h2>CRM leads (ADF/XML)</h2>
      <p class="sub">Handoffs to these departments — and a rider leaving a phone or email on such a chat — are sent to your CRM as an ADF 1.0 lead: POSTed as <code>application/xml</code>, emailed to the CRM's lead mailbox, or both.</p>
      <fieldset>
        <legend>Lead export</legend>
        <label>CRM endpoint <input name="lead_url" type="url" value={settings.leads?.url ?? ''} placeholder="https://crm.example.com/adf" /></label>
        <label>CRM lead email <input name="lead_email" type="email" value={settings.leads?.email ?? ''} placeholder="leads@crm.example.com" /></label>
        {settings.departments.map((d) => (
          <label class="check"><input type="checkbox" name="lead_departments" value={d.name} checked={leadDepts.includes(d.name)} /> {d.label}</label>
        ))}
      </fieldset>
      {!smtp && settings.leads?.email && <p class="error" role="alert">SMTP_URL is not set on the server, so lead emails will fail until it is.</p>}
    </>
  )
}
