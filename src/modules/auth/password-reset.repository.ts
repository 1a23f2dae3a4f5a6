// Password reset tokens. Only the token's SHA-256 is stored; the token itself exists in the
// emailed link alone.
import { randomBytes } from 'node:crypto'
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { passwordResetTokens } from '../../db/schema.js'
import { hashToken } from './session.repository.js'

/** 32 random bytes, base64url: 43 characters. */
export const newResetToken = () => randomBytes(32).toString('base64url')

export async function insertResetToken(
  db: DbOrTx,
  userId: string,
  token: string,
  ttlMinutes: number,
): Promise<void> {
  await db.insert(passwordResetTokens).values({
    userId,
    tokenHash: hashToken(token),
    expiresAt: sql`now() + make_interval(mins => ${ttlMinutes})`,
  })
}

const live = (token: string) =>
  and(
    eq(passwordResetTokens.tokenHash, hashToken(token)),
    isNull(passwordResetTokens.usedAt),
    gt(passwordResetTokens.expiresAt, sql`now()`),
  )

/** The user a live (unused, unexpired) token belongs to. */
export async function findLiveResetToken(db: DbOrTx, token: string): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: passwordResetTokens.userId })
    .from(passwordResetTokens)
    .where(live(token))
  return row?.userId
}

/** Marks a live token used and gives its user; undefined when it was not live (two uses race: one wins). */
export async function consumeResetToken(db: DbOrTx, token: string): Promise<string | undefined> {
  const [row] = await db
    .update(passwordResetTokens)
    .set({ usedAt: sql`now()` })
    .where(live(token))
    .returning({ userId: passwordResetTokens.userId })
  return row?.userId
}

/** A reset done: every other link the user was sent stops working too. */
export async function spendResetTokensOf(db: DbOrTx, userId: string): Promise<void> {
  await db
    .update(passwordResetTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt)))
}

/** Deletes tokens used or expired more than a day ago; gives how many. */
export async function deleteStaleResetTokens(db: DbOrTx): Promise<number> {
  const dayAgo = sql`now() - interval '1 day'`
  const rows = await db
    .delete(passwordResetTokens)
    .where(or(lt(passwordResetTokens.expiresAt, dayAgo), lt(passwordResetTokens.usedAt, dayAgo)))
    .returning({ id: passwordResetTokens.id })
  return rows.length
}
