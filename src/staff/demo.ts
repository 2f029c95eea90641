import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { staffUsers, stores } from '../db/schema.ts'
import { createStaff } from './accounts.ts'

export const DEMO_STORE = {
  id: 'demo',
  name: 'Ridgeline Powersports',
  timezone: 'America/Chicago',
  phone: '(763) 555-0148',
  address: '4870 Ridgeline Drive, Elk River, MN 55330',
}

const DEMO_STAFF = [
  { email: 'admin@ridgeline.example', name: 'Morgan Hale', role: 'admin' as const, departments: ['sales', 'service', 'parts', 'finance'] },
  { email: 'dana@ridgeline.example', name: 'Dana Kowalski', role: 'staff' as const, departments: ['service'] },
  { email: 'luis@ridgeline.example', name: 'Luis Ortega', role: 'staff' as const, departments: ['sales'] },
  { email: 'priya@ridgeline.example', name: 'Priya Nair', role: 'staff' as const, departments: ['finance'] },
  { email: 'tom@ridgeline.example', name: 'Tom Brandt', role: 'staff' as const, departments: ['parts'] },
]

const CANNED = [
  { department: 'service', title: 'Stranded rider', body: 'Are you somewhere safe right now? Send me your location and the unit (year/model or VIN) and I\'ll line up help.' },
  { department: 'service', title: 'Book the bay', body: 'I can get you on the service schedule. What unit is it, how many miles/hours, and which days work for drop-off?' },
  { department: 'sales', title: 'Hold a unit', body: 'I can hold that unit for you with a refundable deposit. When would you like to come in for a look?' },
  { department: 'finance', title: 'Credit application', body: 'Our finance team can run options for you. Please use the secure credit application on our website — never send personal details in chat.' },
  { department: 'parts', title: 'Special order', body: 'I can special-order that. Please send the VIN so we match the right part; most orders arrive in 3–5 business days.' },
]

export interface SeededStaff { email: string; name: string; role: string; password: string }

/** Creates the demo store and its staff; returns the generated passwords (shown once, stored hashed). */
export async function seedDemoStore(db: Db, opts: { password?: string } = {}): Promise<{ created: boolean; staff: SeededStaff[] }> {
  // An import may have created the bare store already; the demo is "created" when it has no staff yet.
  const [existing] = await db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.storeId, DEMO_STORE.id)).limit(1)
  if (existing) return { created: false, staff: [] }
  const values = {
    ...DEMO_STORE,
    settings: {
      departments: ['sales', 'service', 'parts', 'finance'].map((name) => ({ name, label: name[0].toUpperCase() + name.slice(1), hours: {} })),
      cannedReplies: CANNED,
      contactConsent: 'By sharing your phone or email you agree that Ridgeline Powersports may contact you about this request. We never sell your details.',
    },
  }
  await db.insert(stores).values(values).onConflictDoUpdate({ target: stores.id, set: values })
  const staff: SeededStaff[] = []
  for (const s of DEMO_STAFF) {
    const password = opts.password ?? randomBytes(9).toString('base64url')
    await createStaff(db, { storeId: DEMO_STORE.id, ...s, password })
    staff.push({ email: s.email, name: s.name, role: s.role, password })
  }
  return { created: true, staff }
}
