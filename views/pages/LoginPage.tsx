import { Layout } from '../Layout.tsx'

export function LoginPage({ error, email, next }: { error?: string; email?: string; next?: string }) {
  return (
    <Layout title="Sign in · Pitwall" bodyClass="login">
      <main class="login-box">
        <h1>Pitwall</h1>
        <p class="sub">Staff sign-in</p>
        <form method="post" action="/login">
          <input type="hidden" name="next" value={next ?? '/inbox'} />
          <label>Email <input type="email" name="email" value={email ?? ''} required autocomplete="username" /></label>
          <label>Password <input type="password" name="password" required autocomplete="current-password" /></label>
          {error && <p class="error" role="alert">{error}</p>}
          <button type="submit">Sign in</button>
        </form>
      </main>
    </Layout>
  )
}
