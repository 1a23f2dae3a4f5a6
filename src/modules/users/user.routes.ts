import { Envelope, ok, okPage, PagedEnvelope, RESOURCE_ERRORS } from '../../http/envelope.js'
import { IdParams } from '../../http/schemas.js'
import { trimFields } from '../../http/trim.js'
import type { RoutePlugin } from '../../http/types.js'
import { currentUser, requireRole } from '../auth/auth.hooks.js'
import { listUsers } from './user.repository.js'
import { CreateUserBody, ListUsersQuery, SetSkillsBody, UpdateUserBody, UserSchema } from './user.schemas.js'
import * as userService from './user.service.js'

const errors = RESOURCE_ERRORS

/** Admin-only user management. `authenticate` runs in the parent scope. */
export const userRoutes: RoutePlugin = async (app, { database, queue, sessions }) => {
  const { db } = database
  app.addHook('onRequest', requireRole(['admin'], 'Only admins can manage users'))

  app.get(
    '/',
    {
      schema: {
        tags: ['users'],
        summary: 'List users, newest first',
        querystring: ListUsersQuery,
        response: { 200: PagedEnvelope(UserSchema), ...errors },
      },
    },
    async (request) => {
      const { page = 1, limit = 20, role, q } = request.query
      const { rows, total } = await listUsers(db, { role, q }, { offset: (page - 1) * limit, limit })
      return okPage('Users retrieved successfully', rows, { total, page, limit })
    },
  )

  app.post(
    '/',
    {
      preValidation: trimFields(['email', 'name']),
      schema: {
        tags: ['users'],
        summary: 'Create a user with any role',
        body: CreateUserBody,
        response: { 201: Envelope(UserSchema), ...errors },
      },
    },
    async (request, reply) => {
      const user = await userService.createUser(db, request.body)
      return reply.code(201).send(ok(201, 'User created successfully', user))
    },
  )

  app.get(
    '/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: IdParams,
        response: { 200: Envelope(UserSchema), ...errors },
      },
    },
    async (request) =>
      ok(200, 'User retrieved successfully', await userService.getUser(db, request.params.id)),
  )

  app.patch(
    '/:id',
    {
      preValidation: trimFields(['name']),
      schema: {
        tags: ['users'],
        summary: 'Change role, activity or name; deactivating revokes the sessions',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: Envelope(UserSchema), ...errors },
      },
    },
    async (request) => {
      const user = await userService.updateUserByAdmin(
        db,
        queue,
        currentUser(request).id,
        request.params.id,
        request.body,
      )
      sessions.forgetUser(user.id)
      return ok(200, 'User updated successfully', user)
    },
  )

  app.put(
    '/:id/skills',
    {
      schema: {
        tags: ['users'],
        summary: "Replace a moderator's skills",
        params: IdParams,
        body: SetSkillsBody,
        response: { 200: Envelope(UserSchema), ...errors },
      },
    },
    async (request) =>
      ok(
        200,
        'User skills updated successfully',
        await userService.setUserSkills(db, request.params.id, request.body),
      ),
  )
}
