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
    })
  })
})
