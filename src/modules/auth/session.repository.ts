import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNotNull, isNull, lte, or, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { sessions, type UserRole, users } from '../../db/schema.js'

export interface SessionUser {
  id: string
  email: string
  role: UserRole
  sessionId: string
}

/** SHA-256 of a secret token, hex: what the database keeps of session and reset tokens. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** Creates a session and returns the token for the cookie (only its hash is stored). */
export async function createSession(db: DbOrTx, userId: string, ttlHours: number): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db.insert(sessions).values({
    userId,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + ttlHours * 3_600_000),
  })
  return token
}

function prepareSessionUser(db: DbOrTx) {
  return db
    .select({
      id: users.id,
      email: users.email,
      role: users.role,
      sessionId: sessions.id,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
        eq(users.isActive, true),
      ),
    )
    .prepare('sts_session_user')
}

/**
 * The lookup runs on every authenticated request, so it is built once per database (building a
 * query is most of drizzle's CPU cost per call; bench/profile-top.ts) and is a named statement on
 * PostgreSQL: parsed once per connection, and its plan (a unique-index probe whatever the token)
 * cached. Requests go through session-cache.ts, which spares most of them the query.
 */
const sessionUserQueries = new WeakMap<DbOrTx, ReturnType<typeof prepareSessionUser>>()

/**
 * The session's user and when the session expires, or undefined when the token is unknown,
 * expired, revoked, or its user inactive.
 */
export async function findSessionUser(
  db: DbOrTx,
  token: string,
): Promise<(SessionUser & { expiresAt: Date }) | undefined> {
  let query = sessionUserQueries.get(db)
  if (!query) {
    query = prepareSessionUser(db)
    sessionUserQueries.set(db, query)
  }
  const [row] = await query.execute({ tokenHash: hashToken(token) })
  return row
}

/** Revokes the session; gives its id and user, or undefined when it was unknown or already revoked. */
export async function revokeSession(
  db: DbOrTx,
  token: string,
): Promise<{ id: string; userId: string } | undefined> {
  const [row] = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id, userId: sessions.userId })
  return row
}

/** Deletes the sessions nobody can use any more (expired or revoked); gives how many. */
export async function deleteDeadSessions(db: DbOrTx): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(or(lte(sessions.expiresAt, sql`now()`), isNotNull(sessions.revokedAt)))
    .returning({ id: sessions.id })
  return rows.length
}
