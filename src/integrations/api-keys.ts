import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { apiKeys } from '../db/schema.ts'

export type ApiKey = Omit<typeof apiKeys.$inferSelect, 'hash'>

/** `pw_` + 32 url-safe characters (192 random bits); a leaked table holds only hashes. */
const KEY_RE = /^pw_[A-Za-z0-9_-]{32}$/
const hashOf = (key: string) => createHash('sha256').update(key).digest('hex')
const listed = { id: apiKeys.id, storeId: apiKeys.storeId, name: apiKeys.name, prefix: apiKeys.prefix, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt, createdAt: apiKeys.createdAt }

/** Creates a key for the store; the full key is returned this once and never stored. */
export async function createApiKey(db: Db, storeId: string, name: string, now: Date): Promise<{ key: string; row: ApiKey }> {
  const key = `pw_${randomBytes(24).toString('base64url')}`
  const [row] = await db.insert(apiKeys).values({ storeId, name, prefix: key.slice(0, 10), hash: hashOf(key), createdAt: now }).returning(listed)
  return { key, row }
}

export async function listApiKeys(db: Db, storeId: string): Promise<ApiKey[]> {
  return db.select(listed).from(apiKeys).where(eq(apiKeys.storeId, storeId)).orderBy(desc(apiKeys.createdAt))
}

export async function revokeApiKey(db: Db, storeId: string, id: string, now: Date): Promise<boolean> {
  const r = await db.update(apiKeys).set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.storeId, storeId), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id })
  return r.length > 0
}

/** The store a bearer key acts for, or null (unknown, malformed or revoked). Last use is recorded at most once a minute. */
export async function authenticateKey(db: Db, key: string, now: Date): Promise<{ id: string; storeId: string; prefix: string } | null> {
  if (!KEY_RE.test(key)) return null
  const [row] = await db.select({ id: apiKeys.id, storeId: apiKeys.storeId, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt })
    .from(apiKeys).where(eq(apiKeys.hash, hashOf(key)))
  if (!row || row.revokedAt) return null
  await db.update(apiKeys).set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - 60_000)))))
  return { id: row.id, storeId: row.storeId, prefix: row.prefix }
}
