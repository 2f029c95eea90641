import type { Child } from 'hono/jsx'

export interface LayoutProps {
  title: string
  children: Child
  /** Staff pages show the navigation bar. */
  staff?: { name: string; role: string }
  bodyClass?: string
}

export function Layout({ title, children, staff, bodyClass }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"noSwap":[204,304]}' />
        <title>{title}</title>
        <link rel="stylesheet" href="/static/app.css" />
        {/* app.js first: its listeners (e.g. marking a live stream's `ready`) must exist before htmx starts, which it
            may do as soon as its own deferred script runs — an SSE stream can connect while app.js is still loading. */}
        <script src="/static/app.js" defer></script>
        {/* htmx with its SSE extension and our appendNew swap in one file (src/routes/static.ts): the extensions are always registered before htmx starts. */}
        <script src="/static/htmx-sse.min.js" defer></script>
      </head>
      <body class={bodyClass}>
        {staff && (
          <header class="topbar">
            <a class="brand" href="/inbox">Pitwall</a>
            <nav>
              <a href="/inbox">Inbox</a>
              {(staff.role === 'admin' || staff.role === 'manager') && <a href="/insights">Insights</a>}
              {staff.role === 'admin' && <a href="/staff">Staff</a>}
              {staff.role === 'admin' && <a href="/settings">Settings</a>}
              <a href="/account">Account</a>
            </nav>
            <form method="post" action="/logout" class="who">
              <span>{staff.name}</span>
              <button type="submit" class="link">Sign out</button>
            </form>
          </header>
        )}
        {children}
      </body>
    </html>
  )
}
