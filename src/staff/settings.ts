import { eq } from 'drizzle-orm'
import * as v from 'valibot'
import type { Db } from '../db/client.ts'
import { stores, type StoreSettings } from '../db/schema.ts'

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
  return { ...current, webhooks, cannedReplies, contactConsent: consent || undefined }
}

export async function saveSettings(db: Db, storeId: string, settings: StoreSettings) {
  await db.update(stores).set({ settings }).where(eq(stores.id, storeId))
}
