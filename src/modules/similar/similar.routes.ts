import Type from 'typebox'
import { Envelope, ok, RESOURCE_ERRORS } from '../../http/envelope.js'
import { IdParams } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { currentUser, requireRole } from '../auth/auth.hooks.js'
import { toTicketDto } from '../tickets/ticket.repository.js'
import { loadVisibleTicket } from '../tickets/ticket.service.js'
import { STAFF_ROLES } from '../users/roles.js'
import {
  OwnSimilarQuery,
  SimilarQuery,
  type SimilarTicketDto,
  SimilarTicketSchema,
} from './similar.schemas.js'
import { ownSimilarOpen, type SimilarTicket, similarTickets } from './similar.service.js'

const toDto = (s: SimilarTicket): SimilarTicketDto => ({
  ...toTicketDto(s.ticket),
  similarity: s.similarity,
  resolution: s.resolution,
})

/** /api/tickets/:id/similar (staff) and /api/tickets/own-similar (anyone, their own tickets). */
export const similarRoutes: RoutePlugin = async (app, { database }) => {
  const { db } = database

  app.get(
    '/own-similar',
    {
      schema: {
        tags: ['tickets'],
        summary:
          "Before filing: the caller's own open tickets that look like this title and description (at most 3, similarity ≥ 0.35), best first",
        querystring: OwnSimilarQuery,
        response: { 200: Envelope(Type.Array(SimilarTicketSchema)), ...RESOURCE_ERRORS },
      },
    },
    async (request) => {
      const { title, description = '' } = request.query
      const found = await ownSimilarOpen(db, currentUser(request).id, { title, description })
      return ok(200, 'Similar tickets retrieved successfully', found.map(toDto))
    },
  )

  app.get(
    '/:id/similar',
    {
      onRequest: requireRole(STAFF_ROLES, 'Only moderators and admins can view similar tickets'),
      schema: {
        tags: ['tickets'],
        summary:
          'The tickets most like this one (moderator/admin), best first, each with similarity (0–1) and resolution (limit: default 5, max 20)',
        params: IdParams,
        querystring: SimilarQuery,
        response: { 200: Envelope(Type.Array(SimilarTicketSchema)), ...RESOURCE_ERRORS },
      },
    },
    async (request) => {
      const ticket = await loadVisibleTicket(db, currentUser(request), request.params.id)
      const found = await similarTickets(db, ticket, request.query.limit ?? 5)
      return ok(200, 'Similar tickets retrieved successfully', found.map(toDto))
    },
  )
}
