// A rate limit as a route hook, answering 429 in the error envelope with Retry-After.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.js'

/**
 * Counts one request under `key` and refuses past `max` a minute. Built on `createRateLimit`, not
 * the plugin's route `rateLimit` config: its hooks share one "already ran" flag per request, so a
 * second limiter on the same route would never count.
 */
export function rateLimitHook(
  app: FastifyInstance,
  options: { max: number; key: (request: FastifyRequest) => string; what: string },
) {
  const check = app.createRateLimit({ max: options.max, timeWindow: 60_000, keyGenerator: options.key })
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await check(request)
    if (result.isAllowed || !result.isExceeded) return
    reply.header('retry-after', String(result.ttlInSeconds))
    throw new AppError(
      'RATE_LIMITED',
      'Too many requests',
      `${options.what}: at most ${options.max} a minute; retry in ${result.ttlInSeconds} seconds`,
    )
  }
}
