// HTTP metrics (latency per route and status) and the /metrics endpoint for the process registry.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Histogram, type Registry } from 'prom-client'
import { unauthenticated } from '../errors.js'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * Whether the request carries `Authorization: Bearer <token>`. Both sides are hashed first so the
 * comparison is constant-time whatever the lengths (timingSafeEqual needs equal lengths).
 */
function hasBearer(request: FastifyRequest, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)
}

/**
 * `/metrics` names routes, volumes and the process's internals: not for the public. It exists only
 * with a token (Prometheus's `authorization` / `bearer_token` setting sends it).
 */
export function registerMetrics(app: FastifyInstance, registry: Registry, token: string | undefined): void {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: one series per route, not one per ticket id.
    const route = request.routeOptions.url ?? 'unmatched'
    duration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
  })
  if (token === undefined) return
  const expected = digest(token)
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!hasBearer(request, expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"')
      throw unauthenticated()
    }
    reply.type(registry.contentType)
    return registry.metrics()
  })
}
