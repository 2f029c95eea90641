import type { StaffUser } from '../../src/staff/accounts.ts'
import { Layout } from '../Layout.tsx'

/** Admin: the store's staff, their role and departments, add and deactivate. */
export function StaffPage({ me, staff, departments, error, notice }: {
  me: { name: string; role: string; id: string }; staff: StaffUser[]; departments: string[]; error?: string; notice?: string
}) {
  return (
    <Layout title="Staff · Pitwall" staff={me}>
      <main class="admin">
        <h1>Staff</h1>
        {notice && <p class="notice" role="status">{notice}</p>}
        <table class="grid">
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Departments</th><th>Status</th><th></th></tr></thead>
          <tbody>
            {staff.map((u) => (
              <tr>
                <td>{u.name}</td><td>{u.email}</td><td>{u.role}</td><td>{u.departments.join(', ')}</td>
                <td>{u.active ? 'active' : 'deactivated'}</td>
                <td>{u.id !== me.id && (
                  <form method="post" action={`/staff/${u.id}/${u.active ? 'deactivate' : 'activate'}`}>
                    <button class="secondary" type="submit">{u.active ? 'Deactivate' : 'Activate'}</button>
                  </form>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Add a staff member</h2>
        <form method="post" action="/staff" class="stack">
          <label>Name <input name="name" required maxlength={100} /></label>
          <label>Email <input name="email" type="email" required maxlength={200} /></label>
          <label>Initial password <input name="password" type="password" required minlength={10} maxlength={200} autocomplete="new-password" /></label>
          <label>Role <select name="role"><option value="staff">staff</option><option value="manager">manager (staff + insights)</option><option value="admin">admin</option></select></label>
          <fieldset><legend>Departments</legend>
            {departments.map((d) => <label class="check"><input type="checkbox" name="departments" value={d} /> {d}</label>)}
          </fieldset>
          {error && <p class="error" role="alert">{error}</p>}
          <button type="submit">Add staff member</button>
        </form>
      </main>
    </Layout>
  )
}
