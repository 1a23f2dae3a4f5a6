// The response envelope every endpoint uses (tickets-module.md, api-contract.md), and the
// TypeBox builders that declare it in route schemas so fast-json-stringify serialises it.
import Type, { type TSchema } from 'typebox'

export interface PageMeta {
  total: number
  page: number
  limit: number
}

export const PageMetaSchema = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  limit: Type.Integer(),
})

export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    statusCode: Type.Integer(),
    message: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    path: Type.String(),
    error: Type.Optional(Type.String()),
  },
  { $id: 'ErrorEnvelope', description: 'Every error answers in this shape.' },
)

export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({
    success: Type.Literal(true),
    statusCode: Type.Integer(),
    message: Type.String(),
    data,
    timestamp: Type.String({ format: 'date-time' }),
  })
}

export function PagedEnvelope<T extends TSchema>(item: T) {
  return Type.Object({
    success: Type.Literal(true),
    statusCode: Type.Integer(),
    message: Type.String(),
    data: Type.Array(item),
    meta: PageMetaSchema,
    timestamp: Type.String({ format: 'date-time' }),
  })
}

export function ok<T>(statusCode: number, message: string, data: T) {
  return { success: true as const, statusCode, message, data, timestamp: new Date().toISOString() }
}

export function okPage<T>(message: string, data: T[], meta: PageMeta) {
  return { success: true as const, statusCode: 200, message, data, meta, timestamp: new Date().toISOString() }
}

export function errorBody(statusCode: number, message: string, path: string, error?: string) {
  return {
    success: false as const,
    statusCode,
    message,
    timestamp: new Date().toISOString(),
    path,
    ...(error === undefined ? {} : { error }),
  }
}

/** Response schemas for the error statuses a route can answer, all in the error envelope. */
export function errorResponses<const C extends number>(...codes: C[]) {
  return Object.fromEntries(codes.map((code) => [code, ErrorEnvelope])) as Record<C, typeof ErrorEnvelope>
}

/** What every authenticated resource route can answer besides success. */
export const RESOURCE_ERRORS = errorResponses(400, 401, 403, 404, 409)
