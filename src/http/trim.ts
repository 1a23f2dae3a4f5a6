import type { FastifyRequest } from 'fastify'

/**
 * preValidation hook: trims the named string fields of the JSON body before the length rules
 * apply, so "     " is not a 5-character title and stored text has no stray edges.
 */
export function trimFields(fields: readonly string[]) {
  return async (request: FastifyRequest) => {
    const body = request.body
    if (!body || typeof body !== 'object' || Array.isArray(body)) return
    const record = body as Record<string, unknown>
    for (const field of fields) {
      const value = record[field]
      if (typeof value === 'string') record[field] = value.trim()
    }
  }
}
