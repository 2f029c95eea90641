import type { ApiKey } from '../../src/integrations/api-keys.ts'
import { Layout } from '../Layout.tsx'

const when = (d: Date | null, timeZone: string) => (d ? d.toLocaleString('en-US', { timeZone, month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' }) : 'never')

/** Admin: keys for the DMS push API; a new key is shown once, then only its prefix. */
export function ApiKeysPage({ me, keys, timeZone, created, error, notice }: {
  me: { name: string; role: string }; keys: ApiKey[]; timeZone: string; created?: { name: string; key: string }; error?: string; notice?: string
}) {
  return (
    <Layout title="API keys · Pitwall" staff={me}>
      <main class="admin">
        <p><a href="/settings">← Settings</a></p>
        <h1>API keys</h1>
        <p class="sub">Your DMS keeps inventory and other documents current through <code>/api/v1/documents</code> with <code>Authorization: Bearer pw_…</code>. Each key acts for this store only. See docs/integrations.md.</p>
        {created && (
          <div class="notice new-key" role="status">
            <p>Key “{created.name}” created. Copy it now — it will not be shown again:</p>
            <p><code class="secret">{created.key}</code></p>
          </div>
        )}
        {notice && <p class="notice" role="status">{notice}</p>}
        {error && <p class="error" role="alert">{error}</p>}
        <table class="grid">
          <thead><tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th>Status</th><th></th></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr>
                <td>{k.name}</td><td><code>{k.prefix}…</code></td><td>{when(k.createdAt, timeZone)}</td><td>{when(k.lastUsedAt, timeZone)}</td>
                <td>{k.revokedAt ? `revoked ${when(k.revokedAt, timeZone)}` : 'active'}</td>
                <td>{!k.revokedAt && (
                  <form method="post" action={`/settings/api-keys/${k.id}/revoke`}><button class="secondary" type="submit">Revoke</button></form>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Create a key</h2>
        <form method="post" action="/settings/api-keys" class="stack">
          <label>Name (what uses it) <input name="name" required maxlength={80} placeholder="Lightspeed DMS sync" /></label>
          <button type="submit">Create key</button>
        </form>
      </main>
    </Layout>
  )
}
