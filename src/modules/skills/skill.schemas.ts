import Type, { type Static } from 'typebox'
import { Nullable } from '../../http/schemas.js'

const Keywords = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
  maxItems: 50,
  description: 'Words and phrases that point to this skill in a ticket',
})

export const SkillSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    description: Nullable(Type.String()),
    keywords: Type.Array(Type.String()),
    moderator_count: Type.Integer({ description: 'Active moderators and admins who have this skill' }),
  },
  { $id: 'Skill' },
)
export type SkillDto = Static<typeof SkillSchema>

export const CreateSkillBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 100 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    keywords: Type.Optional(Keywords),
  },
  { additionalProperties: false },
)
export type CreateSkillInput = Static<typeof CreateSkillBody>

export const UpdateSkillBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    keywords: Type.Optional(Keywords),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    errorMessage: { minProperties: 'provide at least one of: name, description, keywords' },
  },
)
export type UpdateSkillInput = Static<typeof UpdateSkillBody>
