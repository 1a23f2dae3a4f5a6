// The staff queue's page cache (modules/tickets/page-cache.ts): a repeated GET /api/tickets/all
// is served from memory, yet never after the tickets it shows changed, wherever the change was made.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../src/app.js'
import { createPageCache, restamped } from '../src/modules/tickets/page-cache.js'
import {
  type Body,
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

describe('createPageCache', () => {
  it('keeps a page for the TTL, and forgets every page at a change', () => {
    let clock = 0
    const cache = createPageCache({ ttlMs: 1000, now: () => clock })
    cache.setChangesLive(true)
    cache.store('a', cache.epoch(), 'A')
    cache.store('b', cache.epoch(), 'B')
    clock = 999
    expect(cache.get('a')).toBe('A')
    clock = 1000
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('b')).toBeUndefined()
    cache.store('a', cache.epoch(), 'A2')
    cache.invalidate()
    expect(cache.get('a')).toBeUndefined()
  })

  it('does not keep what a read saw when a change came while it ran', () => {
    const cache = createPageCache({ ttlMs: 1000 })
    cache.setChangesLive(true)
    const startedAt = cache.epoch()
    cache.invalidate()
    cache.store('a', startedAt, 'stale')
    expect(cache.get('a')).toBeUndefined()
  })

  it('keeps nothing while changes are not arriving, or with a TTL of 0', () => {
    const offline = createPageCache({ ttlMs: 1000 })
    offline.store('a', offline.epoch(), 'A')
    expect(offline.get('a')).toBeUndefined()
    const off = createPageCache({ ttlMs: 0 })
    off.setChangesLive(true)
    off.store('a', off.epoch(), 'A')
    expect(off.get('a')).toBeUndefined()
    const dropped = createPageCache({ ttlMs: 1000 })
    dropped.setChangesLive(true)
    dropped.store('a', dropped.epoch(), 'A')
    dropped.setChangesLive(false)
    expect(dropped.get('a')).toBeUndefined()
  })

  it('keeps at most maxEntries pages, dropping the oldest', () => {
    const cache = createPageCache({ ttlMs: 1000, maxEntries: 2 })
    cache.setChangesLive(true)
    for (const key of ['a', 'b', 'c']) cache.store(key, cache.epoch(), key)
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'b', 'c'])
  })

  it('lets requests that miss the same page at once share one read', async () => {
    const cache = createPageCache({ ttlMs: 1000 })
    cache.setChangesLive(true)
    let reads = 0
    let finish: (body: string) => void = () => {}
    const read = () => {
      reads++
      return new Promise<string>((resolve) => {
        finish = resolve
      })
    }
    const loads = Array.from({ length: 5 }, () => cache.load('a', read))
    finish('A')
    const answers = await Promise.all(loads)
    expect(reads).toBe(1)
    expect(answers.map((a) => a.body)).toEqual(['A', 'A', 'A', 'A', 'A'])
    expect(answers.map((a) => a.fresh)).toEqual([true, false, false, false, false])
    expect((await cache.load('a', read)).body).toBe('A')
    expect(reads).toBe(1)
  })

  it('never lets a request join a read that began before a change', async () => {
    const cache = createPageCache({ ttlMs: 1000 })
    cache.setChangesLive(true)
    const finishers: ((body: string) => void)[] = []
    const read = () => new Promise<string>((resolve) => finishers.push(resolve))
    const before = cache.load('a', read)
    cache.invalidate()
    const after = cache.load('a', read)
    expect(finishers.length).toBe(2)
    finishers[0]?.('old')
    finishers[1]?.('new')
    expect((await before).body).toBe('old')
    expect((await after).body).toBe('new')
    // The read that saw the change kept its page; the older one did not replace it.
    expect(cache.get('a')).toBe('new')
  })

  it('shares nothing while the cache is off', async () => {
    const cache = createPageCache({ ttlMs: 1000 })
    let reads = 0
    const read = async () => `A${++reads}`
    await Promise.all([cache.load('a', read), cache.load('a', read)])
    expect(reads).toBe(2)
  })

  it('restamps the envelope with the time of the answer', () => {
    const body = JSON.stringify({
      success: true,
      data: [{ title: '"timestamp":' }],
      timestamp: '2020-01-01T00:00:00.000Z',
    })
    const at = new Date('2026-12-01T08:00:00.000Z')
    expect(JSON.parse(restamped(body, at))).toEqual({
      success: true,
      data: [{ title: '"timestamp":' }],
      timestamp: '2026-12-01T08:00:00.000Z',
    })
  })
})

describe('GET /api/tickets/all served again', () => {
  let ctx: TestContext
  /** A second server process on the same database: its own cache, its own LISTEN. */
  let other: App
  let moderator: TestUser
  let user: TestUser

  beforeAll(async () => {
    ctx = await createTestContext()
    other = await buildApp({ config: ctx.config, database: ctx.database, queue: ctx.queue, logger: false })
    await other.ready()
    moderator = await signedInUser(ctx, 'moderator')
    user = await signedInUser(ctx, 'user')
  })
  afterAll(async () => {
    await other.close()
    await ctx.close()
  })

  const queue = async (app: App) => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/tickets/all?limit=100',
      headers: { cookie: moderator.cookie },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    return JSON.parse(response.body) as Body
  }

  it('answers the same data with a fresh timestamp', async () => {
    await createTicket(ctx, user)
    const first = await queue(ctx.app)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = await queue(ctx.app)
    expect(second.data).toEqual(first.data)
    expect(second.meta).toEqual(first.meta)
    expect(second.timestamp > first.timestamp).toBe(true)
  })

  it('a write through this process shows in its writer’s next read', async () => {
    const before = await queue(ctx.app)
    const ticket = await createTicket(ctx, user)
    const after = await queue(ctx.app)
    expect(after.meta?.total).toBe((before.meta?.total ?? 0) + 1)
    expect(after.data.map((t) => t.id)).toContain(ticket.id)
    const patched = await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { priority: 'high' })
    expect(patched.status).toBe(200)
    expect((await queue(ctx.app)).data.find((t) => t.id === ticket.id)?.priority).toBe('high')
  })

  it('a change made by another process or by SQL reaches this process’s cache', async () => {
    const ticket = await createTicket(ctx, user)
    expect((await queue(other)).data.find((t) => t.id === ticket.id)?.priority).not.toBe('low')
    // Behind every API: the ticket trigger's notification is all the other process hears.
    await ctx.database.db.execute(sql`UPDATE tickets SET priority = 'low' WHERE id = ${ticket.id}`)
    let seen = (await queue(other)).data.find((t) => t.id === ticket.id)?.priority
    for (let i = 0; i < 100 && seen !== 'low'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      seen = (await queue(other)).data.find((t) => t.id === ticket.id)?.priority
    }
    expect(seen).toBe('low')
  })
})
