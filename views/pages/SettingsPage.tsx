import type { StoreSettings } from '../../src/db/schema.ts'
import { Layout } from '../Layout.tsx'
import { IntegrationSettings } from '../partials/IntegrationSettings.tsx'

/** Admin: per-department webhooks, canned replies and the contact-consent wording. */
export function SettingsPage({ me, settings, error, notice, smtp }: { me: { name: string; role: string }; settings: StoreSettings; error?: string; notice?: string; smtp?: boolean }) {
  const hook = (d: string) => settings.webhooks?.find((w) => w.department === d)
  const canned = (settings.cannedReplies ?? []).map((r) => `${r.department} | ${r.title} | ${r.body}`).join('\n')
  return (
    <Layout title="Settings · Pitwall" staff={me}>
      <main class="admin">
        <h1>Store settings</h1>
        <p class="sub"><a href="/settings/deliveries">Delivery log</a> · <a href="/settings/api-keys">API keys</a></p>
        {notice && <p class="notice" role="status">{notice}</p>}
        {error && <p class="error" role="alert">{error}</p>}
        <form method="post" action="/settings" class="stack wide">
          <h2>Handoff webhooks</h2>
          <p class="sub">Each handoff to a department is POSTed as JSON, signed in <code>X-Pitwall-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")</code>, and retried with backoff.</p>
          {settings.departments.map((d) => (
            <fieldset>
              <legend>{d.label}</legend>
              <label>URL <input name={`webhook_url_${d.name}`} type="url" value={hook(d.name)?.url ?? ''} placeholder="https://hooks.example.com/pitwall" /></label>
              <label>Secret <input name={`webhook_secret_${d.name}`} value={hook(d.name)?.secret ?? ''} minlength={16} /></label>
            </fieldset>
          ))}
          <IntegrationSettings settings={settings} smtp={!!smtp} />
          <h2>Canned replies</h2>
          <label>One per line: <code>department | title | text</code>
            <textarea name="canned" rows={8}>{canned}</textarea>
          </label>
          <h2>After-hours contact consent</h2>
          <label>Shown beside the contact form <textarea name="consent" rows={2}>{settings.contactConsent ?? ''}</textarea></label>
          <button type="submit">Save settings</button>
        </form>
      </main>
    </Layout>
  )
}
