// Request-level safety that no route should have to remember.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { badRequest, forbidden } from '../errors.js'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

/**
 * A caller's X-Request-Id (a proxy's, a client's) follows the request through the logs, but only
 * as a short token: anything else (a megabyte, newlines forging log lines, markup) is replaced.
 */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

/** Paths whose answers are one user's data, or live state: no browser or proxy may store them. */
const UNCACHEABLE = /^\/(api|health|metrics)(\/|\?|$)/

/** `Cache-Control: no-store` on API, auth and operations answers, errors included; static UI assets keep theirs. */
export function registerNoStore(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (UNCACHEABLE.test(request.url) && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store')
  })
}

/**
 * CSRF: the session cookie rides along on any request a browser sends, so a state-changing request
 * that a browser says came from another site is refused. Allowed: the configured origins (APP_URL,
 * CORS_ORIGINS) only, never one derived from the request's own Host header, which whoever sends the
 * request chooses. Clients that send no Origin (curl, servers) are not browsers and pass.
 */
export function registerCsrfGuard(app: FastifyInstance, allowedOrigins: string[]): void {
  const allowed = new Set(allowedOrigins)
  app.addHook('onRequest', async (request) => {
    if (!STATE_CHANGING.has(request.method)) return
    const origin = request.headers.origin
    if (origin !== undefined) {
      if (!allowed.has(origin)) {
        throw forbidden('Forbidden - cross-origin request refused')
      }
      return
    }
    if (request.headers['sec-fetch-site'] === 'cross-site')
      throw forbidden('Forbidden - cross-origin request refused')
  })
}

/** Deeper than this no request of this API goes; refusing it keeps every later step off the stack's edge. */
const MAX_DEPTH = 32

type Finding = { kind: 'nul'; path: string } | { kind: 'deep'; path: string }

/**
 * Walks a parsed input without recursion (a body of 20 000 nested arrays must not overflow the
 * stack and answer 500): the first string holding U+0000, or the first value nested too deeply.
 */
function inspect(root: unknown): Finding | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }]
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value, path, depth } = item
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { kind: 'nul', path }
      continue
    }
    if (!value || typeof value !== 'object') continue
    if (depth >= MAX_DEPTH) return { kind: 'deep', path }
    const children: [string, unknown][] = Array.isArray(value)
      ? value.map((child, i) => [`${path}[${i}]`, child])
      : Object.entries(value).map(([key, child]) => [path ? `${path}.${key}` : key, child])
    // Last pushed is looked at first: push in reverse so the message names the first problem.
    for (let i = children.length - 1; i >= 0; i--) {
      const [childPath, child] = children[i] as [string, unknown]
      pending.push({ value: child, path: childPath, depth: depth + 1 })
    }
  }
  return undefined
}

/** PostgreSQL text cannot hold U+0000: refuse it up front with a 400 rather than fail at insert. */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found = inspect(request.body) ?? inspect(request.query) ?? inspect(request.params)
    if (found?.kind === 'nul')
      throw badRequest(`${found.path || 'request body'} must not contain NUL characters`)
    if (found?.kind === 'deep') throw badRequest('request body is nested too deeply')
  })
}
