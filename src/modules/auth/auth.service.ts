import type { Db } from '../../db/client.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError } from '../../errors.js'
import { announceAccessChange } from '../events/access-changes.js'
import * as userRepo from '../users/user.repository.js'
import type { UserDto } from '../users/user.schemas.js'
import { createUser } from '../users/user.service.js'
import { verifyPassword } from './password.js'
import { createSession, revokeSession } from './session.repository.js'

export interface LoggedIn {
  user: UserDto
  token: string
}

const INVALID_LOGIN = 'Invalid email or password'

/** Registers a `user` and opens a session for them. */
export async function register(
  db: Db,
  input: { email: string; password: string; name?: string | undefined },
  sessionTtlHours: number,
): Promise<LoggedIn> {
  const user = await createUser(db, { ...input, role: 'user' })
  const token = await createSession(db, user.id, sessionTtlHours)
  return { user, token }
}

/** One answer for an unknown email, a wrong password and an inactive account. */
export async function login(
  db: Db,
  input: { email: string; password: string },
  sessionTtlHours: number,
): Promise<LoggedIn> {
  const row = await userRepo.findUserByEmail(db, input.email)
  const passwordOk = await verifyPassword(row?.passwordHash, input.password)
  if (!row || !passwordOk || !row.isActive) throw new AppError('UNAUTHENTICATED', INVALID_LOGIN)
  const token = await createSession(db, row.id, sessionTtlHours)
  const skills = await userRepo.skillsByUser(db, [row.id])
  return { user: userRepo.toUserDto(row, skills.get(row.id)), token }
}

/** Revokes the session; its open event streams close when this commits. */
export async function logout(db: Db, token: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const session = await revokeSession(tx, token)
    if (session) await announceAccessChange(tx, { userId: session.userId, sessionId: session.id })
  })
}
