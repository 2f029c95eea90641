import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { stores } from '../db/schema.ts'
import { createStaff } from './accounts.ts'

export const DEMO_STORE = {
  id: 'demo',
  name: 'Ridgeline Powersports',
  timezone: 'America/Chicago',
  phone: '(608) 555-0142',
  address: '2150 County Road K, Baraboo, WI 53913',
}

const DEMO_STAFF = [
  { email: 'admin@ridgeline.example', name: 'Morgan Hale', role: 'admin' as const, departments: ['sales', 'service', 'parts', 'finance'] },
  { email: 'dana@ridgeline.example', name: 'Dana Kowalski', role: 'staff' as const, departments: ['service'] },
  { email: 'luis@ridgeline.example', name: 'Luis Ortega', role: 'staff' as const, departments: ['sales'] },
  { email: 'priya@ridgeline.example', name: 'Priya Nair', role: 'staff' as const, departments: ['finance'] },
  { email: 'tom@ridgeline.example', name: 'Tom Brandt', role: 'staff' as const, departments: ['parts'] },
]

export interface SeededStaff { email: string; name: string; role: string; password: string }

/** Creates the demo store and its staff; returns the generated passwords (shown once, stored hashed). */
export async function seedDemoStore(db: Db, opts: { password?: string } = {}): Promise<{ created: boolean; staff: SeededStaff[] }> {
  const [existing] = await db.select({ id: stores.id }).from(stores).where(eq(stores.id, DEMO_STORE.id))
  if (existing) return { created: false, staff: [] }
  await db.insert(stores).values({
    ...DEMO_STORE,
    settings: { departments: ['sales', 'service', 'parts', 'finance'].map((name) => ({ name, label: name[0].toUpperCase() + name.slice(1), hours: {} })) },
  })
  const staff: SeededStaff[] = []
  for (const s of DEMO_STAFF) {
    const password = opts.password ?? randomBytes(9).toString('base64url')
    await createStaff(db, { storeId: DEMO_STORE.id, ...s, password })
    staff.push({ email: s.email, name: s.name, role: s.role, password })
  }
  return { created: true, staff }
}
