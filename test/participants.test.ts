// Participants (an email's Cc) see the ticket: in their ticket list beside their own, on the
// ticket itself, and in its public emails; never its internal notes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addParticipants } from '../src/modules/tickets/participants.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

let ctx: TestContext
let moderator: TestUser
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext({ APP_URL: 'https://helpdesk.test' })
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

interface Listed {
  id: string
  status: string
  created_at: string
}

async function listOf(user: TestUser, query = '') {
  const { status, body } = await call(ctx, user, 'GET', `/api/tickets${query}`)
  expect(status).toBe(200)
  return { rows: body.data as unknown as Listed[], total: body.meta?.total }
}

const newestFirst = (a: Listed, b: Listed) =>
  b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id)

describe('GET /api/tickets for a participant', () => {
  it('lists the tickets they follow beside their own, newest first, paged, counted once', async () => {
    const follower = await signedInUser(ctx, 'user')
    const other = await signedInUser(ctx, 'user')
    const own1 = await createTicket(ctx, follower)
    const followed1 = await createTicket(ctx, other)
    const own2 = await createTicket(ctx, follower)
    const followed2 = await createTicket(ctx, other)
    const unrelated = await createTicket(ctx, other)
    await addParticipants(ctx.database.db, followed1.id, [follower.id])
    await addParticipants(ctx.database.db, followed2.id, [follower.id])
    // Following a ticket they filed themselves lists it once, counts it once.
    await addParticipants(ctx.database.db, own1.id, [follower.id])

    const all = await listOf(follower)
    expect(all.total).toBe(4)
    const ids = [own1.id, own2.id, followed1.id, followed2.id]
    expect(all.rows.map((t) => t.id).sort()).toEqual([...ids].sort())
    expect(all.rows).toEqual([...all.rows].sort(newestFirst))
    expect(all.rows.map((t) => t.id)).not.toContain(unrelated.id)

    // Pages of both kinds meet without a gap or an overlap, the total on every page.
    const first = await listOf(follower, '?limit=3')
    const second = await listOf(follower, '?limit=3&page=2')
    expect([first.total, second.total]).toEqual([4, 4])
    expect([...first.rows, ...second.rows].map((t) => t.id)).toEqual(all.rows.map((t) => t.id))
    expect((await listOf(follower, '?limit=3&page=3')).rows).toEqual([])

    // Filters apply to followed tickets too.
    const moved = await call(ctx, moderator, 'PATCH', `/api/tickets/${followed2.id}`, {
      status: 'in_progress',
    })
    expect(moved.status).toBe(200)
    const inProgress = await listOf(follower, '?status=in_progress')
    expect(inProgress.rows.map((t) => t.id)).toEqual([followed2.id])
    expect(inProgress.total).toBe(1)

    // The requester of a followed ticket still sees only their own (they follow nothing).
    const others = await listOf(other)
    expect(others.total).toBe(3)
  })

  it('shows the participants on the ticket, to its requester and to a participant', async () => {
    const requester = await signedInUser(ctx, 'user')
    const follower = await signedInUser(ctx, 'user')
    const ticket = await createTicket(ctx, requester)
    await addParticipants(ctx.database.db, ticket.id, [follower.id])
    for (const who of [requester, follower]) {
      const { status, body } = await call(ctx, who, 'GET', `/api/tickets/${ticket.id}`)
      expect(status).toBe(200)
      expect(body.data.participants).toEqual([{ id: follower.id, email: follower.email, name: null }])
    }
  })
})

describe('emails and notes for participants', () => {
  async function emailsFor(ticketId: string) {
    const { body } = await call(ctx, admin, 'GET', '/api/admin/emails?limit=100')
    return (body.data as unknown as { to: string; ticket_id: string; text: string }[]).filter(
      (e) => e.ticket_id === ticketId,
    )
  }

  it('emails a public staff reply to the requester and participants, an internal note to nobody', async () => {
    const requester = await signedInUser(ctx, 'user')
    const follower = await signedInUser(ctx, 'user')
    const ticket = await createTicket(ctx, requester)
    await addParticipants(ctx.database.db, ticket.id, [follower.id])

    const note = await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, {
      body: 'Internal: the customer is on the old plan',
      internal: true,
    })
    expect(note.status).toBe(201)
    expect(await emailsFor(ticket.id)).toEqual([])

    const reply = await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, {
      body: 'Please restart the router and tell us what you see.',
    })
    expect(reply.status).toBe(201)
    const sent = await emailsFor(ticket.id)
    expect(sent.map((e) => e.to).sort()).toEqual([requester.email, follower.email].sort())
    for (const email of sent) {
      expect(email.text).toContain('Please restart the router and tell us what you see.')
      expect(email.text).not.toContain('old plan')
    }

    // The participant reads the public reply, never the note.
    const comments = await call(ctx, follower, 'GET', `/api/tickets/${ticket.id}/comments`)
    expect(comments.status).toBe(200)
    expect(comments.body.data.map((c) => c.body)).toEqual([
      'Please restart the router and tell us what you see.',
    ])
  })
})
