// A ticket's comments and history come in pages (page, limit: default 50, max 100), oldest first.
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
let requester: TestUser
let moderator: TestUser
let ticketId: string
const COMMENTS = 120

beforeAll(async () => {
  ctx = await createTestContext()
  requester = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  ticketId = (await createTicket(ctx, requester)).id
  // A long conversation, written directly: numbered, one second apart, with a history event each.
  await ctx.database.db.execute(sql`
    INSERT INTO ticket_comments (ticket_id, author_id, body, created_at)
    SELECT ${ticketId}, ${requester.id}, 'comment ' || i, now() + i * interval '1 second'
    FROM generate_series(1, ${COMMENTS}) AS i`)
  await ctx.database.db.execute(sql`
    INSERT INTO ticket_events (ticket_id, actor_id, type, to_value)
    SELECT ${ticketId}, ${requester.id}, 'commented', 'n' || i FROM generate_series(1, ${COMMENTS}) AS i`)
})
afterAll(() => ctx.close())

const bodies = (data: { body?: unknown }[]) => data.map((c) => c.body)
const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `comment ${from + i}`)

describe('GET /api/tickets/:id/comments', () => {
  it('answers the first 50, oldest first, with meta', async () => {
    const { status, body } = await call(ctx, requester, 'GET', `/api/tickets/${ticketId}/comments`)
    expect(status).toBe(200)
    expect(body.message).toBe('Comments retrieved successfully')
    expect(bodies(body.data)).toEqual(numbered(1, 50))
    expect(body.meta).toEqual({ total: COMMENTS, page: 1, limit: 50 })
  })

  it('pages through every comment without overlap', async () => {
    const seen: unknown[] = []
    for (let page = 1; page <= 3; page++) {
      const { body } = await call(
        ctx,
        moderator,
        'GET',
        `/api/tickets/${ticketId}/comments?page=${page}&limit=50`,
      )
      expect(body.meta).toEqual({ total: COMMENTS, page, limit: 50 })
      seen.push(...bodies(body.data))
    }
    expect(seen).toEqual(numbered(1, COMMENTS))
    const past = await call(ctx, moderator, 'GET', `/api/tickets/${ticketId}/comments?page=4`)
    expect(past.body.data).toEqual([])
  })

  it('answers at most 100 a page', async () => {
    const { body } = await call(ctx, moderator, 'GET', `/api/tickets/${ticketId}/comments?limit=100&page=2`)
    expect(bodies(body.data)).toEqual(numbered(101, 120))
    expect(body.meta).toEqual({ total: COMMENTS, page: 2, limit: 100 })
  })
})

describe('GET /api/tickets/:id/history', () => {
  it('answers the first 50 events, oldest first, with meta; later pages follow', async () => {
    const first = await call(ctx, requester, 'GET', `/api/tickets/${ticketId}/history`)
    expect(first.status).toBe(200)
    expect(first.body.meta).toEqual({ total: COMMENTS + 1, page: 1, limit: 50 })
    expect(first.body.data).toHaveLength(50)
    expect(first.body.data[0]?.type).toBe('created')
    const last = await call(ctx, requester, 'GET', `/api/tickets/${ticketId}/history?page=3&limit=50`)
    expect(last.body.data.map((e) => e.to)).toEqual(Array.from({ length: 21 }, (_, i) => `n${100 + i}`))
  })
})

describe('bad paging values', () => {
  const bad: [string, string][] = [
    ['page=0', 'page must be greater than 0'],
    ['page=abc', 'page must be an integer'],
    ['limit=0', 'limit must be greater than 0'],
    ['limit=101', 'limit cannot exceed 100'],
    ['limit=ten', 'limit must be an integer'],
  ]
  it.each(bad)('?%s answers 400 on comments and history', async (query, error) => {
    for (const what of ['comments', 'history']) {
      const path = `/api/tickets/${ticketId}/${what}`
      const { status, body } = await call(ctx, requester, 'GET', `${path}?${query}`)
      expect(status).toBe(400)
      expect(body).toMatchObject({ message: 'Bad request', error, path })
    }
  })
})
