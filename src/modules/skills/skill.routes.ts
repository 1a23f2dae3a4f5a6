import Type from 'typebox'
import { notFound } from '../../errors.js'
import { Envelope, ok, RESOURCE_ERRORS } from '../../http/envelope.js'
import { IdParams, isUuid } from '../../http/schemas.js'
import { trimFields } from '../../http/trim.js'
import type { RoutePlugin } from '../../http/types.js'
import { requireRole } from '../auth/auth.hooks.js'
import { listSkills } from './skill.repository.js'
import { CreateSkillBody, SkillSchema, UpdateSkillBody } from './skill.schemas.js'
import * as skillService from './skill.service.js'

const errors = RESOURCE_ERRORS
const adminOnly = requireRole(['admin'], 'Only admins can manage skills')
const skillId = (id: string) => {
  if (!isUuid(id)) throw notFound('Skill not found')
  return id
}

export const skillRoutes: RoutePlugin = async (app, { database }) => {
  const { db } = database

  app.get(
    '/',
    {
      schema: {
        tags: ['skills'],
        summary: 'The skills catalog',
        response: { 200: Envelope(Type.Array(SkillSchema)), ...errors },
      },
    },
    async () => ok(200, 'Skills retrieved successfully', await listSkills(db)),
  )

  app.post(
    '/',
    {
      onRequest: adminOnly,
      preValidation: trimFields(['name', 'description']),
      schema: {
        tags: ['skills'],
        summary: 'Add a skill',
        body: CreateSkillBody,
        response: { 201: Envelope(SkillSchema), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(ok(201, 'Skill created successfully', await skillService.createSkill(db, request.body))),
  )

  app.patch(
    '/:id',
    {
      onRequest: adminOnly,
      preValidation: trimFields(['name', 'description']),
      schema: {
        tags: ['skills'],
        summary: 'Edit a skill',
        params: IdParams,
        body: UpdateSkillBody,
        response: { 200: Envelope(SkillSchema), ...errors },
      },
    },
    async (request) =>
      ok(
        200,
        'Skill updated successfully',
        await skillService.updateSkill(db, skillId(request.params.id), request.body),
      ),
  )

  app.delete(
    '/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['skills'],
        summary: 'Remove a skill',
        params: IdParams,
        response: { 200: Envelope(Type.Null()), ...errors },
      },
    },
    async (request) => {
      await skillService.deleteSkill(db, skillId(request.params.id))
      return ok(200, 'Skill deleted successfully', null)
    },
  )
}
