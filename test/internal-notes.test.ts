// Internal notes: staff-only comments, never shown, listed in history or emailed to the requester,
// and a requester cannot write one.
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
let moderator: TestUser
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

const comment = (who: TestUser, ticketId: string, payload: object) =>
  call(ctx, who, 'POST', `/api/tickets/${ticketId}/comments`, payload)

async function emailsFor(ticketId: string) {
  const { body } = await call(ctx, admin, 'GET', '/api/admin/emails?limit=100')
  return body.data.filter((e) => e.ticket_id === ticketId)
}

describe('internal notes', () => {
  it('are written by staff and come back marked internal, with channel and attachments', async () => {
    const ticket = await createTicket(ctx, user)
    const { status, body } = await comment(moderator, ticket.id, { body: 'Checked the logs', internal: true })
    expect(status).toBe(201)
    expect(body.data).toMatchObject({
      ticket_id: ticket.id,
      body: 'Checked the logs',
      internal: true,
      channel: 'web',
      attachments: [],
      author: { id: moderator.id, role: 'moderator' },
    })
    const publicReply = await comment(admin, ticket.id, { body: 'We are on it' })
    expect(publicReply.body.data).toMatchObject({ internal: false, channel: 'web', attachments: [] })
    const own = await comment(user, ticket.id, { body: 'Thanks', internal: false })
    expect(own.status).toBe(201)
    expect(own.body.data.internal).toBe(false)
  })

  it('refuses a requester who sends internal: true, with a clear 403, and writes nothing', async () => {
    const ticket = await createTicket(ctx, user)
    const { status, body } = await comment(user, ticket.id, { body: 'Let me hide this', internal: true })
    expect(status).toBe(403)
    expect(body).toMatchObject({
      success: false,
      message: 'Only moderators and admins can write internal notes',
    })
    const listed = await call(ctx, moderator, 'GET', `/api/tickets/${ticket.id}/comments`)
    expect(listed.body.data).toEqual([])
  })

  it('rejects an internal flag that is not a boolean', async () => {
    const ticket = await createTicket(ctx, user)
    const { status, body } = await comment(moderator, ticket.id, { body: 'x', internal: 'yes' })
    expect(status).toBe(400)
    expect(body.error).toContain('internal')
  })

  it('are listed to staff only; the requester sees the public conversation and its history', async () => {
    const ticket = await createTicket(ctx, user)
    await comment(user, ticket.id, { body: 'It still fails' })
    const note = await comment(moderator, ticket.id, { body: 'Customer is on the old plan', internal: true })
    await comment(moderator, ticket.id, { body: 'Please try again now' })

    const staffView = await call(ctx, admin, 'GET', `/api/tickets/${ticket.id}/comments`)
    expect(staffView.body.data.map((c) => c.body)).toEqual([
      'It still fails',
      'Customer is on the old plan',
      'Please try again now',
    ])
    const requesterView = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}/comments`)
    expect(requesterView.body.data.map((c) => c.body)).toEqual(['It still fails', 'Please try again now'])
    expect(JSON.stringify(requesterView.body)).not.toContain('old plan')

    const staffHistory = await call(ctx, moderator, 'GET', `/api/tickets/${ticket.id}/history`)
    const noteEntry = staffHistory.body.data.find(
      (e) => (e.details as { comment_id?: string } | null)?.comment_id === note.body.data.id,
    )
    expect(noteEntry).toMatchObject({ type: 'commented', details: { internal: true } })
    expect(staffHistory.body.data.filter((e) => e.type === 'commented')).toHaveLength(3)
    const requesterHistory = await call(ctx, user, 'GET', `/api/tickets/${ticket.id}/history`)
    const seen = requesterHistory.body.data.filter((e) => e.type === 'commented')
    expect(seen).toHaveLength(2)
    expect(JSON.stringify(requesterHistory.body)).not.toContain(String(note.body.data.id))
  })

  it('are never emailed to the requester; a public staff reply is', async () => {
    const ticket = await createTicket(ctx, user)
    await comment(moderator, ticket.id, { body: 'Secret diagnosis', internal: true })
    expect(await emailsFor(ticket.id)).toHaveLength(0)
    await comment(moderator, ticket.id, { body: 'Public answer' })
    const emails = await emailsFor(ticket.id)
    expect(emails).toHaveLength(1)
    expect(String(emails[0]?.text)).toContain('Public answer')
    expect(String(emails[0]?.text)).not.toContain('Secret diagnosis')
  })

  it('do not move a waiting_for_customer ticket, even when the requester is staff', async () => {
    // A moderator files their own ticket: their public reply resumes it, their note does not.
    const ticket = await createTicket(ctx, moderator)
    await call(ctx, admin, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'in_progress' })
    await call(ctx, admin, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'waiting_for_customer' })
    await comment(moderator, ticket.id, { body: 'Note to self', internal: true })
    expect((await call(ctx, moderator, 'GET', `/api/tickets/${ticket.id}`)).body.data.status).toBe(
      'waiting_for_customer',
    )
    await comment(moderator, ticket.id, { body: 'Here is the detail you asked for' })
    expect((await call(ctx, moderator, 'GET', `/api/tickets/${ticket.id}`)).body.data.status).toBe(
      'in_progress',
    )
  })
})
