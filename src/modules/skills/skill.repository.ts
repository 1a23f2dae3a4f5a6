import { asc, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { type SkillRow, skills } from '../../db/schema.js'
import type { SkillDto } from './skill.schemas.js'

// Written with explicit table names: drizzle renders a column in a single-table select without its
// table ("id"), which inside this subquery would bind to users.id, not the outer skill's id.
const moderatorCount = sql<number>`(
  SELECT count(*)::int FROM user_skills us
  JOIN users u ON u.id = us.user_id
  WHERE us.skill_id = "skills"."id" AND u.is_active AND u.role IN ('moderator', 'admin')
)`

const skillColumns = {
  id: skills.id,
  name: skills.name,
  description: skills.description,
  keywords: skills.keywords,
  moderator_count: moderatorCount,
}

export async function listSkills(db: DbOrTx): Promise<SkillDto[]> {
  return db
    .select(skillColumns)
    .from(skills)
    .orderBy(asc(sql`lower(${skills.name})`))
}

export async function findSkillDto(db: DbOrTx, id: string): Promise<SkillDto | undefined> {
  const [row] = await db.select(skillColumns).from(skills).where(eq(skills.id, id))
  return row
}

export type SkillFields = Pick<SkillRow, 'name' | 'description' | 'keywords'>

/** Returns undefined when the name is taken (case-insensitively). */
export async function insertSkill(db: DbOrTx, fields: SkillFields): Promise<SkillRow | undefined> {
  const [row] = await db.insert(skills).values(fields).onConflictDoNothing().returning()
  return row
}

export async function updateSkill(
  db: DbOrTx,
  id: string,
  fields: Partial<SkillFields>,
): Promise<SkillRow | undefined> {
  const [row] = await db
    .update(skills)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(skills.id, id))
    .returning()
  return row
}

export async function deleteSkill(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(skills).where(eq(skills.id, id)).returning({ id: skills.id })
  return rows.length > 0
}

/** Finds skills by id or by name (any case) in one query. */
export async function findSkillsByNameOrId(db: DbOrTx, ids: string[], names: string[]): Promise<SkillRow[]> {
  if (ids.length === 0 && names.length === 0) return []
  const lowered = names.map((n) => n.toLowerCase())
  return db
    .select()
    .from(skills)
    .where(
      ids.length > 0 && lowered.length > 0
        ? sql`${inArray(skills.id, ids)} OR ${inArray(sql`lower(${skills.name})`, lowered)}`
        : ids.length > 0
          ? inArray(skills.id, ids)
          : inArray(sql`lower(${skills.name})`, lowered),
    )
}
