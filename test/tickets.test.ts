import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

let ctx: TestContext
let user: TestUser
let other: TestUser
let moderator: TestUser
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  other = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const MISSING = '00000000-0000-4000-8000-000000000000'
const valid = { title: 'Printer is jammed', description: 'The printer on floor 2 jams on every page.' }

describe('POST /api/tickets', () => {
  it('creates a ticket with the spec defaults and envelope', async () => {
    const { status, body } = await call(ctx, user, 'POST', '/api/tickets', {
      title: 'Cannot access user dashboard',
      description: 'When I try to access my dashboard, I get a 404 error.',
    })
    expect(status).toBe(201)
    expect(body).toMatchObject({
      success: true,
      statusCode: 201,
      message: 'Ticket created and processing started',
    })
    expect(body.timestamp).toMatch(ISO)
    expect(body.data).toEqual({
      id: expect.stringMatching(UUID),
      number: expect.any(Number),
      title: 'Cannot access user dashboard',
      description: 'When I try to access my dashboard, I get a 404 error.',
      status: 'todo',
      priority: 'medium',
      created_by: user.id,
      assigned_to: null,
      summary: null,
      helpful_notes: null,
      related_skills: null,
      processing_status: 'queued',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      // Additive (api-contract.md, "Reports and satisfaction"): no answer yet.
      satisfaction: null,
      // Service levels (README): the default policy's clock, running from creation.
      sla: expect.objectContaining({ policy_id: expect.stringMatching(UUID), state: 'ok', paused: false }),
      merged_into: null,
    })
  })

  it('enqueues the background workflow with the ticket, and records the creation in history', async () => {
    const ticket = await createTicket(ctx, user)
    const jobs = await ctx.database.db.execute(
      sql`SELECT name FROM pgboss.job WHERE data->>'ticketId' = ${ticket.id}`,
    )
    expect((jobs as unknown as { rows: { name: string }[] }).rows).toEqual([{ name: 'ticket-workflow' }])
    const history = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}/history`)
    expect(history.body.data).toEqual([
      expect.objectContaining({ type: 'created', actor: { id: user.id, email: user.email }, to: 'todo' }),
    ])
  })

  it('is open to moderators and admins too', async () => {
    for (const who of [moderator, admin]) {
      expect((await call(ctx, who, 'POST', '/api/tickets', valid)).status).toBe(201)
    }
  })

  it('answers 401 without a session', async () => {
    const { status, body } = await call(ctx, null, 'POST', '/api/tickets', valid)
    expect(status).toBe(401)
    expect(body).toEqual({
      success: false,
      statusCode: 401,
      message: 'Unauthorized access',
      timestamp: expect.stringMatching(ISO),
      path: '/api/tickets',
    })
  })

  const cases: [string, unknown, string][] = [
    ['a 4-character title', { ...valid, title: 'abcd' }, 'title must be at least 5 characters long'],
    ['a 201-character title', { ...valid, title: 'a'.repeat(201) }, 'title cannot exceed 200 characters'],
    [
      'a 9-character description',
      { ...valid, description: '123456789' },
      'description must be at least 10 characters long',
    ],
    [
      'a 5001-character description',
      { ...valid, description: 'd'.repeat(5001) },
      'description cannot exceed 5000 characters',
    ],
    ['a title of spaces', { ...valid, title: '        ' }, 'title must be at least 5 characters long'],
    ['a missing title', { description: valid.description }, 'title is required'],
    ['a missing description', { title: valid.title }, 'description is required'],
    ['a numeric title', { ...valid, title: 12345 }, 'title must be a string'],
    ['an unknown field', { ...valid, priority: 'high' }, 'property priority should not exist'],
    ['an array body', [valid], 'request body must be a JSON object'],
    ['a NUL character', { ...valid, title: 'Bad\u0000title' }, 'title must not contain NUL characters'],
  ]
  it.each(cases)('rejects %s with 400 and the rule', async (_label, payload, error) => {
    const { status, body } = await call(ctx, user, 'POST', '/api/tickets', payload)
    expect(status).toBe(400)
    expect(body).toMatchObject({
      success: false,
      statusCode: 400,
      message: 'Bad request',
      path: '/api/tickets',
      error,
    })
  })

  it('accepts the boundaries: 5 and 200 title characters, 10 and 5000 description characters', async () => {
    for (const payload of [
      { title: 'abcde', description: '0123456789' },
      { title: 't'.repeat(200), description: 'd'.repeat(5000) },
    ]) {
      const { status, body } = await call(ctx, user, 'POST', '/api/tickets', payload)
      expect(status).toBe(201)
      expect(body.data.title).toBe(payload.title)
    }
  })

  it('counts characters, not UTF-16 units, as PostgreSQL does', async () => {
    const title = '🔥'.repeat(200)
    expect((await call(ctx, user, 'POST', '/api/tickets', { ...valid, title })).status).toBe(201)
    expect((await call(ctx, user, 'POST', '/api/tickets', { ...valid, title: `${title}🔥` })).status).toBe(
      400,
    )
  })

  it('trims the title and description', async () => {
    const { body } = await call(ctx, user, 'POST', '/api/tickets', {
      title: '  Padded title  ',
      description: '\n  Padded description text \n',
    })
    expect(body.data).toMatchObject({ title: 'Padded title', description: 'Padded description text' })
  })

  it('answers 400 for a body that is not JSON', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { cookie: user.cookie, 'content-type': 'application/json' },
      payload: '{"title": ',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ message: 'Bad request', error: 'request body is not valid JSON' })
  })
})

describe('listing tickets', () => {
  let lister: TestUser
  const ids: string[] = []

  beforeAll(async () => {
    lister = await signedInUser(ctx, 'user')
    for (let i = 0; i < 5; i++)
      ids.push((await createTicket(ctx, lister, { title: `Lister ticket ${i}` })).id)
    // Make a spread of statuses and priorities.
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ids[0]}`, { status: 'in_progress', priority: 'high' })
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ids[1]}`, {
      priority: 'low',
      assigned_to: moderator.id,
    })
  })

  it('GET / lists only my tickets, newest first, with meta', async () => {
    const { status, body } = await call(ctx, lister, 'GET', '/api/tickets')
    expect(status).toBe(200)
    expect(body.message).toBe('Tickets retrieved successfully')
    expect(body.data.map((t) => t.id)).toEqual([...ids].reverse())
    expect(body.meta).toEqual({ total: 5, page: 1, limit: 20 })
    expect(body.data.every((t) => t.created_by === lister.id)).toBe(true)
  })

  it('pages without overlap', async () => {
    const first = await call(ctx, lister, 'GET', '/api/tickets?page=1&limit=2')
    const second = await call(ctx, lister, 'GET', '/api/tickets?page=2&limit=2')
    const third = await call(ctx, lister, 'GET', '/api/tickets?page=3&limit=2')
    const beyond = await call(ctx, lister, 'GET', '/api/tickets?page=99&limit=2')
    expect([...first.body.data, ...second.body.data, ...third.body.data].map((t) => t.id)).toEqual(
      [...ids].reverse(),
    )
    expect(second.body.meta).toEqual({ total: 5, page: 2, limit: 2 })
    expect(beyond.body.data).toEqual([])
    expect(beyond.body.meta).toEqual({ total: 5, page: 99, limit: 2 })
  })

  it('filters by status and priority', async () => {
    const inProgress = await call(ctx, lister, 'GET', '/api/tickets?status=in_progress')
    expect(inProgress.body.data.map((t) => t.id)).toEqual([ids[0]])
    expect(inProgress.body.meta?.total).toBe(1)
    const low = await call(ctx, lister, 'GET', '/api/tickets?priority=low')
    expect(low.body.data.map((t) => t.id)).toEqual([ids[1]])
    const none = await call(ctx, lister, 'GET', '/api/tickets?status=todo&priority=high')
    expect(none.body).toMatchObject({ data: [], meta: { total: 0 } })
  })

  it('keeps a moderator or admin on their own tickets at GET /', async () => {
    const { body } = await call(ctx, moderator, 'GET', '/api/tickets')
    expect(body.data.every((t) => t.created_by === moderator.id)).toBe(true)
  })

  const badQueries: [string, string][] = [
    ['page=0', 'page must be greater than 0'],
    ['page=-1', 'page must be greater than 0'],
    ['page=abc', 'page must be an integer'],
    ['page=1.5', 'page must be an integer'],
    ['limit=0', 'limit must be greater than 0'],
    ['limit=101', 'limit cannot exceed 100'],
    ['limit=ten', 'limit must be an integer'],
    ['status=open', 'status must be a valid ticket status'],
    ['priority=urgent', 'priority must be low, medium, or high'],
    ['status=todo&status=closed', 'status must be a valid ticket status'],
  ]
  it.each(badQueries)('rejects ?%s with 400', async (query, error) => {
    for (const path of ['/api/tickets', '/api/tickets/all']) {
      const { status, body } = await call(ctx, admin, 'GET', `${path}?${query}`)
      expect(status).toBe(400)
      expect(body).toMatchObject({ message: 'Bad request', error, path })
    }
  })

  it('accepts limit 1 and 100', async () => {
    expect((await call(ctx, lister, 'GET', '/api/tickets?limit=1')).body.data).toHaveLength(1)
    expect((await call(ctx, lister, 'GET', '/api/tickets?limit=100')).body.meta?.limit).toBe(100)
  })

  it('answers an absurd page with an empty page, not an error', async () => {
    const { status, body } = await call(ctx, lister, 'GET', '/api/tickets?page=99999999999999999999')
    expect(status).toBe(200)
    expect(body.data).toEqual([])
  })

  it('GET /all lists every ticket with creator and assignee emails', async () => {
    const { status, body } = await call(ctx, moderator, 'GET', '/api/tickets/all?limit=100')
    expect(status).toBe(200)
    expect(body.message).toBe('All tickets retrieved successfully')
    const creators = new Set(body.data.map((t) => t.created_by))
    expect(creators.has(lister.id) && creators.has(user.id)).toBe(true)
    const assigned = body.data.find((t) => t.id === ids[1])
    expect(assigned).toMatchObject({ assignee: { email: moderator.email }, creator: { email: lister.email } })
    const unassigned = body.data.find((t) => t.id === ids[2])
    expect(unassigned).toMatchObject({ assignee: null, creator: { email: lister.email } })
    const all = await ctx.database.db.execute(sql`SELECT count(*)::int AS n FROM tickets`)
    expect(body.meta?.total).toBe((all as unknown as { rows: { n: number }[] }).rows[0]?.n)
  })

  it('GET /all filters by assignee, "unassigned", status and priority with exact totals', async () => {
    const mine = await call(ctx, moderator, 'GET', `/api/tickets/all?assigned_to=${moderator.id}`)
    expect(mine.body.data.map((t) => t.id)).toEqual([ids[1]])
    expect(mine.body.meta?.total).toBe(1)
    const unassigned = await call(ctx, admin, 'GET', '/api/tickets/all?assigned_to=unassigned&limit=100')
    expect(unassigned.body.data.every((t) => t.assigned_to === null)).toBe(true)
    expect(unassigned.body.meta?.total).toBe(unassigned.body.data.length)
    const high = await call(ctx, admin, 'GET', '/api/tickets/all?status=in_progress&priority=high')
    expect(high.body.data.map((t) => t.id)).toEqual([ids[0]])
    expect(high.body.meta?.total).toBe(1)
  })

  it('GET /all rejects a malformed assigned_to with 400', async () => {
    const { status, body } = await call(ctx, admin, 'GET', '/api/tickets/all?assigned_to=bob')
    expect(status).toBe(400)
    expect(body.error).toBe('assigned_to must be a user id (UUID) or "unassigned"')
  })
})

describe('permission matrix', () => {
  let ticketId: string
  beforeAll(async () => {
    ticketId = (await createTicket(ctx, user)).id
  })

  it('GET /all: 403 for users, 200 for moderators and admins', async () => {
    const denied = await call(ctx, user, 'GET', '/api/tickets/all')
    expect(denied.status).toBe(403)
    expect(denied.body).toMatchObject({
      success: false,
      statusCode: 403,
      message: 'Only moderators and admins can view all tickets',
      path: '/api/tickets/all',
    })
    expect((await call(ctx, moderator, 'GET', '/api/tickets/all')).status).toBe(200)
    expect((await call(ctx, admin, 'GET', '/api/tickets/all')).status).toBe(200)
  })

  it("GET /:id: the creator and staff may read; another user gets the spec's 403", async () => {
    for (const who of [user, moderator, admin]) {
      const { status, body } = await call(ctx, who, 'GET', `/api/tickets/${ticketId}`)
      expect(status).toBe(200)
      expect(body).toMatchObject({ message: 'Ticket retrieved successfully', data: { id: ticketId } })
    }
    const denied = await call(ctx, other, 'GET', `/api/tickets/${ticketId}`)
    expect(denied.status).toBe(403)
    expect(denied.body).toMatchObject({
      message: 'Forbidden - cannot access this ticket',
      path: `/api/tickets/${ticketId}`,
    })
  })

  it('GET /:id: 404 "Ticket not found" for an unknown id and for a non-UUID', async () => {
    for (const id of [MISSING, 'invalid-uuid', "1' OR '1'='1"]) {
      const { status, body } = await call(ctx, admin, 'GET', `/api/tickets/${encodeURIComponent(id)}`)
      expect(status).toBe(404)
      expect(body).toMatchObject({ success: false, statusCode: 404, message: 'Ticket not found' })
    }
  })

  it('PATCH /:id: 403 for users (even their own ticket), 200 for moderators and admins', async () => {
    for (const who of [user, other]) {
      const { status, body } = await call(ctx, who, 'PATCH', `/api/tickets/${ticketId}`, {
        status: 'in_progress',
      })
      expect(status).toBe(403)
      expect(body.message).toBe('Only moderators can update tickets')
    }
    const byModerator = await call(ctx, moderator, 'PATCH', `/api/tickets/${ticketId}`, {
      helpful_notes: 'Looking.',
    })
    expect(byModerator.status).toBe(200)
    expect(byModerator.body.message).toBe('Ticket updated successfully')
    const byAdmin = await call(ctx, admin, 'PATCH', `/api/tickets/${ticketId}`, {
      helpful_notes: 'Still looking.',
    })
    expect(byAdmin.body.data.helpful_notes).toBe('Still looking.')
  })

  it('DELETE /:id: 403 for users, 200 for moderators and admins, then 404', async () => {
    const denied = await call(ctx, user, 'DELETE', `/api/tickets/${ticketId}`)
    expect(denied.status).toBe(403)
    expect(denied.body.message).toBe('Only moderators and admins can delete tickets')
    const { status, body } = await call(ctx, moderator, 'DELETE', `/api/tickets/${ticketId}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({
      success: true,
      statusCode: 200,
      message: 'Ticket deleted successfully',
      data: null,
    })
    expect((await call(ctx, admin, 'DELETE', `/api/tickets/${ticketId}`)).status).toBe(404)
    expect((await call(ctx, admin, 'GET', `/api/tickets/${ticketId}`)).status).toBe(404)
    const second = (await createTicket(ctx, user)).id
    expect((await call(ctx, admin, 'DELETE', `/api/tickets/${second}`)).status).toBe(200)
    expect((await call(ctx, admin, 'DELETE', '/api/tickets/not-a-uuid')).body.message).toBe(
      'Ticket not found',
    )
  })

  it('every ticket route answers 401 without a session', async () => {
    const routes: [Parameters<typeof call>[2], string][] = [
      ['GET', '/api/tickets'],
      ['GET', '/api/tickets/all'],
      ['GET', `/api/tickets/${MISSING}`],
      ['PATCH', `/api/tickets/${MISSING}`],
      ['DELETE', `/api/tickets/${MISSING}`],
      ['GET', `/api/tickets/${MISSING}/comments`],
      ['POST', `/api/tickets/${MISSING}/comments`],
      ['GET', `/api/tickets/${MISSING}/history`],
      ['POST', `/api/tickets/${MISSING}/confirm`],
      ['POST', `/api/tickets/${MISSING}/reopen`],
    ]
    for (const [method, url] of routes) {
      const { status, body } = await call(
        ctx,
        null,
        method,
        url,
        method === 'GET' || method === 'DELETE' ? undefined : {},
      )
      expect(status, `${method} ${url}`).toBe(401)
      expect(body.message).toBe('Unauthorized access')
    }
  })
})

describe('PATCH /api/tickets/:id', () => {
  it('walks the workflow and records each change with its actor', async () => {
    const { id } = await createTicket(ctx, user)
    for (const status of ['in_progress', 'waiting_for_customer', 'in_progress', 'resolved', 'closed']) {
      const response = await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status })
      expect(response.status, status).toBe(200)
      expect(response.body.data.status).toBe(status)
    }
    const history = await call(ctx, user, 'GET', `/api/tickets/${id}/history`)
    const moves = history.body.data.filter((e) => e.type === 'status_changed').map((e) => [e.from, e.to])
    expect(moves).toEqual([
      ['todo', 'in_progress'],
      ['in_progress', 'waiting_for_customer'],
      ['waiting_for_customer', 'in_progress'],
      ['in_progress', 'resolved'],
      ['resolved', 'closed'],
    ])
    expect(history.body.data.at(-1)?.actor).toEqual({ id: moderator.id, email: moderator.email })
  })

  it('refuses a move the workflow does not allow with 409 and the allowed next statuses', async () => {
    const { id } = await createTicket(ctx, user)
    const { status, body } = await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'resolved' })
    expect(status).toBe(409)
    expect(body).toMatchObject({
      success: false,
      statusCode: 409,
      message: 'Invalid status transition',
      error: 'Cannot move a ticket from todo to resolved. Allowed next statuses: in_progress, cancelled',
    })
    await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'cancelled' })
    const fromFinal = await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'todo' })
    expect(fromFinal.status).toBe(409)
    expect(fromFinal.body.error).toContain('none (cancelled is final)')
  })

  it('changes nothing when a refused move comes with other fields', async () => {
    const { id } = await createTicket(ctx, user)
    await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, {
      status: 'closed',
      helpful_notes: 'should not stick',
    })
    const { body } = await call(ctx, moderator, 'GET', `/api/tickets/${id}`)
    expect(body.data).toMatchObject({ status: 'todo', helpful_notes: null })
  })

  it('sets priority and notes, and bumps updated_at', async () => {
    const ticket = await createTicket(ctx, user)
    const before = (await call(ctx, user, 'GET', `/api/tickets/${ticket.id}`)).body.data
    const { body } = await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, {
      priority: 'high',
      helpful_notes: 'n'.repeat(2000),
    })
    expect(body.data).toMatchObject({ priority: 'high', helpful_notes: 'n'.repeat(2000) })
    expect(Date.parse(String(body.data.updated_at))).toBeGreaterThanOrEqual(
      Date.parse(String(before.updated_at)),
    )
    expect(body.data.created_at).toBe(before.created_at)
    const types = (await call(ctx, user, 'GET', `/api/tickets/${ticket.id}/history`)).body.data.map(
      (e) => e.type,
    )
    expect(types).toEqual(['created', 'priority_changed', 'notes_changed'])
  })

  it('assigns to an active moderator or admin, unassigns with null, and refuses anyone else', async () => {
    const { id } = await createTicket(ctx, user)
    const assigned = await call(ctx, admin, 'PATCH', `/api/tickets/${id}`, { assigned_to: moderator.id })
    expect(assigned.body.data.assigned_to).toBe(moderator.id)
    const toUser = await call(ctx, admin, 'PATCH', `/api/tickets/${id}`, { assigned_to: user.id })
    expect(toUser.status).toBe(400)
    expect(toUser.body.error).toBe('assigned_to must be an active moderator or admin')
    expect((await call(ctx, admin, 'PATCH', `/api/tickets/${id}`, { assigned_to: MISSING })).status).toBe(400)
    const cleared = await call(ctx, admin, 'PATCH', `/api/tickets/${id}`, { assigned_to: null })
    expect(cleared.body.data.assigned_to).toBeNull()
    const events = (await call(ctx, admin, 'GET', `/api/tickets/${id}/history`)).body.data
    expect(events.filter((e) => e.type === 'assigned').map((e) => [e.from, e.to])).toEqual([
      [null, moderator.id],
      [moderator.id, null],
    ])
    expect(events.find((e) => e.type === 'assigned')?.details).toEqual({
      reason: 'manual',
      assignee_email: moderator.email,
    })
  })

  const invalid: [string, unknown, string][] = [
    ['an unknown status', { status: 'done' }, 'status must be a valid ticket status'],
    [
      'notes over 2000 characters',
      { helpful_notes: 'n'.repeat(2001) },
      'helpful_notes cannot exceed 2000 characters',
    ],
    ['an unknown priority', { priority: 'urgent' }, 'priority must be low, medium, or high'],
    ['a malformed assignee', { assigned_to: 'bob' }, 'assigned_to must be a user id (UUID) or null'],
    ['an empty body', {}, 'provide at least one of: status, helpful_notes, priority, assigned_to'],
    ['a field moderators cannot edit', { title: 'New title' }, 'property title should not exist'],
    ['a numeric status', { status: 3 }, 'status must be a valid ticket status'],
  ]
  it.each(invalid)('rejects %s with 400', async (_label, payload, error) => {
    const { id } = await createTicket(ctx, user)
    const { status, body } = await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, payload)
    expect(status).toBe(400)
    expect(body).toMatchObject({ message: 'Bad request', error })
  })

  it('answers 404 for an unknown ticket', async () => {
    const { status, body } = await call(ctx, moderator, 'PATCH', `/api/tickets/${MISSING}`, {
      status: 'in_progress',
    })
    expect(status).toBe(404)
    expect(body.message).toBe('Ticket not found')
  })
})

describe('comments', () => {
  it('lets the creator and staff comment and read, oldest first; others get 403', async () => {
    const { id } = await createTicket(ctx, user)
    const first = await call(ctx, user, 'POST', `/api/tickets/${id}/comments`, {
      body: '  It happens again.  ',
    })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      message: 'Comment added successfully',
      data: {
        ticket_id: id,
        body: 'It happens again.',
        author: { id: user.id, email: user.email, role: 'user' },
      },
    })
    expect(
      (await call(ctx, moderator, 'POST', `/api/tickets/${id}/comments`, { body: 'On it.' })).status,
    ).toBe(201)
    const list = await call(ctx, user, 'GET', `/api/tickets/${id}/comments`)
    expect(list.body.message).toBe('Comments retrieved successfully')
    expect(list.body.data.map((c) => c.body)).toEqual(['It happens again.', 'On it.'])
    const denied = await call(ctx, other, 'POST', `/api/tickets/${id}/comments`, { body: 'Me too' })
    expect(denied.status).toBe(403)
    expect(denied.body.message).toBe('Forbidden - cannot access this ticket')
    expect((await call(ctx, other, 'GET', `/api/tickets/${id}/comments`)).status).toBe(403)
  })

  it('validates the body: 1 to 5000 characters', async () => {
    const { id } = await createTicket(ctx, user)
    const empty = await call(ctx, user, 'POST', `/api/tickets/${id}/comments`, { body: '   ' })
    expect(empty.body).toMatchObject({ message: 'Bad request', error: 'body must not be empty' })
    const long = await call(ctx, user, 'POST', `/api/tickets/${id}/comments`, { body: 'x'.repeat(5001) })
    expect(long.body.error).toBe('body cannot exceed 5000 characters')
    expect(
      (await call(ctx, user, 'POST', `/api/tickets/${id}/comments`, { body: 'x'.repeat(5000) })).status,
    ).toBe(201)
  })

  it("moves a waiting ticket back to in_progress on the creator's reply, not on staff's", async () => {
    const { id } = await createTicket(ctx, user)
    await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'in_progress' })
    await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'waiting_for_customer' })
    await call(ctx, moderator, 'POST', `/api/tickets/${id}/comments`, { body: 'Which browser?' })
    expect((await call(ctx, user, 'GET', `/api/tickets/${id}`)).body.data.status).toBe('waiting_for_customer')
    await call(ctx, user, 'POST', `/api/tickets/${id}/comments`, { body: 'Firefox.' })
    expect((await call(ctx, user, 'GET', `/api/tickets/${id}`)).body.data.status).toBe('in_progress')
    const last = (await call(ctx, user, 'GET', `/api/tickets/${id}/history`)).body.data.at(-1)
    expect(last).toMatchObject({ type: 'status_changed', from: 'waiting_for_customer', to: 'in_progress' })
  })
})

describe('confirm and reopen', () => {
  async function resolvedTicket() {
    const { id } = await createTicket(ctx, user)
    await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'in_progress' })
    await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, { status: 'resolved' })
    return id
  }

  it('the creator confirms a resolved ticket: closed', async () => {
    const id = await resolvedTicket()
    const { status, body } = await call(ctx, user, 'POST', `/api/tickets/${id}/confirm`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ message: 'Ticket closed successfully', data: { status: 'closed' } })
  })

  it('the creator reopens a resolved ticket: in_progress', async () => {
    const id = await resolvedTicket()
    const { body } = await call(ctx, user, 'POST', `/api/tickets/${id}/reopen`)
    expect(body).toMatchObject({ message: 'Ticket reopened successfully', data: { status: 'in_progress' } })
  })

  it('only the creator (403 for others, staff included), and only from resolved (409)', async () => {
    const id = await resolvedTicket()
    for (const who of [moderator, admin, other]) {
      expect((await call(ctx, who, 'POST', `/api/tickets/${id}/confirm`)).status).toBe(
        who === other ? 403 : 403,
      )
    }
    const { id: fresh } = await createTicket(ctx, user)
    const early = await call(ctx, user, 'POST', `/api/tickets/${fresh}/confirm`)
    expect(early.status).toBe(409)
    expect(early.body.error).toBe('Only a resolved ticket can be confirmed; this one is todo')
    expect((await call(ctx, user, 'POST', `/api/tickets/${fresh}/reopen`)).status).toBe(409)
    expect((await call(ctx, user, 'POST', `/api/tickets/${MISSING}/confirm`)).status).toBe(404)
  })
})
