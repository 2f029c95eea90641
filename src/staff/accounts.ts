import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, lt, ne } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { sessions, staffUsers, type StaffRole } from '../db/schema.ts'

export type StaffUser = typeof staffUsers.$inferSelect
export const SESSION_HOURS = 12
/** Hash of a random password, verified against when the email is unknown. */
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=2,p=1$e39UPHSdxnwPNlH25sZhhKAZ5AJtFLS8X0oXfIsc8LM$fu+G0ecfMUyQrYz2wScPGWSe9BofrbtF376p0oz1ZNg'

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export async function createStaff(
  db: Db, u: { storeId: string; email: string; name: string; password: string; role?: StaffRole; departments?: string[] },
): Promise<StaffUser> {
  const passwordHash = await Bun.password.hash(u.password)
  const [row] = await db.insert(staffUsers).values({
    storeId: u.storeId, email: u.email.toLowerCase(), name: u.name, passwordHash, role: u.role ?? 'staff', departments: u.departments ?? [],
  }).returning()
  return row
}

/** Verifies credentials; the same work is done for unknown emails so timing does not reveal accounts. */
export async function verifyLogin(db: Db, email: string, password: string): Promise<StaffUser | null> {
  const [user] = await db.select().from(staffUsers).where(and(eq(staffUsers.email, email.toLowerCase()), eq(staffUsers.active, true)))
  const hash = user?.passwordHash ?? DUMMY_HASH
  const ok = await Bun.password.verify(password, hash).catch(() => false)
  return user && ok ? user : null
}

/** A fresh session per login (no fixation): the cookie holds the token, the table only its hash. */
export async function startSession(db: Db, userId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db.insert(sessions).values({ id: hashToken(token), userId, expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000) })
  await db.delete(sessions).where(lt(sessions.expiresAt, now))
  return token
}

export async function userForSession(db: Db, token: string, now: Date): Promise<StaffUser | null> {
  const [row] = await db.select({ u: staffUsers }).from(sessions)
    .innerJoin(staffUsers, eq(staffUsers.id, sessions.userId))
    .where(and(eq(sessions.id, hashToken(token)), gt(sessions.expiresAt, now), eq(staffUsers.active, true)))
  return row?.u ?? null
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, hashToken(token)))
}

export async function listStaff(db: Db, storeId: string): Promise<StaffUser[]> {
  return db.select().from(staffUsers).where(eq(staffUsers.storeId, storeId)).orderBy(staffUsers.name)
}

export async function setActive(db: Db, storeId: string, id: string, active: boolean): Promise<void> {
  await db.update(staffUsers).set({ active }).where(and(eq(staffUsers.id, id), eq(staffUsers.storeId, storeId)))
  if (!active) await db.delete(sessions).where(eq(sessions.userId, id))
}

/** Changes a password after checking the current one; every other session of the user ends. */
export async function changePassword(db: Db, user: StaffUser, current: string, next: string, keepToken: string): Promise<boolean> {
  if (!(await Bun.password.verify(current, user.passwordHash).catch(() => false))) return false
  await db.update(staffUsers).set({ passwordHash: await Bun.password.hash(next) }).where(eq(staffUsers.id, user.id))
  await db.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.id, hashToken(keepToken))))
  return true
}
