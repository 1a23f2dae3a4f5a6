import type { Db, DbOrTx } from '../../db/client.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError, badRequest, notFound } from '../../errors.js'
import { isUuid } from '../../http/schemas.js'
import { type JobQueue, QUEUES } from '../../jobs/queue.js'
import { releaseTicketsOf } from '../assignment/assignment.service.js'
import { hashPassword } from '../auth/password.js'
import { announceAccessChange } from '../events/access-changes.js'
import { findSkillsByNameOrId } from '../skills/skill.repository.js'
import { NO_PASSWORD } from './no-password.js'
import * as userRepo from './user.repository.js'
import type { CreateUserInput, SetSkillsInput, UpdateUserInput, UserDto } from './user.schemas.js'

export const EMAIL_TAKEN = 'Email already registered'
const USER_NOT_FOUND = 'User not found'

/** Creates a user; a taken email (any case) is a 409. */
export async function createUser(db: DbOrTx, input: CreateUserInput): Promise<UserDto> {
  const row = await userRepo.insertUser(db, {
    email: input.email,
    passwordHash: await hashPassword(input.password),
    name: input.name?.trim() || null,
    role: input.role ?? 'user',
  })
  if (!row) throw new AppError('CONFLICT', EMAIL_TAKEN)
  return userRepo.toUserDto(row)
}

export async function getUser(db: DbOrTx, id: string): Promise<UserDto> {
  const dto = isUuid(id) ? await userRepo.loadUserDto(db, id) : undefined
  if (!dto) throw notFound(USER_NOT_FOUND)
  return dto
}

/**
 * An admin changes a user's role, activity or name. Deactivation revokes the user's sessions in the
 * same transaction; demotion to `user` drops their skills (users have none); a moderator or admin
 * who stops being active staff hands their open tickets back to automatic assignment (a job per
 * ticket, enqueued here); the last active admin cannot demote or deactivate themself out of the
 * system.
 */
export async function updateUserByAdmin(
  db: Db,
  queue: JobQueue,
  actorId: string | null,
  id: string,
  input: UpdateUserInput,
): Promise<UserDto> {
  if (!isUuid(id)) throw notFound(USER_NOT_FOUND)
  return inTransaction(db, async (tx) => {
    const current = await userRepo.findUserById(tx, id)
    if (!current) throw notFound(USER_NOT_FOUND)
    const losesAdmin =
      current.role === 'admin' &&
      current.isActive &&
      ((input.role !== undefined && input.role !== 'admin') || input.is_active === false)
    if (losesAdmin) {
      if ((await userRepo.lockAndCountActiveAdmins(tx)) <= 1) {
        throw new AppError('CONFLICT', 'Cannot remove the last active admin')
      }
    }
    await userRepo.updateUser(tx, id, {
      role: input.role,
      isActive: input.is_active,
      name: input.name === undefined ? undefined : input.name?.trim() || null,
    })
    if (input.is_active === false) await userRepo.revokeUserSessions(tx, id)
    const rightsChanged =
      (input.role !== undefined && input.role !== current.role) ||
      (input.is_active !== undefined && input.is_active !== current.isActive)
    if (rightsChanged) await announceAccessChange(tx, { userId: id })
    if (input.role === 'user') await userRepo.replaceUserSkills(tx, id, [])
    const wasStaff = current.isActive && current.role !== 'user'
    const deactivated = input.is_active === false
    if (wasStaff && (deactivated || input.role === 'user')) {
      await releaseTicketsOf(
        tx,
        id,
        actorId,
        deactivated ? 'assignee deactivated' : 'assignee demoted',
        (ticketId) => queue.enqueue(tx, QUEUES.ticketReassignment, { ticketId }, { singletonKey: ticketId }),
      )
    }
    return getUser(tx, id)
  })
}

/** Replaces a moderator's skills. Each entry names a catalog skill by name (any case) or id. */
export async function setUserSkills(db: Db, id: string, input: SetSkillsInput): Promise<UserDto> {
  if (!isUuid(id)) throw notFound(USER_NOT_FOUND)
  return inTransaction(db, async (tx) => {
    const user = await userRepo.findUserById(tx, id)
    if (!user) throw notFound(USER_NOT_FOUND)
    if (user.role === 'user' && input.skills.length > 0) {
      throw badRequest('skills can only be set for moderators and admins')
    }
    const refs = input.skills.map((s) => s.skill.trim())
    const blank = refs.indexOf('')
    if (blank >= 0) throw badRequest(`skills[${blank}].skill must not be empty`)
    const found = await findSkillsByNameOrId(
      tx,
      refs.filter(isUuid),
      refs.filter((r) => !isUuid(r)),
    )
    const entries: { skillId: string; proficiency: number }[] = []
    const seen = new Set<string>()
    input.skills.forEach((entry, i) => {
      const ref = refs[i] ?? ''
      const skill = found.find(
        (s) => s.id === ref.toLowerCase() || s.name.toLowerCase() === ref.toLowerCase(),
      )
      if (!skill) throw badRequest(`Unknown skill: ${ref}`)
      if (seen.has(skill.id)) throw badRequest(`skill ${skill.name} is listed more than once`)
      seen.add(skill.id)
      entries.push({ skillId: skill.id, proficiency: entry.proficiency })
    })
    await userRepo.replaceUserSkills(tx, id, entries)
    return getUser(tx, id)
  })
}

/** ADMIN_EMAIL/ADMIN_PASSWORD at start: create that admin unless a user with the email exists. */
export async function ensureAdmin(db: DbOrTx, admin: { email: string; password: string }): Promise<boolean> {
  if (await userRepo.findUserByEmail(db, admin.email)) return false
  const row = await userRepo.insertUser(db, {
    email: admin.email,
    passwordHash: await hashPassword(admin.password),
    name: 'Administrator',
    role: 'admin',
  })
  return row !== undefined
}

export { NO_PASSWORD } from './no-password.js'

/**
 * The account behind an email address: the existing user (any case), or a new `user` without a
 * password (someone who wrote to support; they sign in after setting one by password reset).
 */
export async function findOrCreateEmailUser(db: DbOrTx, address: string, name: string | undefined) {
  return (await userRepo.findUserByEmail(db, address)) ?? createEmailUser(db, address, name)
}

/**
 * A passwordless account for an address just looked up and not found (the intake's sender). The
 * address may have been taken in between: then that account is returned.
 */
export async function createEmailUser(db: DbOrTx, address: string, name: string | undefined) {
  const created = await userRepo.insertUser(db, {
    email: address,
    passwordHash: NO_PASSWORD,
    name: name?.trim().slice(0, 100) || null,
    role: 'user',
  })
  // Taken in between by a concurrent insert: that row is the account.
  const row = created ?? (await userRepo.findUserByEmail(db, address))
  if (!row) throw new Error(`user ${address} neither inserted nor found`)
  return row
}

export async function findUserByAddress(db: DbOrTx, address: string) {
  return userRepo.findUserByEmail(db, address)
}
