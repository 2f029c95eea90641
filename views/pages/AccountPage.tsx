import { Layout } from '../Layout.tsx'

export function AccountPage({ me, error, notice }: { me: { name: string; role: string; email: string }; error?: string; notice?: string }) {
  return (
    <Layout title="Account · Pitwall" staff={me}>
      <main class="admin">
        <h1>Your account</h1>
        <p class="sub">{me.name} · {me.email} · {me.role}</p>
        <h2>Change password</h2>
        {notice && <p class="notice" role="status">{notice}</p>}
        <form method="post" action="/account/password" class="stack">
          <label>Current password <input name="current" type="password" required autocomplete="current-password" /></label>
          <label>New password <input name="next" type="password" required minlength={10} maxlength={200} autocomplete="new-password" /></label>
          {error && <p class="error" role="alert">{error}</p>}
          <button type="submit">Change password</button>
        </form>
      </main>
    </Layout>
  )
}
