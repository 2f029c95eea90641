import { eq } from 'drizzle-orm'
import * as v from 'valibot'
import type { Db } from '../db/client.ts'
import { CONVERSATION_EVENTS, stores, type ConversationEventName, type StoreSettings } from '../db/schema.ts'

export class SettingsError extends Error {}

const Url = v.pipe(v.string(), v.url('must be a URL'), v.regex(/^https?:\/\//, 'must start with http:// or https://'))

/** Parses the settings form; errors name the field (and the line, for canned replies). Nothing is saved on error. */
export function parseSettingsForm(form: Record<string, string | string[]>, current: StoreSettings): StoreSettings {
  const get = (k: string) => String([form[k] ?? ''].flat()[0] ?? '').trim()
  const names = current.departments.map((d) => d.name)
  const webhooks: NonNullable<StoreSettings['webhooks']> = []
  for (const d of names) {
    const url = get(`webhook_url_${d}`)
    const secret = get(`webhook_secret_${d}`)
    if (!url) continue
    if (!v.is(Url, url)) throw new SettingsError(`webhook_url_${d}: must be an http(s) URL`)
    if (secret.length < 16) throw new SettingsError(`webhook_secret_${d}: must be at least 16 characters`)
    if (webhooks.some((w) => w.url === url && w.secret !== secret)) throw new SettingsError(`webhook_secret_${d}: ${url} is used above with another secret; use the same secret`)
    webhooks.push({ department: d, url, secret })
  }
  const cannedReplies = get('canned').split(/\r?\n/).map((l, i) => ({ l: l.trim(), line: i + 1 })).filter((x) => x.l).map(({ l, line }) => {
    const [department, title, ...rest] = l.split('|').map((x) => x.trim())
    const body = rest.join(' | ')
    if (!names.includes(department)) throw new SettingsError(`canned, line ${line}: '${department}' is not a department (${names.join(', ')})`)
    if (!title || !body) throw new SettingsError(`canned, line ${line}: write it as department | title | text`)
    if (body.length > 2000) throw new SettingsError(`canned, line ${line}: text must be at most 2000 characters`)
    return { department, title, body }
  })
  const consent = get('consent')
  if (consent.length > 500) throw new SettingsError('consent: must be at most 500 characters')
  const subscriptions = parseSubscriptions(form, get)
  // Each attempt is signed with the secret found by URL, so one URL must have one secret.
  const clash = subscriptions.find((sub) => webhooks.some((w) => w.url === sub.url && w.secret !== sub.secret))
  if (clash) throw new SettingsError(`subscriptions: ${clash.url} is also a department webhook with another secret; use the same secret`)
  return { ...current, webhooks, cannedReplies, contactConsent: consent || undefined, subscriptions, leads: parseLeads(form, get, names) }
}

const all = (form: Record<string, string | string[]>, k: string) => [form[k] ?? []].flat().map((x) => String(x).trim()).filter(Boolean)
const Email = v.pipe(v.string(), v.email(), v.maxLength(200))

/** Rows `sub_url_N`, `sub_secret_N`, `sub_events_N` (checkboxes); a row with no URL is dropped. */
function parseSubscriptions(form: Record<string, string | string[]>, get: (k: string) => string): NonNullable<StoreSettings['subscriptions']> {
  const rows = Object.keys(form).map((k) => /^sub_url_(\d{1,2})$/.exec(k)?.[1]).filter((n): n is string => !!n).sort((a, b) => Number(a) - Number(b))
  const out: NonNullable<StoreSettings['subscriptions']> = []
  for (const n of rows) {
    const url = get(`sub_url_${n}`)
    if (!url) continue
    if (!v.is(Url, url)) throw new SettingsError(`sub_url_${n}: must be an http(s) URL`)
    const secret = get(`sub_secret_${n}`)
    if (secret.length < 16) throw new SettingsError(`sub_secret_${n}: must be at least 16 characters`)
    const events = all(form, `sub_events_${n}`)
    const unknown = events.find((e) => !(CONVERSATION_EVENTS as readonly string[]).includes(e))
    if (unknown) throw new SettingsError(`sub_events_${n}: '${unknown}' is not an event (${CONVERSATION_EVENTS.join(', ')})`)
    if (!events.length) throw new SettingsError(`sub_events_${n}: pick at least one event`)
    if (out.some((o) => o.url === url)) throw new SettingsError(`sub_url_${n}: this URL is already subscribed above; tick more events there`)
    out.push({ url, secret, events: events as ConversationEventName[] })
  }
  if (out.length > 10) throw new SettingsError('subscriptions: at most 10')
  return out
}

/** ADF lead export: where (POST URL and/or CRM mailbox) and which departments' handoffs count as leads. */
function parseLeads(form: Record<string, string | string[]>, get: (k: string) => string, names: string[]): StoreSettings['leads'] {
  const url = get('lead_url')
  const email = get('lead_email')
  if (url && !v.is(Url, url)) throw new SettingsError('lead_url: must be an http(s) URL')
  if (email && !v.is(Email, email)) throw new SettingsError('lead_email: must be an email address')
  const departments = all(form, 'lead_departments')
  const unknown = departments.find((d) => !names.includes(d))
  if (unknown) throw new SettingsError(`lead_departments: '${unknown}' is not a department (${names.join(', ')})`)
  if ((url || email) && !departments.length) throw new SettingsError('lead_departments: pick the departments whose handoffs are leads')
  if (!url && !email) return undefined
  return { departments, ...(url ? { url } : {}), ...(email ? { email } : {}) }
}

export async function saveSettings(db: Db, storeId: string, settings: StoreSettings) {
  await db.update(stores).set({ settings }).where(eq(stores.id, storeId))
}
