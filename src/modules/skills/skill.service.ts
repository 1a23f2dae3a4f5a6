import type { DbOrTx } from '../../db/client.js'
import { isUniqueViolation } from '../../db/errors.js'
import { AppError, notFound } from '../../errors.js'
import * as skillRepo from './skill.repository.js'
import type { CreateSkillInput, SkillDto, UpdateSkillInput } from './skill.schemas.js'

const SKILL_NOT_FOUND = 'Skill not found'
const SKILL_EXISTS = 'Skill already exists'

/** Keywords are matched case-insensitively: store them trimmed, lower-case, once each. */
function normalizeKeywords(keywords: string[] | undefined): string[] | undefined {
  if (keywords === undefined) return undefined
  return [...new Set(keywords.map((k) => k.trim().toLowerCase()).filter(Boolean))]
}

function normalizeDescription(description: string | null | undefined): string | null | undefined {
  if (description === undefined || description === null) return description
  return description.trim() || null
}

export async function createSkill(db: DbOrTx, input: CreateSkillInput): Promise<SkillDto> {
  const row = await skillRepo.insertSkill(db, {
    name: input.name.trim(),
    description: normalizeDescription(input.description) ?? null,
    keywords: normalizeKeywords(input.keywords) ?? [],
  })
  if (!row) throw new AppError('CONFLICT', SKILL_EXISTS)
  return { ...pick(row), moderator_count: 0 }
}

export async function updateSkill(db: DbOrTx, id: string, input: UpdateSkillInput): Promise<SkillDto> {
  try {
    const row = await skillRepo.updateSkill(db, id, {
      name: input.name?.trim(),
      description: normalizeDescription(input.description),
      keywords: normalizeKeywords(input.keywords),
    })
    if (!row) throw notFound(SKILL_NOT_FOUND)
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('CONFLICT', SKILL_EXISTS)
    throw error
  }
  const dto = await skillRepo.findSkillDto(db, id)
  if (!dto) throw notFound(SKILL_NOT_FOUND)
  return dto
}

export async function deleteSkill(db: DbOrTx, id: string): Promise<void> {
  if (!(await skillRepo.deleteSkill(db, id))) throw notFound(SKILL_NOT_FOUND)
}

function pick(row: { id: string; name: string; description: string | null; keywords: string[] }) {
  return { id: row.id, name: row.name, description: row.description, keywords: row.keywords }
}
