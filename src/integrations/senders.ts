import { eq } from 'drizzle-orm'
import { createTransport, type Transporter } from 'nodemailer'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { deliveries, stores, type StoreSettings } from '../db/schema.ts'
import { sign } from './webhooks.ts'

type Row = typeof deliveries.$inferSelect

/** `permanent`: retrying cannot help (the webhook was removed, SMTP is not configured). */
export interface SendResult { ok: boolean; status?: number; error?: string; permanent?: boolean }

export interface SendContext { db: Db; config: Config; fetch?: typeof fetch; timeoutMs: number }

/** The secret of the webhook or subscription with this URL, read at send time so every attempt is freshly signed. */
export function webhookSecret(settings: StoreSettings, url: string): string | undefined {
  return (settings.webhooks ?? []).find((w) => w.url === url)?.secret ?? (settings.subscriptions ?? []).find((w) => w.url === url)?.secret
}

export async function sendDelivery(ctx: SendContext, row: Row): Promise<SendResult> {
  const [store] = await ctx.db.select({ name: stores.name, settings: stores.settings }).from(stores).where(eq(stores.id, row.storeId))
  if (!store) return { ok: false, error: `store ${row.storeId} no longer exists`, permanent: true }
  const headers: Record<string, string> = {
    'content-type': row.contentType, 'user-agent': 'Pitwall/1', 'x-pitwall-event': row.event, 'x-pitwall-delivery': row.id,
  }
  switch (row.channel) {
    case 'webhook': {
      const secret = webhookSecret(store.settings, row.target)
      if (!secret) return { ok: false, error: 'this webhook is no longer configured in settings', permanent: true }
      return post(ctx, row, { ...headers, 'x-pitwall-signature': sign(secret, row.payload) })
    }
    case 'lead-http':
      return post(ctx, row, headers)
    case 'lead-email':
      return mail(ctx, row, store.name)
  }
}

async function post(ctx: SendContext, row: Row, headers: Record<string, string>): Promise<SendResult> {
  try {
    const res = await (ctx.fetch ?? fetch)(row.target, { method: 'POST', body: row.payload, headers, redirect: 'manual', signal: AbortSignal.timeout(ctx.timeoutMs) })
    const text = await res.text().catch(() => '')
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status }
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 200)}` : ''}` }
  } catch (err) {
    const e = err as Error
    return { ok: false, error: e.name === 'TimeoutError' ? `no answer within ${ctx.timeoutMs} ms` : e.message }
  }
}

// One pooled SMTP connection per URL, reused across deliveries and closed when the worker stops.
const mailers = new Map<string, Transporter>()

function mailer(url: string, timeoutMs: number): Transporter {
  let t = mailers.get(url)
  if (!t) {
    t = createTransport({ url, pool: true, maxConnections: 2, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs * 3 })
    mailers.set(url, t)
  }
  return t
}

export function closeMailers(): void {
  for (const t of mailers.values()) t.close()
  mailers.clear()
}

/** ADF over email: the XML is the plain-text body, which is how CRMs' lead mailboxes expect it. */
async function mail(ctx: SendContext, row: Row, storeName: string): Promise<SendResult> {
  if (!ctx.config.smtp) return { ok: false, error: 'SMTP_URL is not set, so lead emails cannot be sent', permanent: true }
  try {
    const info = await mailer(ctx.config.smtp.url, ctx.timeoutMs).sendMail({
      from: ctx.config.smtp.from, to: row.target, subject: `Lead from ${storeName} web chat (Pitwall)`,
      text: row.payload, headers: { 'X-Pitwall-Delivery': row.id },
    })
    if (info.rejected?.length) return { ok: false, error: `recipient rejected: ${info.rejected.join(', ')}` }
    return { ok: true }
  } catch (err) {
    const e = err as Error & { responseCode?: number }
    return { ok: false, status: e.responseCode, error: e.message }
  }
}
