// Per-user limits on what sends email: new tickets (TICKET_RATE_LIMIT) and comments (COMMENT_RATE_LIMIT).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { call, createTestContext, createTicket, signedInUser, type TestContext } from './helpers/app.js'

let ctx: TestContext

beforeAll(async () => {
  ctx = await createTestContext({ TICKET_RATE_LIMIT: '3', COMMENT_RATE_LIMIT: '2' })
})
afterAll(() => ctx.close())

const newTicket = {
  title: 'Printer on fire again',
  description: 'The office printer is smoking since this morning.',
}

describe('TICKET_RATE_LIMIT', () => {
  it('refuses a user’s ticket past the limit with 429, Retry-After and nothing filed', async () => {
    const alice = await signedInUser(ctx, 'user')
    for (let i = 0; i < 3; i++)
      expect((await call(ctx, alice, 'POST', '/api/tickets', newTicket)).status).toBe(201)
    const refused = await call(ctx, alice, 'POST', '/api/tickets', newTicket)
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ success: false, statusCode: 429, message: 'Too many requests' })
    expect(refused.body.error).toMatch(/^too many new tickets: at most 3 a minute; retry in \d+ seconds$/)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    const own = await call(ctx, alice, 'GET', '/api/tickets')
    expect(own.body.meta?.total).toBe(3)
  })

  it('counts per user, not per address: another user from the same address files freely', async () => {
    const first = await signedInUser(ctx, 'user')
    const second = await signedInUser(ctx, 'user')
    for (let i = 0; i < 3; i++) await createTicket(ctx, first)
    expect((await call(ctx, first, 'POST', '/api/tickets', newTicket)).status).toBe(429)
    expect((await call(ctx, second, 'POST', '/api/tickets', newTicket)).status).toBe(201)
  })

  it('does not count requests refused for invalid input', async () => {
    const careless = await signedInUser(ctx, 'user')
    for (let i = 0; i < 5; i++) {
      expect((await call(ctx, careless, 'POST', '/api/tickets', { title: 'x' })).status).toBe(400)
    }
    expect((await call(ctx, careless, 'POST', '/api/tickets', newTicket)).status).toBe(201)
  })
})

describe('COMMENT_RATE_LIMIT', () => {
  it('refuses a user’s comment past the limit; other users keep commenting', async () => {
    const requester = await signedInUser(ctx, 'user')
    const moderator = await signedInUser(ctx, 'moderator')
    const ticket = await createTicket(ctx, requester)
    const url = `/api/tickets/${ticket.id}/comments`
    for (let i = 0; i < 2; i++)
      expect((await call(ctx, requester, 'POST', url, { body: `n${i}` })).status).toBe(201)
    const refused = await call(ctx, requester, 'POST', url, { body: 'one more' })
    expect(refused.status).toBe(429)
    expect(refused.body.error).toMatch(/^too many comments: at most 2 a minute; retry in \d+ seconds$/)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect((await call(ctx, moderator, 'POST', url, { body: 'staff reply' })).status).toBe(201)
    const listed = await call(ctx, moderator, 'GET', url)
    expect(listed.body.data.map((c) => c.body)).toEqual(['n0', 'n1', 'staff reply'])
  })
})

describe('configuration', () => {
  it('defaults to 30 tickets and 60 comments a minute', () => {
    const config = loadConfig({})
    expect(config.ticketRateLimit).toBe(30)
    expect(config.commentRateLimit).toBe(60)
  })
})
