// Builds the HTTP app from its dependencies. No listen here: server.ts listens, tests inject.
import cookie from '@fastify/cookie'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import { registerBodyParsers } from './http/body.js'
import { ErrorEnvelope } from './http/envelope.js'
import { frameworkErrors, registerErrorHandlers } from './http/error-handler.js'
import { healthRoutes } from './http/health.js'
import { registerMetrics } from './http/metrics.js'
import { componentName, withoutValidatorKeywords } from './http/openapi.js'
import { registerCsrfGuard, registerNoStore, registerNulGuard, requestId } from './http/security.js'
import { serverTimeouts } from './http/server-options.js'
import type { RouteDeps } from './http/types.js'
import { registerValidators } from './http/validation.js'
import { registerWebUi } from './http/web.js'
import type { JobQueue } from './jobs/queue.js'
import { createMetrics, type Metrics } from './metrics.js'
import { authenticate } from './modules/auth/auth.hooks.js'
import { authRoutes } from './modules/auth/auth.routes.js'
import { createSessionCache } from './modules/auth/session-cache.js'
import { eventRoutes } from './modules/events/events.routes.js'
import { startTicketChangeBus } from './modules/events/ticket-change-bus.js'
import {
  inboundAdminRoutes,
  inboundEmailRoute,
  originalEmailRoutes,
} from './modules/inbound/inbound.routes.js'
import { emailRoutes } from './modules/notifications/email.routes.js'
import { messageIdDomain } from './modules/notifications/message-ids.js'
import { createNotifier } from './modules/notifications/notifier.js'
import { reportRoutes } from './modules/reports/report.routes.js'
import { satisfactionRoutes } from './modules/satisfaction/satisfaction.routes.js'
import { applySearchLanguage } from './modules/search/search.language.js'
import { searchRoutes } from './modules/search/search.routes.js'
import { similarRoutes } from './modules/similar/similar.routes.js'
import { skillRoutes } from './modules/skills/skill.routes.js'
import { slaPolicyRoutes } from './modules/sla/sla.routes.js'
import { ensureDefaultPolicy } from './modules/sla/sla.service.js'
import { attachmentRoutes } from './modules/tickets/attachment.routes.js'
import { createPageCache } from './modules/tickets/page-cache.js'
import { ticketRoutes } from './modules/tickets/ticket.routes.js'
import { ticketIdByNumber } from './modules/tickets/ticket.service.js'
import { userRoutes } from './modules/users/user.routes.js'

export interface AppOptions {
  config: Config
  database: Database
  queue: JobQueue
  /** The process's metrics registry (shared with an embedded worker); a fresh one when omitted. */
  metrics?: Metrics
  /** Tests pass `false` to keep output quiet. */
  logger?: FastifyServerOptions['logger']
}

export const BODY_LIMIT_BYTES = 1024 * 1024

export async function buildApp({ config, database, queue, logger, metrics = createMetrics() }: AppOptions) {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    bodyLimit: BODY_LIMIT_BYTES,
    // A caller's X-Request-Id when it is a short token (see requestId), else a fresh one.
    requestIdHeader: false,
    // Behind a reverse proxy, TRUST_PROXY makes request.ip (rate limits, logs) the client's address.
    trustProxy: config.trustProxy,
    genReqId: requestId,
    // A URL that does not decode, or an over-long path parameter, answers in the envelope too.
    frameworkErrors,
    ...serverTimeouts(config.http),
  }).withTypeProvider<TypeBoxTypeProvider>()

  registerValidators(app)
  registerErrorHandlers(app)
  registerBodyParsers(app)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // Only where the app is served over HTTPS: on a plain-HTTP install (a LAN address, say)
        // this would make the browser fetch every asset over https and fail.
        upgradeInsecureRequests: config.appUrl.startsWith('https:') ? [] : null,
      },
    },
    // HSTS over plain HTTP is ignored by browsers anyway; send it only where it means something.
    strictTransportSecurity: config.appUrl.startsWith('https:'),
  })
  await app.register(cookie)
  if (config.corsOrigins.length > 0) {
    // @fastify/cors allows only GET, HEAD and POST by default: a browser app must also PATCH, PUT, DELETE.
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['x-request-id', 'retry-after'],
    })
  }
  await app.register(rateLimit, { global: false })
  registerCsrfGuard(app, config.trustedOrigins)
  registerNulGuard(app)
  registerNoStore(app)
  registerMetrics(app, metrics.registry, config.metricsToken)

  app.addSchema(ErrorEnvelope)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Smart Ticket System API',
        version: '1.0.0',
        description: 'Support tickets with background triage and assignment. Auth: the `sid` session cookie.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } } },
      security: [{ session: [] }],
    },
    // A prefix's root route is registered as "/api/users/"; document it as the contract writes it.
    transform: ({ schema, url }) => ({ schema, url: url.length > 1 ? url.replace(/\/+$/, '') : url }),
    transformObject: (document) =>
      withoutValidatorKeywords('openapiObject' in document ? document.openapiObject : document.swaggerObject),
    refResolver: { buildLocalReference: componentName },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  const sessions = createSessionCache({ ttlMs: config.sessionCacheSeconds * 1000 })
  const queuePages = createPageCache({ ttlMs: config.queueCacheMs })
  const bus = await startTicketChangeBus(database, app.log, (live) => {
    sessions.setAnnouncementsLive(live)
    queuePages.setChangesLive(live)
  })
  // A change of anyone's rights or sessions, from any process: forget what was looked up for them.
  bus.subscribeAccess((change) => sessions.forgetUser(change.user_id))
  // Any ticket or comment change, from any process: the queue's kept pages are out of date.
  bus.subscribe(() => queuePages.invalidate())
  // A write answered here has committed by the time its response is sent: its writer's next read
  // must see it, before the change's notification comes back round.
  app.addHook('onSend', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') queuePages.invalidate()
  })
  app.addHook('onClose', () => bus.stop())
  const notifier = createNotifier({
    queue,
    appUrl: config.appUrl,
    smtpEnabled: config.mail.smtpUrl !== undefined,
    messageDomain: messageIdDomain(config),
  })
  const deps: RouteDeps = { config, database, queue, notifier, sessions, queuePages }
  await applySearchLanguage(database.db, config.searchLanguage, app.log)
  await app.register(healthRoutes, deps)
  await app.register(authRoutes, { ...deps, prefix: '/api/auth' })
  // Bearer-token auth of its own (relay services have no session).
  await app.register(inboundEmailRoute, {
    ...deps,
    intake: { db: database.db, queue, notifier, config, ticketIdByNumber },
    prefix: '/api/inbound',
  })
  // The emailed token is the credential: no session needed.
  await app.register(satisfactionRoutes, { ...deps, prefix: '/api/satisfaction' })
  await app.register(
    async (api) => {
      // Everything below needs a signed-in user; auth, health and docs are registered outside.
      api.addHook('onRequest', authenticate(database.db, sessions))
      await api.register(ticketRoutes, { ...deps, prefix: '/tickets' })
      await api.register(similarRoutes, { ...deps, prefix: '/tickets' })
      await api.register(searchRoutes, { ...deps, prefix: '/tickets' })
      await api.register(attachmentRoutes, deps)
      await api.register(userRoutes, { ...deps, prefix: '/users' })
      await api.register(skillRoutes, { ...deps, prefix: '/skills' })
      await api.register(slaPolicyRoutes, { ...deps, prefix: '/sla-policies' })
      await api.register(emailRoutes, { ...deps, prefix: '/admin' })
      await api.register(inboundAdminRoutes, { ...deps, prefix: '/admin' })
      await api.register(originalEmailRoutes, { ...deps, prefix: '/tickets' })
      await api.register(eventRoutes, { ...deps, bus })
      await api.register(reportRoutes, { ...deps, prefix: '/reports' })
    },
    { prefix: '/api' },
  )
  await registerWebUi(app)
  // A new installation starts with one default SLA policy (admins edit it): see the README.
  if (await ensureDefaultPolicy(database.db)) app.log.info('created the default SLA policy')

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
