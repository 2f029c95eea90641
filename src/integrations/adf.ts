import { create } from 'xmlbuilder2'

/**
 * ADF 1.0 (Auto-lead Data Format), the XML lead format dealer CRMs read from a mailbox or an HTTP endpoint.
 * Pure: the lead in, the document out. xmlbuilder2 escapes text and attributes, and characters XML 1.0
 * cannot carry (control characters a rider might paste) are dropped rather than breaking the document.
 */

export interface AdfVehicle {
  year?: number
  make?: string
  model?: string
  trim?: string
  vin?: string
  stock?: string
  condition?: 'new' | 'used'
  price?: number
}

export interface AdfLead {
  /** The conversation id: the CRM's key for de-duplicating a re-sent lead. */
  id: string
  requestDate: Date
  vehicle?: AdfVehicle
  customer: { name?: string | null; email?: string | null; phone?: string | null }
  comments: string
  vendor: { name: string; phone?: string | null; address?: string | null }
  /** Link to the conversation in the staff inbox. */
  url?: string
}

const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim()
/**
 * xmlbuilder2 leaves "&name;" and "&#NN;" unescaped (it takes them for entity references), so a rider typing
 * "&foo;" would make the document malformed and "&amp;" would read back as "&". Escaping every "&" first
 * makes each one literal; the round-trip tests in test/integration/adf.test.ts hold this in place.
 */
const lit = (s: string) => s.replace(/&/g, '&amp;')
/** Characters XML 1.0 cannot carry (the builder would drop them after we trimmed, leaving stray whitespace). */
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function buildAdf(lead: AdfLead): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' })
  doc.ins('ADF', 'VERSION="1.0"')
  const prospect = doc.ele('adf').ele('prospect', { status: 'new' })
  prospect.ele('id', { sequence: '1', source: 'Pitwall' }).txt(lit(lead.id))
  prospect.ele('requestdate').txt(lit(lead.requestDate.toISOString().replace(/\.\d{3}Z$/, 'Z')))

  // The DTD requires one vehicle with year, make and model; they stay empty when no unit was discussed.
  const v = lead.vehicle ?? {}
  const vehicle = prospect.ele('vehicle', { interest: 'buy', status: v.condition ?? 'new' })
  vehicle.ele('year').txt(lit(v.year ? String(v.year) : ''))
  vehicle.ele('make').txt(lit(clean(v.make)))
  vehicle.ele('model').txt(lit(clean(v.model)))
  if (v.vin) vehicle.ele('vin').txt(lit(clean(v.vin)))
  if (v.stock) vehicle.ele('stock').txt(lit(clean(v.stock)))
  if (v.trim) vehicle.ele('trim').txt(lit(clean(v.trim)))
  if (v.price !== undefined) vehicle.ele('price', { type: 'asking', currency: 'USD' }).txt(lit(String(v.price)))

  const customer = prospect.ele('customer')
  const contact = customer.ele('contact', { primarycontact: '1' })
  contact.ele('name', { part: 'full' }).txt(lit(clean(lead.customer.name) || 'Web chat visitor'))
  if (lead.customer.email) contact.ele('email').txt(lit(clean(lead.customer.email)))
  if (lead.customer.phone) contact.ele('phone', { type: 'voice' }).txt(lit(clean(lead.customer.phone)))
  // Line breaks in the summary are kept: CRMs show comments as written.
  customer.ele('comments').txt(lit(lead.comments.replace(ILLEGAL, '').trim()))

  const vendor = prospect.ele('vendor')
  vendor.ele('vendorname').txt(lit(clean(lead.vendor.name)))
  // The DTD requires the vendor's contact (the store itself, so the CRM can route the lead).
  const vc = vendor.ele('contact')
  vc.ele('name', { part: 'full' }).txt(lit(clean(lead.vendor.name)))
  if (lead.vendor.phone) vc.ele('phone', { type: 'voice' }).txt(lit(clean(lead.vendor.phone)))
  if (lead.vendor.address) vc.ele('address').ele('street', { line: '1' }).txt(lit(clean(lead.vendor.address)))

  const provider = prospect.ele('provider')
  provider.ele('name', { part: 'full' }).txt('Pitwall')
  provider.ele('service').txt('AI front desk web chat')
  if (lead.url) provider.ele('url').txt(lit(lead.url))
  return doc.end({ prettyPrint: true })
}
