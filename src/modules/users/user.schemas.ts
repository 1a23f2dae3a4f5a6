import Type, { type Static } from 'typebox'
import { USER_ROLES } from '../../db/schema.js'
import { DateTime, Nullable, PaginationQuery, StringEnum } from '../../http/schemas.js'

export const RoleSchema = StringEnum(USER_ROLES, 'role must be user, moderator, or admin')

export const EmailSchema = Type.String({
  format: 'email',
  maxLength: 254,
  errorMessage: {
    format: 'email must be a valid email address',
    maxLength: 'email cannot exceed 254 characters',
  },
})
export const PasswordSchema = Type.String({ minLength: 8, maxLength: 128 })
export const NameSchema = Type.String({ minLength: 1, maxLength: 100 })

export const UserSkillSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  proficiency: Type.Integer({ minimum: 1, maximum: 5 }),
})

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Nullable(Type.String()),
    role: RoleSchema,
    is_active: Type.Boolean(),
    skills: Type.Array(UserSkillSchema),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'User' },
)
export type UserDto = Static<typeof UserSchema>
export type UserSkillDto = Static<typeof UserSkillSchema>

export const CreateUserBody = Type.Object(
  {
    email: EmailSchema,
    password: PasswordSchema,
    name: Type.Optional(NameSchema),
    role: Type.Optional(RoleSchema),
  },
  { additionalProperties: false },
)
export type CreateUserInput = Static<typeof CreateUserBody>

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    is_active: Type.Optional(Type.Boolean()),
    name: Type.Optional(Nullable(NameSchema)),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    errorMessage: { minProperties: 'provide at least one of: role, is_active, name' },
  },
)
export type UpdateUserInput = Static<typeof UpdateUserBody>

export const SetSkillsBody = Type.Object(
  {
    skills: Type.Array(
      Type.Object(
        {
          skill: Type.String({ minLength: 1, maxLength: 100, description: 'A skill name (any case) or id' }),
          proficiency: Type.Integer({
            minimum: 1,
            maximum: 5,
            errorMessage: 'proficiency must be an integer from 1 to 5',
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
)
export type SetSkillsInput = Static<typeof SetSkillsBody>

export const ListUsersQuery = Type.Object({
  ...PaginationQuery,
  role: Type.Optional(RoleSchema),
  q: Type.Optional(Type.String({ maxLength: 254, description: 'Search in email and name' })),
})
export type ListUsersInput = Static<typeof ListUsersQuery>
