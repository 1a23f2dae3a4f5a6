// "Forgot password" and "reset password": a single-use link, valid an hour, emailed through the
// outbox. Also how a user who never had a usable password (made by an admin, or later by email)
// sets one.
import type { Db } from '../../db/client.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError } from '../../errors.js'
import { announceAccessChange } from '../events/access-changes.js'
import type { Notifier } from '../notifications/notifier.js'
import * as userRepo from '../users/user.repository.js'
import type { LoggedIn } from './auth.service.js'
import { hashPassword } from './password.js'
import * as resetRepo from './password-reset.repository.js'
import { createSession } from './session.repository.js'

export const RESET_TTL_MINUTES = 60
export const FORGOT_ANSWER = 'If that account exists, we sent a reset link'
export const INVALID_RESET_TOKEN = 'Invalid or expired token'

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/
const invalidToken = () => new AppError('VALIDATION', INVALID_RESET_TOKEN)

export const resetLink = (appUrl: string, token: string) =>
  `${appUrl}/reset-password?token=${encodeURIComponent(token)}`

/**
 * Sends an active account a reset link; does nothing, visibly the same, for an unknown or
 * inactive one. Both paths do the same lookup; the known one adds one small transaction (two
 * inserts), and nothing slow (no password hashing, no SMTP: the job delivers later).
 */
export async function requestPasswordReset(
  db: Db,
  notifier: Notifier,
  appUrl: string,
  email: string,
): Promise<void> {
  const token = resetRepo.newResetToken()
  const user = await userRepo.findUserByEmail(db, email)
  if (!user?.isActive) return
  await inTransaction(db, async (tx) => {
    await resetRepo.insertResetToken(tx, user.id, token, RESET_TTL_MINUTES)
    await notifier.passwordReset(tx, user.email, resetLink(appUrl, token), RESET_TTL_MINUTES)
  })
}

/**
 * Sets the new password, spends the token (and any other the user holds), revokes every session
 * of the user and opens a new one. A bad, used or expired token, or an inactive user: 400.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string },
  sessionTtlHours: number,
): Promise<LoggedIn> {
  if (!TOKEN_SHAPE.test(input.token)) throw invalidToken()
  // A cheap look first: the slow password hash runs only for a token that can work.
  if (!(await resetRepo.findLiveResetToken(db, input.token))) throw invalidToken()
  const passwordHash = await hashPassword(input.password)
  return inTransaction(db, async (tx) => {
    const userId = await resetRepo.consumeResetToken(tx, input.token)
    const user = userId ? await userRepo.findUserById(tx, userId) : undefined
    if (!user?.isActive) throw invalidToken()
    await userRepo.setPasswordHash(tx, user.id, passwordHash)
    await resetRepo.spendResetTokensOf(tx, user.id)
    await userRepo.revokeUserSessions(tx, user.id)
    // Every process forgets the revoked sessions, and their event streams close.
    await announceAccessChange(tx, { userId: user.id })
    const token = await createSession(tx, user.id, sessionTtlHours)
    const skills = await userRepo.skillsByUser(tx, [user.id])
    return { user: userRepo.toUserDto(user, skills.get(user.id)), token }
  })
}
