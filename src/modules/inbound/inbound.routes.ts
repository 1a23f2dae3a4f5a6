// POST /api/inbound/email (relay services, bearer token) and GET /api/admin/inbound (admin).
import { timingSafeEqual } from 'node:crypto'
import Type from 'typebox'
import { INBOUND_CHANNELS, INBOUND_OUTCOMES } from '../../db/schema.js'
import { unauthenticated } from '../../errors.js'
import { Envelope, errorResponses, ok, okPage, PagedEnvelope } from '../../http/envelope.js'
import { DateTime, Nullable, PaginationQuery, StringEnum } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { requireRole } from '../auth/auth.hooks.js'
import * as repo from './inbound.repository.js'
import { type IntakeDeps, receiveMessage } from './intake.js'

const MessageOutcome = StringEnum(INBOUND_OUTCOMES, '')

const ReceivedSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  outcome: MessageOutcome,
  ticket_id: Nullable(Type.String({ format: 'uuid' })),
  error: Nullable(Type.String()),
})

const InboundMessageSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    message_id: Nullable(Type.String()),
    from: Nullable(Type.String()),
    subject: Nullable(Type.String()),
    received_via: StringEnum(INBOUND_CHANNELS, ''),
    outcome: MessageOutcome,
    ticket_id: Nullable(Type.String({ format: 'uuid' })),
    ticket_number: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    received_at: DateTime,
  },
  { $id: 'InboundMessage' },
)

const FetchStateSchema = Type.Object({
  source: Type.String(),
  last_fetch_at: Nullable(DateTime),
  last_error_at: Nullable(DateTime),
  last_error: Nullable(Type.String()),
})

const httpError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode })

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * /api/inbound/email: the raw message as the body. Registered only when INBOUND_TOKEN is set
 * (otherwise the path answers 404 like any unknown route).
 */
export const inboundEmailRoute: RoutePlugin<{ intake: IntakeDeps }> = async (app, { config, intake }) => {
  const token = config.inbound.token
  if (!token) return
  const maxBytes = config.inbound.maxBytes

  // The raw message, counted while it streams: past INBOUND_MAX_BYTES it is refused (413)
  // without keeping the rest.
  app.addContentTypeParser(['message/rfc822', 'application/octet-stream'], (_request, payload, done) => {
    const chunks: Buffer[] = []
    let size = 0
    let finished = false
    const finish = (error: Error | null, body?: Buffer) => {
      if (finished) return
      finished = true
      done(error, body)
    }
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        chunks.length = 0
        finish(httpError(413, `the message cannot exceed ${maxBytes} bytes (INBOUND_MAX_BYTES)`))
        return
      }
      chunks.push(chunk)
    })
    payload.on('end', () => finish(null, Buffer.concat(chunks)))
    payload.on('error', (error) => finish(error))
  })

  app.post(
    '/email',
    {
      onRequest: async (request) => {
        const header = request.headers.authorization ?? ''
        const given = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
        if (!given || !sameToken(given, token)) throw unauthenticated()
        const length = Number(request.headers['content-length'])
        if (Number.isFinite(length) && length > maxBytes)
          throw httpError(413, `the message cannot exceed ${maxBytes} bytes (INBOUND_MAX_BYTES)`)
        const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
        if (type !== 'message/rfc822' && type !== 'application/octet-stream')
          throw httpError(415, 'send the raw message with Content-Type: message/rfc822')
      },
      schema: {
        tags: ['email'],
        summary: 'Deliver one incoming email (raw RFC 5322, message/rfc822), for relay services',
        security: [{ inboundToken: [] }],
        response: { 202: Envelope(ReceivedSchema), ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
      if (raw.length === 0) throw httpError(400, 'the request body (the raw message) is empty')
      const result = await receiveMessage(intake, raw, 'http')
      return reply.code(202).send(
        ok(202, 'Email received', {
          id: result.id,
          outcome: result.outcome,
          ticket_id: result.ticketId,
          error: result.error,
        }),
      )
    },
  )
}

/** /api/admin/inbound: every incoming message with its outcome, newest first; and the mailbox's state. */
export const inboundAdminRoutes: RoutePlugin = async (app, { database, config }) => {
  const adminOnly = requireRole(['admin'], 'Only admins can view incoming email')
  app.get(
    '/inbound',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['admin'],
        summary: 'Incoming emails and what each became (admin)',
        querystring: Type.Object({ ...PaginationQuery }),
        response: { 200: PagedEnvelope(InboundMessageSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { page = 1, limit = 20 } = request.query
      const { rows, total } = await repo.listMessages(database.db, { offset: (page - 1) * limit, limit })
      const data = rows.map((m) => ({
        id: m.id,
        message_id: m.messageId,
        from: m.fromAddress,
        subject: m.subject,
        received_via: m.receivedVia,
        outcome: m.outcome,
        ticket_id: m.ticketId,
        ticket_number: m.ticketNumber,
        error: m.error,
        received_at: m.receivedAt,
      }))
      return okPage('Inbound emails retrieved successfully', data, { total, page, limit })
    },
  )

  app.get(
    '/inbound/status',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['admin'],
        summary:
          'How mail comes in: listener, relay endpoint, mailbox with its last fetch and last error (admin)',
        response: {
          200: Envelope(
            Type.Object({
              address: Nullable(Type.String()),
              smtp_listener: Nullable(Type.Object({ host: Type.String(), port: Type.Integer() })),
              http_endpoint: Type.Boolean(),
              mailboxes: Type.Array(FetchStateSchema),
            }),
          ),
          ...errorResponses(401, 403),
        },
      },
    },
    async () => {
      const states = await repo.listFetchStates(database.db)
      return ok(200, 'Inbound email status retrieved successfully', {
        address: config.inbound.address ?? null,
        smtp_listener: config.inbound.smtp ?? null,
        http_endpoint: config.inbound.token !== undefined,
        mailboxes: states.map((s) => ({
          source: s.source,
          last_fetch_at: s.lastFetchAt,
          last_error_at: s.lastErrorAt,
          last_error: s.lastError,
        })),
      })
    },
  )
}
