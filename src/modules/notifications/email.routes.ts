import Type from 'typebox'
import { EMAIL_STATUSES } from '../../db/schema.js'
import { errorResponses, okPage, PagedEnvelope } from '../../http/envelope.js'
import { DateTime, Nullable, PaginationQuery, StringEnum } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { requireRole } from '../auth/auth.hooks.js'
import { listEmails } from './email.repository.js'

const EmailSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    to: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    status: StringEnum(EMAIL_STATUSES, ''),
    attempts: Type.Integer(),
    last_error: Nullable(Type.String()),
    ticket_id: Nullable(Type.String({ format: 'uuid' })),
    message_id: Nullable(Type.String()),
    created_at: DateTime,
    sent_at: Nullable(DateTime),
  },
  { $id: 'Email' },
)

const Query = Type.Object({ ...PaginationQuery, to: Type.Optional(Type.String({ maxLength: 254 })) })

/** /api/admin/emails: the outbox, newest first (admin). */
export const emailRoutes: RoutePlugin = async (app, { database }) => {
  app.get(
    '/emails',
    {
      onRequest: requireRole(['admin'], 'Only admins can view the email outbox'),
      schema: {
        tags: ['admin'],
        summary: 'Every email the system recorded, with its delivery state',
        querystring: Query,
        response: { 200: PagedEnvelope(EmailSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { page = 1, limit = 20, to } = request.query
      const { rows, total } = await listEmails(database.db, { to }, { offset: (page - 1) * limit, limit })
      const data = rows.map((e) => ({
        id: e.id,
        to: e.to,
        subject: e.subject,
        text: e.text,
        status: e.status,
        attempts: e.attempts,
        last_error: e.lastError,
        ticket_id: e.ticketId,
        message_id: e.messageId,
        created_at: e.createdAt,
        sent_at: e.sentAt,
      }))
      return okPage('Emails retrieved successfully', data, { total, page, limit })
    },
  )
}
