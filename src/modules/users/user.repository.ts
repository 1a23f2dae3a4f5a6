// Users and their skills. Functions take `db` (or a transaction) first so a reader sees which calls share one.
import { and, asc, count, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { sessions, skills, type UserRole, type UserRow, userSkills, users } from '../../db/schema.js'
import type { UserDto, UserSkillDto } from './user.schemas.js'

export interface NewUser {
  email: string
  passwordHash: string
  name?: string | null | undefined
  role?: UserRole | undefined
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase()

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normalizeEmail(email)}`)
  return row
}

export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id))
  return row
}

/** Inserts a user; returns undefined when the email is taken (the unique index decides, not a prior read). */
export async function insertUser(db: DbOrTx, user: NewUser): Promise<UserRow | undefined> {
  const [row] = await db
    .insert(users)
    .values({
      email: normalizeEmail(user.email),
      passwordHash: user.passwordHash,
      name: user.name ?? null,
      role: user.role,
    })
    .onConflictDoNothing()
    .returning()
  return row
}

export async function updateUser(
  db: DbOrTx,
  id: string,
  changes: Partial<Pick<UserRow, 'role' | 'isActive' | 'name'>>,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning()
  return row
}

/** Sets (or first gives) a user's password. */
export async function setPasswordHash(db: DbOrTx, id: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, id))
}

/** Counts active admins, locking their rows so two admins demoting each other at once cannot both succeed. */
export async function lockAndCountActiveAdmins(db: DbOrTx): Promise<number> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.isActive, true)))
    .for('update')
  return rows.length
}

export async function revokeUserSessions(db: DbOrTx, userId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), sql`${sessions.revokedAt} IS NULL`))
}

/** Skills of several users in one query (no query per user). */
export async function skillsByUser(db: DbOrTx, userIds: string[]): Promise<Map<string, UserSkillDto[]>> {
  const result = new Map<string, UserSkillDto[]>()
  if (userIds.length === 0) return result
  const rows = await db
    .select({
      userId: userSkills.userId,
      id: skills.id,
      name: skills.name,
      proficiency: userSkills.proficiency,
    })
    .from(userSkills)
    .innerJoin(skills, eq(skills.id, userSkills.skillId))
    .where(inArray(userSkills.userId, userIds))
    .orderBy(desc(userSkills.proficiency), asc(skills.name))
  for (const { userId, ...skill } of rows) {
    const list = result.get(userId) ?? []
    list.push(skill)
    result.set(userId, list)
  }
  return result
}

export async function replaceUserSkills(
  db: DbOrTx,
  userId: string,
  entries: { skillId: string; proficiency: number }[],
): Promise<void> {
  await db.delete(userSkills).where(eq(userSkills.userId, userId))
  if (entries.length > 0) {
    await db
      .insert(userSkills)
      .values(entries.map((e) => ({ userId, skillId: e.skillId, proficiency: e.proficiency })))
  }
}

export function toUserDto(row: UserRow, userSkillList: UserSkillDto[] = []): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    is_active: row.isActive,
    skills: row.role === 'user' ? [] : userSkillList,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  }
}

export async function loadUserDto(db: DbOrTx, id: string): Promise<UserDto | undefined> {
  const row = await findUserById(db, id)
  if (!row) return undefined
  const skillMap = await skillsByUser(db, [row.id])
  return toUserDto(row, skillMap.get(row.id))
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export async function listUsers(
  db: DbOrTx,
  filter: { role?: UserRole | undefined; q?: string | undefined },
  page: { offset: number; limit: number },
): Promise<{ rows: UserDto[]; total: number }> {
  const conditions: SQL[] = []
  if (filter.role) conditions.push(eq(users.role, filter.role))
  const q = filter.q?.trim()
  if (q) {
    const pattern = `%${escapeLike(q)}%`
    const match = or(ilike(users.email, pattern), ilike(users.name, pattern))
    if (match) conditions.push(match)
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined
  const [totalRow] = await db.select({ n: count() }).from(users).where(where)
  const total = totalRow?.n ?? 0
  if (page.offset >= total) return { rows: [], total }
  const rows = await db
    .select()
    .from(users)
    .where(where)
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(page.limit)
    .offset(page.offset)
  const skillMap = await skillsByUser(
    db,
    rows.map((r) => r.id),
  )
  return { rows: rows.map((r) => toUserDto(r, skillMap.get(r.id))), total }
}
