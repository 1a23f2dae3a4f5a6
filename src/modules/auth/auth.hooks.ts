// Who is calling: the session cookie → the user, checked on every request to a protected route.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/client.js'
import type { UserRole } from '../../db/schema.js'
import { forbidden, unauthenticated } from '../../errors.js'
import type { SessionUser } from './session.repository.js'
import type { SessionCache } from './session-cache.js'

export const SESSION_COOKIE = 'sid'

declare module 'fastify' {
  interface FastifyRequest {
    sessionUser: SessionUser | null
  }
}

export function sessionToken(request: FastifyRequest): string | undefined {
  const token = request.cookies[SESSION_COOKIE]
  // Tokens are 43 base64url characters; anything else cannot be ours, so skip the query.
  return token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : undefined
}

/** onRequest hook: 401 unless the cookie names a live session of an active user. */
export function authenticate(db: Db, sessions: SessionCache) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = sessionToken(request)
    const user = token ? await sessions.lookup(db, token) : undefined
    if (!user) throw unauthenticated()
    request.sessionUser = user
  }
}

/** onRequest hook placed after `authenticate`: 403 with `message` unless the user has one of `roles`. */
export function requireRole(roles: readonly UserRole[], message: string) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const user = currentUser(request)
    if (!roles.includes(user.role)) throw forbidden(message)
  }
}

export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.sessionUser) throw unauthenticated()
  return request.sessionUser
}
