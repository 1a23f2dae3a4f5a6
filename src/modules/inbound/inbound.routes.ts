// POST /api/inbound/email (relay services, bearer token) and GET /api/admin/inbound (admin).
import { timingSafeEqual } from 'node:crypto'
import Type from 'typebox'
import type { Config } from '../../config.js'
import type { InboundFetchStateRow } from '../../db/schema.js'
import { unauthenticated } from '../../errors.js'
import { Envelope, errorResponses, ok, okPage, PagedEnvelope } from '../../http/envelope.js'
import { PaginationQuery } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { currentUser, requireRole } from '../auth/auth.hooks.js'
import { parseImapUrl } from './imap-poller.js'
import * as repo from './inbound.repository.js'
import {
  InboundMessageSchema,
  type InboundStatusDto,
  InboundStatusSchema,
  OriginalEmailSchema,
  ReceivedSchema,
} from './inbound.schemas.js'
import { type IntakeDeps, receiveMessage } from './intake.js'
import { originalEmail } from './original.service.js'

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
        response: { 200: Envelope(InboundStatusSchema), ...errorResponses(401, 403) },
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
        imap: imapState(config.inbound.imap, states, new Date()),
      })
    },
  )
}

/** A slack on top of two poll intervals before a quiet mailbox counts as disconnected. */
const CONNECTED_SLACK_MS = 60_000

/**
 * The configured mailbox's state from its fetch record (written by whichever process polls it):
 * connected while fetches keep succeeding. The poller records a fetch at least every poll
 * interval (IDLE or not), so one older than two intervals means it stopped.
 */
export function imapState(
  imap: Config['inbound']['imap'],
  states: InboundFetchStateRow[],
  now: Date,
): InboundStatusDto['imap'] {
  if (!imap) return null
  const mailbox = parseImapUrl(imap.url).name
  const state = states.find((s) => s.source === mailbox)
  const lastFetch = state?.lastFetchAt ?? null
  const lastError = state?.lastErrorAt ?? null
  const connected =
    lastFetch !== null &&
    (lastError === null || lastFetch >= lastError) &&
    now.getTime() - lastFetch.getTime() <= 2 * imap.pollSeconds * 1000 + CONNECTED_SLACK_MS
  return {
    mailbox,
    poll_seconds: imap.pollSeconds,
    connected,
    last_fetch_at: lastFetch,
    last_error_at: lastError,
    last_error: state?.lastError ?? null,
  }
}

const OriginalParams = Type.Object({ id: Type.String(), commentId: Type.String() })

/**
 * "Show original" (staff): GET /api/tickets/:id/original (the email that opened the ticket) and
 * GET /api/tickets/:id/comments/:commentId/original (the email a reply came in).
 */
export const originalEmailRoutes: RoutePlugin = async (app, { database }) => {
  const staffOnly = requireRole(['moderator', 'admin'], 'Only moderators and admins can view original emails')
  const response = { 200: Envelope(OriginalEmailSchema), ...errorResponses(401, 403, 404) }
  app.get(
    '/:id/original',
    {
      onRequest: staffOnly,
      schema: {
        tags: ['email'],
        summary: 'The email that opened the ticket, uncut: headers and full text (staff)',
        params: Type.Object({ id: Type.String() }),
        response,
      },
    },
    async (request) =>
      ok(
        200,
        'Original email retrieved successfully',
        await originalEmail(database.db, currentUser(request), request.params.id, null),
      ),
  )
  app.get(
    '/:id/comments/:commentId/original',
    {
      onRequest: staffOnly,
      schema: {
        tags: ['email'],
        summary: 'The email a comment came in, uncut: quoted history and signature included (staff)',
        params: OriginalParams,
        response,
      },
    },
    async (request) =>
      ok(
        200,
        'Original email retrieved successfully',
        await originalEmail(database.db, currentUser(request), request.params.id, request.params.commentId),
      ),
  )
}
