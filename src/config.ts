// One environment schema → one typed config. Every setting the app reads is here.
import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'

const Port = Type.Integer({ minimum: 0, maximum: 65535 })

const EnvSchema = Type.Object({
  NODE_ENV: Type.Optional(Type.String()),
  PORT: Type.Optional(Port),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String()),
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  ADMIN_EMAIL: Type.Optional(Type.String()),
  ADMIN_PASSWORD: Type.Optional(Type.String()),
  AI_PROVIDER: Type.Optional(
    Type.Union([Type.Literal('local'), Type.Literal('gemini'), Type.Literal('openai')]),
  ),
  GEMINI_API_KEY: Type.Optional(Type.String()),
  GEMINI_MODEL: Type.Optional(Type.String()),
  GEMINI_BASE_URL: Type.Optional(Type.String()),
  OPENAI_BASE_URL: Type.Optional(Type.String()),
  OPENAI_API_KEY: Type.Optional(Type.String()),
  OPENAI_MODEL: Type.Optional(Type.String()),
  SMTP_URL: Type.Optional(Type.String()),
  MAIL_FROM: Type.Optional(Type.String()),
  APP_URL: Type.Optional(Type.String()),
  WORKER: Type.Optional(Type.Union([Type.Literal('embedded'), Type.Literal('off')])),
  COOKIE_SECURE: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  AUTH_RATE_LIMIT: Type.Optional(Type.Integer({ minimum: 1 })),
  TICKET_RATE_LIMIT: Type.Optional(Type.Integer({ minimum: 1 })),
  COMMENT_RATE_LIMIT: Type.Optional(Type.Integer({ minimum: 1 })),
  CORS_ORIGINS: Type.Optional(Type.String()),
  LOG_LEVEL: Type.Optional(
    Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  ),
  SESSION_TTL_HOURS: Type.Optional(Type.Integer({ minimum: 1 })),
  JOB_TIMEOUT_SECONDS: Type.Optional(Type.Integer({ minimum: 2, maximum: 3600 })),
  WORKER_CONCURRENCY: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  WORKFLOW_STEPS_RETENTION_DAYS: Type.Optional(Type.Integer({ minimum: 1 })),
  AUTO_CLOSE_DAYS: Type.Optional(Type.Integer({ minimum: 0 })),
  TRUST_PROXY: Type.Optional(Type.String()),
  INBOUND_ADDRESS: Type.Optional(Type.String({ pattern: '^[^@\\s<>]+@[^@\\s<>]+$' })),
  INBOUND_SMTP_PORT: Type.Optional(Port),
  INBOUND_SMTP_HOST: Type.Optional(Type.String({ minLength: 1 })),
  INBOUND_MAX_BYTES: Type.Optional(Type.Integer({ minimum: 1024 })),
  INBOUND_SENDER_RATE: Type.Optional(Type.Integer({ minimum: 1 })),
  IMAP_URL: Type.Optional(Type.String({ pattern: '^imaps?://' })),
  IMAP_POLL_SECONDS: Type.Optional(Type.Integer({ minimum: 1 })),
  INBOUND_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 512 })),
  REQUEST_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 100 })),
  HEADERS_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 100 })),
  IDLE_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 100 })),
  KEEP_ALIVE_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 100 })),
  SSE_MAX_PER_USER: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  ATTACHMENT_MAX_BYTES: Type.Optional(Type.Integer({ minimum: 1 })),
  SEARCH_LANGUAGE: Type.Optional(Type.String({ pattern: '^[a-z_]{1,63}$' })),
})
type Env = Static<typeof EnvSchema>

export interface Config {
  env: string
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  admin: { email: string; password: string } | undefined
  ai: {
    provider: 'local' | 'gemini' | 'openai'
    gemini: { apiKey: string | undefined; model: string; baseUrl: string | undefined }
    openai: { apiKey: string | undefined; model: string; baseUrl: string | undefined }
  }
  mail: { smtpUrl: string | undefined; from: string }
  appUrl: string
  /**
   * Origins a browser may send state-changing requests from: APP_URL's and CORS_ORIGINS (and, with
   * no APP_URL, the loopback names of the default address). Never derived from a request's Host.
   */
  trustedOrigins: string[]
  worker: 'embedded' | 'off'
  cookieSecure: boolean
  authRateLimit: number
  /** Tickets, and comments, one user may create per minute. */
  ticketRateLimit: number
  commentRateLimit: number
  corsOrigins: string[]
  logLevel: string
  sessionTtlHours: number
  jobs: {
    timeoutSeconds: number
    concurrency: number
    /** Days a finished workflow's step records are kept (housekeeping deletes older ones). */
    stepRetentionDays: number
    /** Days a resolved ticket may sit untouched before housekeeping closes it; 0: never. */
    autoCloseDays: number
  }
  /** Fastify's trustProxy: false, true (any proxy), or the proxies' addresses/CIDRs. */
  trustProxy: boolean | string[]
  inbound: {
    /** The support address, lower-case: accepted by the SMTP listener, Reply-To of what we send. */
    address: string | undefined
    smtp: { port: number; host: string } | undefined
    maxBytes: number
    /** Messages one sender may have filed (tickets and comments) per hour. */
    senderRatePerHour: number
    imap: { url: string; pollSeconds: number } | undefined
    token: string | undefined
  }
  /** Bearer token /metrics asks for; unset: /metrics does not exist. */
  metricsToken: string | undefined
  /** How long a client may take, so slow or silent clients cannot hold connections open. */
  http: {
    /** To receive a whole request, headers and body (Node answers 408 past it). */
    requestTimeoutMs: number
    /** To receive the headers; shorter than requestTimeoutMs. */
    headersTimeoutMs: number
    /** A socket with no traffic either way is closed (live streams send heartbeats and are exempt). */
    idleTimeoutMs: number
    /** An idle keep-alive connection between requests is closed. */
    keepAliveTimeoutMs: number
  }
  /** Live event streams (GET /api/events): how many one user may hold open at once. */
  sse: { maxPerUser: number }
  /** The largest file one attachment may be (upload or email); larger ones are refused (413) or skipped. */
  attachmentMaxBytes: number
  /** The text search configuration documents are built with: stemming and stop words (`simple`: none). */
  searchLanguage: string
}

export class ConfigError extends Error {}

function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
}

/** Reads the environment (or a test's overrides) into a Config; throws ConfigError naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw = Object.fromEntries(
    Object.entries(source).filter(
      ([key, value]) => key in EnvSchema.properties && value !== undefined && value !== '',
    ),
  )
  const env = Value.Convert(EnvSchema, raw) as Env
  if (!Value.Check(EnvSchema, env)) {
    const problems = [...Value.Errors(EnvSchema, env)].map((e) => `${e.instancePath.slice(1)} ${e.message}`)
    throw new ConfigError(`Invalid configuration: ${[...new Set(problems)].join('; ')}`)
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither')
  }
  if (env.INBOUND_SMTP_PORT !== undefined && env.INBOUND_ADDRESS === undefined) {
    throw new ConfigError(
      'Invalid configuration: INBOUND_SMTP_PORT needs INBOUND_ADDRESS (the address it accepts mail for)',
    )
  }
  // The first admin's password follows the rule every password does (api-contract.md: 8-128).
  if (env.ADMIN_PASSWORD !== undefined && [...env.ADMIN_PASSWORD].length < 8) {
    throw new ConfigError('Invalid configuration: ADMIN_PASSWORD must be at least 8 characters long')
  }
  if (env.ADMIN_PASSWORD !== undefined && [...env.ADMIN_PASSWORD].length > 128) {
    throw new ConfigError('Invalid configuration: ADMIN_PASSWORD cannot exceed 128 characters')
  }
  const nodeEnv = env.NODE_ENV ?? 'development'
  const port = env.PORT ?? 3000
  const host = env.HOST ?? '127.0.0.1'
  const appUrl = (env.APP_URL ?? `http://${host}:${port}`).replace(/\/+$/, '')
  const appOrigin = originOf(appUrl)
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean)
  // Without APP_URL the app is reached on this machine, as localhost or 127.0.0.1 alike.
  const loopback =
    env.APP_URL === undefined
      ? ['localhost', '127.0.0.1', '[::1]'].map((name) => `http://${name}:${port}`)
      : []
  const https = appUrl.startsWith('https:')
  return {
    env: nodeEnv,
    port,
    host,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR ?? './data',
    admin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }
        : undefined,
    ai: {
      provider: env.AI_PROVIDER ?? 'local',
      gemini: {
        apiKey: env.GEMINI_API_KEY,
        model: env.GEMINI_MODEL ?? 'gemini-2.5-flash',
        baseUrl: env.GEMINI_BASE_URL,
      },
      openai: {
        apiKey: env.OPENAI_API_KEY,
        model: env.OPENAI_MODEL ?? 'gpt-4o-mini',
        baseUrl: env.OPENAI_BASE_URL,
      },
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM ?? 'Smart Ticket System <no-reply@localhost>' },
    appUrl,
    trustedOrigins: [...new Set([appOrigin, ...loopback, ...corsOrigins])],
    worker: env.WORKER ?? 'embedded',
    // A browser on an https APP_URL always accepts a Secure cookie: there is no reason to send
    // the session any other way, so COOKIE_SECURE only decides for plain-HTTP addresses.
    cookieSecure: https || (env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : nodeEnv === 'production'),
    authRateLimit: env.AUTH_RATE_LIMIT ?? 10,
    ticketRateLimit: env.TICKET_RATE_LIMIT ?? 30,
    commentRateLimit: env.COMMENT_RATE_LIMIT ?? 60,
    corsOrigins,
    logLevel: env.LOG_LEVEL ?? 'info',
    sessionTtlHours: env.SESSION_TTL_HOURS ?? 24 * 7,
    jobs: {
      timeoutSeconds: env.JOB_TIMEOUT_SECONDS ?? 300,
      concurrency: env.WORKER_CONCURRENCY ?? 4,
      stepRetentionDays: env.WORKFLOW_STEPS_RETENTION_DAYS ?? 7,
      autoCloseDays: env.AUTO_CLOSE_DAYS ?? 7,
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    inbound: {
      address: env.INBOUND_ADDRESS?.trim().toLowerCase(),
      smtp:
        env.INBOUND_SMTP_PORT === undefined
          ? undefined
          : { port: env.INBOUND_SMTP_PORT, host: env.INBOUND_SMTP_HOST ?? host },
      maxBytes: env.INBOUND_MAX_BYTES ?? 26_214_400,
      senderRatePerHour: env.INBOUND_SENDER_RATE ?? 20,
      imap: env.IMAP_URL ? { url: env.IMAP_URL, pollSeconds: env.IMAP_POLL_SECONDS ?? 60 } : undefined,
      token: env.INBOUND_TOKEN,
    },
    metricsToken: env.METRICS_TOKEN,
    http: httpTimeouts(env),
    sse: { maxPerUser: env.SSE_MAX_PER_USER ?? 5 },
    attachmentMaxBytes: env.ATTACHMENT_MAX_BYTES ?? 10_485_760,
    searchLanguage: env.SEARCH_LANGUAGE ?? 'english',
  }
}

function originOf(appUrl: string): string {
  const url = URL.canParse(appUrl) ? new URL(appUrl) : undefined
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('Invalid configuration: APP_URL must be an http:// or https:// URL')
  }
  return url.origin
}

function httpTimeouts(env: Env): Config['http'] {
  const requestTimeoutMs = env.REQUEST_TIMEOUT_MS ?? 30_000
  const headersTimeoutMs = env.HEADERS_TIMEOUT_MS ?? Math.min(10_000, requestTimeoutMs - 1)
  // Node refuses headersTimeout > requestTimeout; equal would race the two for the same request.
  if (headersTimeoutMs >= requestTimeoutMs) {
    throw new ConfigError('Invalid configuration: HEADERS_TIMEOUT_MS must be less than REQUEST_TIMEOUT_MS')
  }
  // Keep-alive above common load balancers' 60 s idle timeout, so they never reuse a socket we are
  // closing; the idle timeout above keep-alive, so it never cuts a connection keep-alive would keep.
  const keepAliveTimeoutMs = env.KEEP_ALIVE_TIMEOUT_MS ?? 72_000
  const idleTimeoutMs = env.IDLE_TIMEOUT_MS ?? Math.max(120_000, keepAliveTimeoutMs + 1000)
  return { requestTimeoutMs, headersTimeoutMs, idleTimeoutMs, keepAliveTimeoutMs }
}
