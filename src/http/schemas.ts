// Schema building blocks shared by the modules' route schemas.
import Type, { type TSchema } from 'typebox'

/** A string enum that validates with one readable message, e.g. "status must be a valid ticket status". */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  errorMessage: string,
  description?: string,
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], errorMessage, description })
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}

export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' })

/** `page`/`limit` with the PaginationDto's rules and messages (tickets-module.md). */
export const PaginationQuery = {
  page: Type.Optional(
    Type.Integer({
      minimum: 1,
      default: 1,
      errorMessage: { minimum: 'page must be greater than 0', type: 'page must be an integer' },
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 20,
      errorMessage: {
        minimum: 'limit must be greater than 0',
        maximum: 'limit cannot exceed 100',
        type: 'limit must be an integer',
      },
    }),
  ),
}

export const IdParams = Type.Object({ id: Type.String() })

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string) => UUID_PATTERN.test(value)
