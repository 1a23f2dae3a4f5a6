import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { AppError, unauthenticated } from '../../errors.js'
import { Envelope, ErrorEnvelope, errorResponses, ok } from '../../http/envelope.js'
import { trimFields } from '../../http/trim.js'
import type { RoutePlugin } from '../../http/types.js'
import { loadUserDto } from '../users/user.repository.js'
import { EmailSchema, NameSchema, PasswordSchema, UserSchema } from '../users/user.schemas.js'
import { authenticate, currentUser, SESSION_COOKIE, sessionToken } from './auth.hooks.js'
import * as authService from './auth.service.js'
import { createLoginFailures } from './login-failures.js'
import * as resetService from './password-reset.service.js'

const RegisterBody = Type.Object(
  { email: EmailSchema, password: PasswordSchema, name: Type.Optional(NameSchema) },
  { additionalProperties: false },
)
const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
)
const ForgotBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }) },
  { additionalProperties: false },
)
const ResetBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: PasswordSchema },
  { additionalProperties: false },
)
const errors = errorResponses(400, 401, 409, 429)

export const authRoutes: RoutePlugin = async (app, { config, database, notifier, sessions }) => {
  const { db } = database
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
    maxAge: config.sessionTtlHours * 3600,
  }
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, cookieOptions)

  // Per IP: one address cannot hammer many accounts (every attempt counts, register and login
  // alike). Per (email, IP), failed sign-ins only: one address cannot guess one account's password,
  // and nobody's failures elsewhere lock the owner out from their own address.
  const perIp = attemptLimiter(app, config.authRateLimit, (req) => `auth-ip:${normalizeIP(req.ip)}`)
  const failures = createLoginFailures(config.authRateLimit)
  const failureKey = (request: FastifyRequest<{ Body: { email: string } }>) =>
    `${request.body.email.trim().toLowerCase()}\n${normalizeIP(request.ip)}`

  app.post(
    '/register',
    {
      onRequest: perIp,
      preValidation: trimFields(['email', 'name']),
      schema: {
        tags: ['auth'],
        summary: 'Create an account (role user) and sign in',
        body: RegisterBody,
        response: { 201: Envelope(UserSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { user, token } = await authService.register(db, request.body, config.sessionTtlHours)
      setSessionCookie(reply, token)
      return reply.code(201).send(ok(201, 'User registered successfully', user))
    },
  )

  app.post(
    '/login',
    {
      onRequest: perIp,
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie',
        body: LoginBody,
        response: { 200: Envelope(UserSchema), ...errors },
      },
    },
    async (request, reply) => {
      const key = failureKey(request)
      const retryAfter = failures.retryAfterSeconds(key)
      if (retryAfter > 0) {
        reply.header('retry-after', String(retryAfter))
        throw new AppError(
          'RATE_LIMITED',
          'Too many requests',
          `too many failed sign-ins for this account from your address; retry in ${retryAfter} seconds`,
        )
      }
      const { user, token } = await authService
        .login(db, request.body, config.sessionTtlHours)
        .catch((error) => {
          if (error instanceof AppError && error.code === 'UNAUTHENTICATED') failures.recordFailure(key)
          throw error
        })
      failures.clear(key)
      setSessionCookie(reply, token)
      return ok(200, 'Login successful', user)
    },
  )

  // Reset emails to one address are limited apart from logins: asking for links must neither
  // flood someone's mailbox nor use up the owner's login attempts.
  const resetPerEmail = attemptLimiter(app, config.authRateLimit, (req) => {
    const email = (req.body as { email?: unknown } | undefined)?.email
    return `reset-email:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`
  })

  app.post(
    '/password/forgot',
    {
      onRequest: perIp,
      preValidation: trimFields(['email']),
      preHandler: resetPerEmail,
      schema: {
        tags: ['auth'],
        summary: 'Email a password reset link (the same answer whether or not the account exists)',
        body: ForgotBody,
        response: { 200: Envelope(Type.Null()), ...errorResponses(400, 429) },
      },
    },
    async (request) => {
      await resetService.requestPasswordReset(db, notifier, config.appUrl, request.body.email)
      return ok(200, resetService.FORGOT_ANSWER, null)
    },
  )

  app.post(
    '/password/reset',
    {
      onRequest: perIp,
      schema: {
        tags: ['auth'],
        summary: "Set a new password with an emailed token; signs in and revokes the user's other sessions",
        body: ResetBody,
        response: { 200: Envelope(UserSchema), ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      const { user, token } = await resetService.resetPassword(db, request.body, config.sessionTtlHours)
      sessions.forgetUser(user.id)
      setSessionCookie(reply, token)
      return ok(200, 'Password reset successful', user)
    },
  )

  app.post(
    '/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: revokes the session and clears the cookie',
        response: { 200: Envelope(Type.Null()) },
      },
    },
    async (request, reply) => {
      const token = sessionToken(request)
      if (token) {
        await authService.logout(db, token)
        sessions.forgetToken(token)
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return ok(200, 'Logout successful', null)
    },
  )

  app.get(
    '/me',
    {
      onRequest: authenticate(db, sessions),
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: { 200: Envelope(UserSchema), 401: ErrorEnvelope },
      },
    },
    async (request) => {
      const user = await loadUserDto(db, currentUser(request).id)
      if (!user) throw unauthenticated()
      return ok(200, 'User retrieved successfully', user)
    },
  )
}

/**
 * A hook that counts one attempt under `key` and answers 429 past `max` a minute. Built on
 * `createRateLimit`, not `rateLimit`: the plugin's `rateLimit` hooks share one "already ran" flag
 * per request, so a second limiter on the same route (per email after per IP) would never count.
 */
function attemptLimiter(app: FastifyInstance, max: number, key: (request: FastifyRequest) => string) {
  const check = app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: key })
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await check(request)
    if (result.isAllowed || !result.isExceeded) return
    reply.header('retry-after', String(result.ttlInSeconds))
    throw new AppError(
      'RATE_LIMITED',
      'Too many requests',
      `too many attempts; retry in ${result.ttlInSeconds} seconds`,
    )
  }
}
