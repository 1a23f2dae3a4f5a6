import Type from 'typebox'
import { errorResponses, okPage, PagedEnvelope } from '../../http/envelope.js'
import { PaginationQuery } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { requireRole } from '../auth/auth.hooks.js'
import { listEmails } from './email.repository.js'
import { EmailSchema } from './email.schemas.js'

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
        created_at: e.createdAt,
        sent_at: e.sentAt,
      }))
      return okPage('Emails retrieved successfully', data, { total, page, limit })
    },
  )
}
