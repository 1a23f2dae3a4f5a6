// Satisfaction: closing a ticket emails its requester one survey; the link's GET (what a mail
// filter's scanner follows) records nothing; the page's POST records the one rating per ticket,
// changeable for 7 days, shown on every ticket response and in the history.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { autoCloseResolved } from '../src/modules/tickets/ticket.service.js'
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
  ctx = await createTestContext({ APP_URL: 'https://help.example.com' })
  user = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

async function emailsFor(ticketId: string) {
  const { body } = await call(ctx, admin, 'GET', '/api/admin/emails?limit=100')
  return body.data.filter((e) => e.ticket_id === ticketId)
}

const LINK = /https:\/\/help\.example\.com\/satisfaction\/([A-Za-z0-9_-]{43})\?rating=(good|bad)/g

/** The survey links in the ticket's emails: [token, rating] pairs. */
async function surveyLinks(ticketId: string) {
  const texts = (await emailsFor(ticketId)).map((e) => String(e.text))
  return texts.flatMap((text) => [...text.matchAll(LINK)].map((m) => ({ token: m[1] ?? '', rating: m[2] })))
}

async function resolvedTicket(requester: TestUser = user) {
  const ticket = await createTicket(ctx, requester)
  await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'in_progress' })
  await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' })
  return ticket
}

/** A closed ticket and its survey token. */
async function closedTicket(requester: TestUser = user) {
  const ticket = await resolvedTicket(requester)
  await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'closed' })
  const links = await surveyLinks(ticket.id)
  const token = links[0]?.token
  if (!token) throw new Error('no survey link')
  return { ticket, token }
}

const rate = (token: string, payload: unknown) =>
  call(ctx, null, 'POST', `/api/satisfaction/${token}`, payload)

async function ticketOf(id: string, who: TestUser = user) {
  return (await call(ctx, who, 'GET', `/api/tickets/${id}`)).body.data
}

async function satisfactionEvents(id: string) {
  const { body } = await call(ctx, moderator, 'GET', `/api/tickets/${id}/history`)
  return body.data.filter((e) => e.type === 'satisfaction_rated')
}

describe('satisfaction survey', () => {
  it('emails the requester one survey when staff close the ticket, with a good and a bad link', async () => {
    const { ticket } = await closedTicket()
    const links = await surveyLinks(ticket.id)
    expect(links.map((l) => l.rating)).toEqual(['good', 'bad'])
    expect(new Set(links.map((l) => l.token)).size).toBe(1)
    const closing = (await emailsFor(ticket.id)).filter((e) => String(e.text).includes('/satisfaction/'))
    expect(closing).toHaveLength(1)
    expect(closing[0]).toMatchObject({ to: user.email })
    expect(String(closing[0]?.subject)).toContain('closed')
    // Only the hash is stored: the token itself is nowhere in the database.
    const stored = await ctx.database.executeSql(
      `SELECT token_hash FROM satisfaction_surveys WHERE ticket_id = '${ticket.id}'`,
    )
    expect(stored.rows).toHaveLength(1)
    expect(String(stored.rows[0]?.token_hash)).not.toContain(links[0]?.token ?? '')
    expect((await ticketOf(ticket.id)).satisfaction).toBeNull()
  })

  it('also surveys the requester who confirmed the fix themselves, and an auto-closed ticket', async () => {
    const confirmed = await resolvedTicket()
    await call(ctx, user, 'POST', `/api/tickets/${confirmed.id}/confirm`)
    expect(await surveyLinks(confirmed.id)).toHaveLength(2)

    const stale = await resolvedTicket()
    await ctx.database.db.execute(
      sql`UPDATE tickets SET updated_at = now() - interval '30 days' WHERE id = ${stale.id}`,
    )
    const notifier = createNotifier({
      queue: ctx.queue,
      appUrl: 'https://help.example.com',
      smtpEnabled: false,
    })
    await autoCloseResolved(ctx.database.db, notifier, new Date(Date.now() - 7 * 86_400_000))
    expect(await surveyLinks(stale.id)).toHaveLength(2)
  })

  it('sends nothing for a cancelled ticket', async () => {
    const ticket = await createTicket(ctx, user)
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'cancelled' })
    expect(await surveyLinks(ticket.id)).toEqual([])
  })

  it('a GET of the link records nothing (link scanners follow links)', async () => {
    const { ticket, token } = await closedTicket()
    // What a scanner fetches: the page itself and the API the page reads, several times.
    for (const rating of ['good', 'bad']) {
      await ctx.app.inject({ method: 'GET', url: `/satisfaction/${token}?rating=${rating}` })
      await ctx.app.inject({ method: 'HEAD', url: `/satisfaction/${token}?rating=${rating}` })
      const survey = await call(ctx, null, 'GET', `/api/satisfaction/${token}?rating=${rating}`)
      expect(survey.status).toBe(200)
      expect(survey.body.data).toMatchObject({
        ticket: { number: expect.any(Number), title: 'Cannot access user dashboard' },
        satisfaction: null,
        can_rate: true,
      })
    }
    expect((await ticketOf(ticket.id)).satisfaction).toBeNull()
    expect(await satisfactionEvents(ticket.id)).toEqual([])
    const stored = await ctx.database.executeSql(
      `SELECT first_rated_at FROM satisfaction_surveys WHERE ticket_id = '${ticket.id}'`,
    )
    expect(stored.rows[0]?.first_rated_at).toBeNull()
  })

  it('records the confirmed rating and comment: on the ticket (requester and staff), in lists and in history', async () => {
    const { ticket, token } = await closedTicket()
    const answer = await rate(token, { rating: 'good', comment: '  Quick and friendly  ' })
    expect(answer.status).toBe(200)
    expect(answer.body.message).toBe('Thank you for your feedback')
    expect(answer.body.data.satisfaction).toMatchObject({ rating: 'good', comment: 'Quick and friendly' })

    for (const who of [user, moderator]) {
      expect((await ticketOf(ticket.id, who)).satisfaction).toEqual({
        rating: 'good',
        comment: 'Quick and friendly',
        rated_at: expect.any(String),
      })
    }
    const mine = await call(ctx, user, 'GET', '/api/tickets?limit=100')
    expect(mine.body.data.find((t) => t.id === ticket.id)?.satisfaction).toMatchObject({ rating: 'good' })
    const all = await call(ctx, moderator, 'GET', '/api/tickets/all?status=closed&limit=100')
    expect(all.body.data.find((t) => t.id === ticket.id)?.satisfaction).toMatchObject({ rating: 'good' })

    const events = await satisfactionEvents(ticket.id)
    expect(events).toEqual([
      expect.objectContaining({
        actor: { id: user.id, email: user.email },
        from: null,
        to: 'good',
        details: { comment: 'Quick and friendly' },
      }),
    ])
  })

  it("counts in the reports: today in the summary, and for the ticket's assignee", async () => {
    const day = new Date().toISOString().slice(0, 10)
    const summaryOf = async () =>
      (await call(ctx, admin, 'GET', `/api/reports/summary?from=${day}&to=${day}`)).body.data[0]?.satisfaction
    const moderatorOf = async () =>
      (await call(ctx, admin, 'GET', `/api/reports/moderators?from=${day}&to=${day}`)).body.data.find(
        (r) => (r.user as { id: string }).id === moderator.id,
      )?.satisfaction
    const before = (await summaryOf()) as { good: number; bad: number }
    const ticket = await createTicket(ctx, user)
    await call(ctx, admin, 'PATCH', `/api/tickets/${ticket.id}`, { assigned_to: moderator.id })
    for (const status of ['in_progress', 'resolved', 'closed'])
      await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status })
    const token = (await surveyLinks(ticket.id))[0]?.token ?? ''
    expect((await rate(token, { rating: 'bad' })).status).toBe(200)
    expect(await summaryOf()).toEqual({ good: before.good, bad: before.bad + 1 })
    expect(await moderatorOf()).toEqual({ good: 0, bad: 1 })
  })

  it('keeps one rating per ticket: a second answer within 7 days replaces it; after, 409 and unchanged', async () => {
    const { ticket, token } = await closedTicket()
    expect((await rate(token, { rating: 'good' })).status).toBe(200)
    const changed = await rate(token, { rating: 'bad', comment: 'Actually it broke again' })
    expect(changed.status).toBe(200)
    expect((await ticketOf(ticket.id)).satisfaction).toMatchObject({
      rating: 'bad',
      comment: 'Actually it broke again',
    })
    expect((await satisfactionEvents(ticket.id)).map((e) => [e.from, e.to])).toEqual([
      [null, 'good'],
      ['good', 'bad'],
    ])

    // Eight days after the first answer.
    await ctx.database.db.execute(
      sql`UPDATE satisfaction_surveys SET first_rated_at = now() - interval '8 days' WHERE ticket_id = ${ticket.id}`,
    )
    const late = await rate(token, { rating: 'good' })
    expect(late.status).toBe(409)
    expect(late.body).toMatchObject({ success: false, message: 'This rating can no longer be changed' })
    expect((await ticketOf(ticket.id)).satisfaction).toMatchObject({ rating: 'bad' })
    const survey = await call(ctx, null, 'GET', `/api/satisfaction/${token}`)
    expect(survey.body.data).toMatchObject({ can_rate: false, satisfaction: { rating: 'bad' } })
  })

  it('closes an unanswered survey after 30 days (409)', async () => {
    const { ticket, token } = await closedTicket()
    await ctx.database.db.execute(
      sql`UPDATE satisfaction_surveys SET created_at = now() - interval '31 days' WHERE ticket_id = ${ticket.id}`,
    )
    const late = await rate(token, { rating: 'bad' })
    expect(late.status).toBe(409)
    expect(late.body.message).toBe('This survey has closed')
    expect((await ticketOf(ticket.id)).satisfaction).toBeNull()
  })

  it('answers 404 for an unknown or malformed token, 400 for a bad body', async () => {
    const { token } = await closedTicket()
    const unknown = 'A'.repeat(43)
    for (const t of [unknown, 'short', encodeURIComponent("' OR 1=1 --")]) {
      expect((await call(ctx, null, 'GET', `/api/satisfaction/${t}`)).status).toBe(404)
      const posted = await rate(t, { rating: 'good' })
      expect(posted.status).toBe(404)
      expect(posted.body.message).toBe('Survey not found')
    }
    for (const payload of [
      {},
      { rating: 'meh' },
      { rating: 'good', extra: 1 },
      { rating: 'good', comment: 'x'.repeat(2001) },
    ]) {
      const answer = await rate(token, payload)
      expect(answer.status).toBe(400)
      expect(answer.body.success).toBe(false)
    }
  })
})
