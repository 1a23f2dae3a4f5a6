import type { FastifyReply } from 'fastify'
import Type from 'typebox'
import { Envelope, errorResponses, ok } from '../../http/envelope.js'
import type { RoutePlugin } from '../../http/types.js'
import { requireRole } from '../auth/auth.hooks.js'
import { STAFF_ROLES } from '../users/roles.js'
import {
  BacklogQuery,
  BacklogRowSchema,
  ModeratorRowSchema,
  ReportQuery,
  SkillRowSchema,
  SummaryQuery,
  SummaryRowSchema,
} from './report.schemas.js'
import * as reports from './report.service.js'

const errors = errorResponses(400, 401, 403)
const CSV_NOTE = ' `format=csv` answers text/csv (RFC 4180, a header row) instead of JSON.'

function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(body)
}

/** /api/reports — moderators and admins. `authenticate` runs in the parent scope. */
export const reportRoutes: RoutePlugin = async (app, { database }) => {
  const { db } = database
  app.addHook('onRequest', requireRole(STAFF_ROLES, 'Only moderators and admins can view reports'))

  app.get(
    '/summary',
    {
      schema: {
        tags: ['reports'],
        summary: `Per UTC day or ISO week: created, resolved, response and resolution times (median, p90), SLA met %, satisfaction.${CSV_NOTE}`,
        querystring: SummaryQuery,
        response: { 200: Envelope(Type.Array(SummaryRowSchema)), ...errors },
      },
    },
    async (request, reply) => {
      const rows = await reports.summary(db, request.query)
      if (request.query.format === 'csv') {
        const { from, to } = reports.parseRange(request.query)
        return sendCsv(reply, `summary-${from}-${to}`, reports.summaryCsv(rows))
      }
      return ok(200, 'Report retrieved', rows)
    },
  )

  app.get(
    '/moderators',
    {
      schema: {
        tags: ['reports'],
        summary: `Per moderator/admin: assigned, resolved, median first response, SLA met %, satisfaction.${CSV_NOTE}`,
        querystring: ReportQuery,
        response: { 200: Envelope(Type.Array(ModeratorRowSchema)), ...errors },
      },
    },
    async (request, reply) => {
      const rows = await reports.moderators(db, request.query)
      if (request.query.format === 'csv') {
        const { from, to } = reports.parseRange(request.query)
        return sendCsv(reply, `moderators-${from}-${to}`, reports.moderatorsCsv(rows))
      }
      return ok(200, 'Report retrieved', rows)
    },
  )

  app.get(
    '/skills',
    {
      schema: {
        tags: ['reports'],
        summary: `Per skill a ticket needs (its related_skills): created, resolved, median times, SLA met %, satisfaction.${CSV_NOTE}`,
        querystring: ReportQuery,
        response: { 200: Envelope(Type.Array(SkillRowSchema)), ...errors },
      },
    },
    async (request, reply) => {
      const rows = await reports.skills(db, request.query)
      if (request.query.format === 'csv') {
        const { from, to } = reports.parseRange(request.query)
        return sendCsv(reply, `skills-${from}-${to}`, reports.skillsCsv(rows))
      }
      return ok(200, 'Report retrieved', rows)
    },
  )

  app.get(
    '/backlog',
    {
      schema: {
        tags: ['reports'],
        summary: `Tickets now, by status and priority (exact counts).${CSV_NOTE}`,
        querystring: BacklogQuery,
        response: { 200: Envelope(Type.Array(BacklogRowSchema)), ...errors },
      },
    },
    async (request, reply) => {
      const rows = await reports.backlog(db)
      if (request.query.format === 'csv') return sendCsv(reply, 'backlog', reports.backlogCsv(rows))
      return ok(200, 'Report retrieved', rows)
    },
  )
}
