import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { customers, documents, type StoreSettings } from '../db/schema.ts'
import { detect } from '../escalation/detectors.ts'
import type { Conversation, Message, Store } from '../conversations/store.ts'
import type { AdfLead, AdfVehicle } from './adf.ts'

/** Departments whose handoffs are leads when the dealer has not chosen. */
export const DEFAULT_LEAD_DEPARTMENTS = ['sales', 'finance']

export const leadDepartments = (settings: StoreSettings) => settings.leads?.departments ?? DEFAULT_LEAD_DEPARTMENTS

/** Whether this conversation, handed to its department, should reach the CRM. */
export function isLead(settings: StoreSettings, conv: Pick<Conversation, 'department'>): boolean {
  const l = settings.leads
  return !!(l && (l.url || l.email) && conv.department && leadDepartments(settings).includes(conv.department))
}

const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : undefined)
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)

function vehicleOf(fields: Record<string, unknown>): AdfVehicle {
  const condition = fields.condition === 'used' ? 'used' : fields.condition === 'new' ? 'new' : undefined
  return {
    year: num(fields.year), make: str(fields.make), model: str(fields.model), trim: str(fields.trim),
    vin: str(fields.vin) ?? str(fields.hin), stock: str(fields.stockNumber), condition, price: num(fields.price),
  }
}

/**
 * The unit the chat was about: the newest unit the AI cited, else the newest stock number in the
 * transcript that matches a unit in the store's inventory.
 */
export async function discussedUnit(db: Db, storeId: string, lines: Message[]): Promise<AdfVehicle | undefined> {
  for (const m of [...lines].reverse()) {
    const cited = ((m.citations ?? []) as Array<{ id?: string; type?: string }>).find((c) => c.type === 'unit' && c.id)
    const stock = cited ? undefined : detect('stock_number', m.body).at(-1)?.value
    if (!cited && !stock) continue
    const [doc] = await db.select({ fields: documents.fields }).from(documents).where(and(
      eq(documents.storeId, storeId), eq(documents.type, 'unit'),
      cited ? eq(documents.id, cited.id!) : sql`upper(${documents.fields}->>'stockNumber') = ${stock}`,
    )).limit(1)
    if (doc) return vehicleOf(doc.fields)
  }
  return undefined
}

/** Everything the ADF document says, gathered from the conversation, its rider, the store and the transcript. */
export async function leadFor(db: Db, store: Store, conv: Conversation, lines: Message[], publicUrl: string | undefined, now: Date): Promise<AdfLead> {
  const [cust] = await db.select().from(customers).where(eq(customers.id, conv.customerId))
  const riderWords = lines.filter((m) => m.author === 'customer' && !m.internal).slice(-3).map((m) => `Rider: ${m.body}`)
  const comments = [
    conv.summary ?? `Handed off to ${conv.department ?? 'staff'}.`,
    conv.escalationReason ? `Why: ${conv.escalationReason}` : '',
    riderWords.length ? `Last messages:\n${riderWords.join('\n')}` : '',
  ].filter(Boolean).join('\n\n')
  return {
    id: conv.id, requestDate: now, vehicle: await discussedUnit(db, store.id, lines),
    customer: { name: cust?.name, email: cust?.email, phone: cust?.phone },
    comments, vendor: { name: store.name, phone: store.phone, address: store.address },
    url: publicUrl ? `${publicUrl}/inbox/${conv.id}` : undefined,
  }
}
