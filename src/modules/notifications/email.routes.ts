import Type from 'typebox'
import { errorResponses, okPage, PagedEnvelope } from '../../http/envelope.js'
import { PaginationQuery } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { requireRole } from '../auth/auth.hooks.js'
import { listEmails } from './email.repository.js'
import { EmailSchema } from './email.schemas.js'

/**
 * A reset link in the outbox would let whoever reads it (an admin) sign in as the recipient: the
 * listing shows where the link went, never the token (the delivery job reads the row itself).
 */
const hideResetTokens = (text: string) => text.replace(/(reset-password\?token=)[^\s&]+/g, '$1[hidden]')

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
        text: hideResetTokens(e.text),
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
