// /api/sla-policies (admin): service-level policies (api-contract.md, "Service levels").
import Type from 'typebox'
import { notFound } from '../../errors.js'
import { Envelope, ok, RESOURCE_ERRORS } from '../../http/envelope.js'
import { IdParams, isUuid } from '../../http/schemas.js'
import type { RoutePlugin } from '../../http/types.js'
import { requireRole } from '../auth/auth.hooks.js'
import { CreateSlaPolicyBody, SlaPolicySchema, UpdateSlaPolicyBody } from './sla.schemas.js'
import * as slaService from './sla.service.js'

const errors = RESOURCE_ERRORS
const adminOnly = requireRole(['admin'], 'Only admins can manage SLA policies')
const policyId = (id: string) => {
  if (!isUuid(id)) throw notFound(slaService.POLICY_NOT_FOUND)
  return id
}

export const slaPolicyRoutes: RoutePlugin = async (app, { database }) => {
  const { db } = database

  app.get(
    '/',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['sla'],
        summary: 'SLA policies: skill policies in order (first match wins), then the default',
        response: { 200: Envelope(Type.Array(SlaPolicySchema)), ...errors },
      },
    },
    async () => ok(200, 'SLA policies retrieved successfully', await slaService.listPolicies(db)),
  )

  app.post(
    '/',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['sla'],
        summary: 'Add an SLA policy',
        body: CreateSlaPolicyBody,
        response: { 201: Envelope(SlaPolicySchema), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(ok(201, 'SLA policy created successfully', await slaService.createPolicy(db, request.body))),
  )

  app.patch(
    '/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['sla'],
        summary: 'Edit an SLA policy (applies to tickets re-targeted from now on)',
        params: IdParams,
        body: UpdateSlaPolicyBody,
        response: { 200: Envelope(SlaPolicySchema), ...errors },
      },
    },
    async (request) =>
      ok(
        200,
        'SLA policy updated successfully',
        await slaService.updatePolicy(db, policyId(request.params.id), request.body),
      ),
  )

  app.delete(
    '/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['sla'],
        summary: 'Remove an SLA policy (not the default)',
        params: IdParams,
        response: { 200: Envelope(Type.Null()), ...errors },
      },
    },
    async (request) => {
      await slaService.deletePolicy(db, policyId(request.params.id))
      return ok(200, 'SLA policy deleted successfully', null)
    },
  )
}
