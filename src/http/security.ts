// Request-level safety that no route should have to remember.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { badRequest, forbidden } from '../errors.js'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

/**
 * CSRF: the session cookie rides along on any request a browser sends, so a state-changing request
 * that a browser says came from another site is refused. Allowed: the server's own origin,
 * APP_URL and CORS_ORIGINS. Clients that send no Origin (curl, servers) are not browsers and pass.
 */
export function registerCsrfGuard(app: FastifyInstance, allowedOrigins: string[]): void {
  const allowed = new Set(allowedOrigins)
  app.addHook('onRequest', async (request) => {
    if (!STATE_CHANGING.has(request.method)) return
    const origin = request.headers.origin
    if (origin !== undefined) {
      if (origin !== ownOrigin(request) && !allowed.has(origin)) {
        throw forbidden('Forbidden - cross-origin request refused')
      }
      return
    }
    if (request.headers['sec-fetch-site'] === 'cross-site')
      throw forbidden('Forbidden - cross-origin request refused')
  })
}

function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNul(item, `${path}[${i}]`)
      if (found) return found
    }
    return undefined
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(item, path ? `${path}.${key}` : key)
      if (found) return found
    }
  }
  return undefined
}

/** PostgreSQL text cannot hold U+0000: refuse it up front with a 400 rather than fail at insert. */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const field = findNul(request.body, '') ?? findNul(request.query, '') ?? findNul(request.params, '')
    if (field !== undefined) throw badRequest(`${field || 'request body'} must not contain NUL characters`)
  })
}
