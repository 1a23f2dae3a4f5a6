import Type from 'typebox'
import { Envelope, errorResponses, ok, okPage, PagedEnvelope, RESOURCE_ERRORS } from '../../http/envelope.js'
import { rateLimitHook } from '../../http/rate-limit.js'
import { IdParams } from '../../http/schemas.js'
import { trimFields } from '../../http/trim.js'
import type { RoutePlugin } from '../../http/types.js'
import { currentUser, requireRole } from '../auth/auth.hooks.js'
import { STAFF_ROLES } from '../users/roles.js'
import { mergeTicket } from './merge.service.js'
import { restamped, sendJson } from './page-cache.js'
import {
  AllTicketsQuery,
  CommentSchema,
  CreateCommentBody,
  CreateTicketBody,
  MergeTicketBody,
  ThreadPageQuery,
  TicketEventSchema,
  TicketListQuery,
  TicketSchema,
  TicketWithPeopleSchema,
  UpdateTicketBody,
} from './ticket.schemas.js'
import * as ticketService from './ticket.service.js'

const errors = RESOURCE_ERRORS

/** /api/tickets — tickets-module.md plus api-contract.md's additions. `authenticate` runs in the parent scope. */
export const ticketRoutes: RoutePlugin = async (app, { config, database, queue, notifier, queuePages }) => {
  const { db } = database
  // Per signed-in user, not per address: each new ticket or comment emails someone, so one
  // account must not be able to flood staff (or a requester) with them.
  const ticketLimit = rateLimitHook(app, {
    max: config.ticketRateLimit,
    key: (request) => `tickets:${currentUser(request).id}`,
    what: 'too many new tickets',
  })
  const commentLimit = rateLimitHook(app, {
    max: config.commentRateLimit,
    key: (request) => `comments:${currentUser(request).id}`,
    what: 'too many comments',
  })

  app.post(
    '/',
    {
      preValidation: trimFields(['title', 'description']),
      preHandler: ticketLimit,
      schema: {
        tags: ['tickets'],
        summary: 'File a ticket; analysis and assignment run in the background',
        body: CreateTicketBody,
        response: { 201: Envelope(TicketSchema), ...errors, ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const ticket = await ticketService.createTicket(db, queue, currentUser(request), request.body)
      return reply.code(201).send(ok(201, 'Ticket created and processing started', ticket))
    },
  )

  app.get(
    '/',
    {
      schema: {
        tags: ['tickets'],
        summary: "The caller's tickets: those they filed and those they follow (participant), newest first",
        querystring: TicketListQuery,
        response: { 200: PagedEnvelope(TicketSchema), ...errors },
      },
    },
    async (request) => {
      const { rows, meta } = await ticketService.listOwnTickets(db, currentUser(request), request.query)
      return okPage('Tickets retrieved successfully', rows, meta)
    },
  )

  app.get(
    '/all',
    {
      onRequest: requireRole(STAFF_ROLES, 'Only moderators and admins can view all tickets'),
      schema: {
        tags: ['tickets'],
        summary:
          'Every ticket, newest first (sort=due: soonest SLA due first), with assignee and creator emails (moderator/admin)',
        querystring: AllTicketsQuery,
        response: { 200: PagedEnvelope(TicketWithPeopleSchema), ...errors },
      },
    },
    async (request, reply) => {
      // The same for every moderator and admin: kept a moment, forgotten at any change (page-cache.ts).
      const { body, fresh } = await queuePages.load(request.url, async () => {
        const { rows, meta } = await ticketService.listAllTickets(db, request.query)
        return String(reply.serialize(okPage('All tickets retrieved successfully', rows, meta)))
      })
      return sendJson(reply, fresh ? body : restamped(body))
    },
  )

  app.get(
    '/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: 'One ticket (its creator, or any moderator/admin)',
        params: IdParams,
        response: { 200: Envelope(TicketSchema), ...errors },
      },
    },
    async (request) =>
      ok(
        200,
        'Ticket retrieved successfully',
        await ticketService.getTicket(db, currentUser(request), request.params.id),
      ),
  )

  app.patch(
    '/:id',
    {
      onRequest: requireRole(STAFF_ROLES, 'Only moderators can update tickets'),
      schema: {
        tags: ['tickets'],
        summary: 'Change status (along the workflow), helpful notes, priority or assignee (moderator/admin)',
        params: IdParams,
        body: UpdateTicketBody,
        response: { 200: Envelope(TicketSchema), ...errors },
      },
    },
    async (request) =>
      ok(
        200,
        'Ticket updated successfully',
        await ticketService.updateTicket(db, notifier, currentUser(request), request.params.id, request.body),
      ),
  )

  app.delete(
    '/:id',
    {
      onRequest: requireRole(STAFF_ROLES, 'Only moderators and admins can delete tickets'),
      schema: {
        tags: ['tickets'],
        summary: 'Delete a ticket permanently (moderator/admin)',
        params: IdParams,
        response: { 200: Envelope(Type.Null()), ...errors },
      },
    },
    async (request) => {
      await ticketService.deleteTicket(db, currentUser(request), request.params.id)
      return ok(200, 'Ticket deleted successfully', null)
    },
  )

  app.get(
    '/:id/comments',
    {
      schema: {
        tags: ['comments'],
        summary: "The ticket's comments, oldest first, a page at a time (page, limit: default 50, max 100)",
        params: IdParams,
        querystring: ThreadPageQuery,
        response: { 200: PagedEnvelope(CommentSchema), ...errors },
      },
    },
    async (request) => {
      const { rows, meta } = await ticketService.listComments(
        db,
        currentUser(request),
        request.params.id,
        request.query,
      )
      return okPage('Comments retrieved successfully', rows, meta)
    },
  )

  app.post(
    '/:id/comments',
    {
      preValidation: trimFields(['body']),
      preHandler: commentLimit,
      schema: {
        tags: ['comments'],
        summary:
          "Comment on a ticket (its creator or a moderator/admin); the creator's reply resumes a waiting ticket. `internal: true` (moderator/admin only) writes a staff-only note",
        params: IdParams,
        body: CreateCommentBody,
        response: { 201: Envelope(CommentSchema), ...errors, ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const comment = await ticketService.addComment(
        db,
        notifier,
        currentUser(request),
        request.params.id,
        request.body.body,
        request.body.internal ?? false,
        request.body.attachment_ids ?? [],
      )
      return reply.code(201).send(ok(201, 'Comment added successfully', comment))
    },
  )

  app.get(
    '/:id/history',
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Who changed what and when, oldest first, a page at a time (page, limit: default 50, max 100)',
        params: IdParams,
        querystring: ThreadPageQuery,
        response: { 200: PagedEnvelope(TicketEventSchema), ...errors },
      },
    },
    async (request) => {
      const { rows, meta } = await ticketService.listHistory(
        db,
        currentUser(request),
        request.params.id,
        request.query,
      )
      return okPage('Ticket history retrieved successfully', rows, meta)
    },
  )

  app.post(
    '/:id/merge',
    {
      onRequest: requireRole(STAFF_ROLES, 'Only moderators and admins can merge tickets'),
      schema: {
        tags: ['tickets'],
        summary:
          'Merge a duplicate into another ticket (moderator/admin): it is closed with merged_into, its comments and files move to the target, its requester follows the target and is told by email',
        params: IdParams,
        body: MergeTicketBody,
        response: { 200: Envelope(TicketSchema), ...errors },
      },
    },
    async (request) =>
      ok(
        200,
        'Ticket merged successfully',
        await mergeTicket(db, notifier, currentUser(request), request.params.id, request.body),
      ),
  )

  for (const decision of ['confirm', 'reopen'] as const) {
    app.post(
      `/:id/${decision}`,
      {
        schema: {
          tags: ['tickets'],
          summary:
            decision === 'confirm'
              ? 'The creator confirms the fix: resolved → closed'
              : 'The creator reopens: resolved → in_progress',
          params: IdParams,
          response: { 200: Envelope(TicketSchema), ...errors },
        },
      },
      async (request) =>
        ok(
          200,
          decision === 'confirm' ? 'Ticket closed successfully' : 'Ticket reopened successfully',
          await ticketService.creatorDecision(
            db,
            notifier,
            currentUser(request),
            request.params.id,
            decision,
          ),
        ),
    )
  }
}
