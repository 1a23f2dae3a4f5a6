// The per-process session cache (modules/auth/session-cache.ts): requests skip the session lookup,
// yet a logout, deactivation, demotion or password reset made through ANOTHER server process is
// obeyed by this one as soon as the change is announced, and nothing is trusted past its expiry
// or while announcements could be missed.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../src/app.js'
import { emails, sessions } from '../src/db/schema.js'
import { createSessionCache } from '../src/modules/auth/session-cache.js'
import { createTestContext, login, signedInUser, type TestContext, type TestUser } from './helpers/app.js'

let ctx: TestContext
/** A second server process on the same database (its own cache, its own LISTEN). */
let other: App
let admin: TestUser

beforeAll(async () => {
  // Mail recorded (never delivered: no worker) so the reset test can read its link.
  ctx = await createTestContext({ SMTP_URL: 'smtp://127.0.0.1:9' })
  other = await buildApp({ config: ctx.config, database: ctx.database, queue: ctx.queue, logger: false })
  await other.ready()
  admin = await signedInUser(ctx, 'admin')
})
afterAll(async () => {
  await other.close()
  await ctx.close()
})

const me = async (app: App, cookie: string) =>
  (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode

/** The status `other` answers once the announcement has had its few milliseconds to arrive. */
async function settledStatus(cookie: string, expected: number): Promise<number> {
  let status = await me(other, cookie)
  for (let i = 0; i < 100 && status !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    status = await me(other, cookie)
  }
  return status
}

describe('a change made through one process reaches the cache of another', () => {
  it('deactivation', async () => {
    const user = await signedInUser(ctx, 'user')
    expect(await me(other, user.cookie)).toBe(200)
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      headers: { cookie: admin.cookie },
      payload: { is_active: false },
    })
    expect(patched.statusCode).toBe(200)
    expect(await me(ctx.app, user.cookie)).toBe(401)
    expect(await settledStatus(user.cookie, 401)).toBe(401)
  })

  it('logout', async () => {
    const user = await signedInUser(ctx, 'user')
    expect(await me(other, user.cookie)).toBe(200)
    const out = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: user.cookie },
    })
    expect(out.statusCode).toBe(200)
    expect(await settledStatus(user.cookie, 401)).toBe(401)
  })

  it('demotion: the next request has the new role', async () => {
    const moderator = await signedInUser(ctx, 'moderator')
    const role = async () =>
      JSON.parse(
        (await other.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: moderator.cookie } }))
          .body,
      ).data.role as string
    expect(await role()).toBe('moderator')
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/users/${moderator.id}`,
      headers: { cookie: admin.cookie },
      payload: { role: 'user' },
    })
    let seen = await role()
    for (let i = 0; i < 100 && seen !== 'user'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      seen = await role()
    }
    expect(seen).toBe('user')
  })
})

describe('what the cache never trusts', () => {
  it('a session past its expiry, however fresh the entry', async () => {
    const user = await signedInUser(ctx, 'user')
    const token = user.cookie.slice('sid='.length)
    await ctx.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() + 5_000) })
      .where(eq(sessions.userId, user.id))
    let clock = Date.now()
    const cache = createSessionCache({ ttlMs: 60_000, now: () => clock })
    cache.setAnnouncementsLive(true)
    expect((await cache.lookup(ctx.database.db, token))?.id).toBe(user.id)
    clock += 6_000
    // Past the session's expiry: asked again, and the database (its own clock) still says live
    // only until 5 s after the update; make it certainly expired there too.
    await ctx.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(sessions.userId, user.id))
    expect(await cache.lookup(ctx.database.db, token)).toBeUndefined()
  })

  it('anything while announcements are not arriving', async () => {
    const user = await signedInUser(ctx, 'user')
    const token = user.cookie.slice('sid='.length)
    const cache = createSessionCache({ ttlMs: 60_000 })
    cache.setAnnouncementsLive(true)
    expect(await cache.lookup(ctx.database.db, token)).toBeDefined()
    // The LISTEN connection drops: what was cached is forgotten, nothing new is kept.
    cache.setAnnouncementsLive(false)
    await ctx.database.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.userId, user.id))
    expect(await cache.lookup(ctx.database.db, token)).toBeUndefined()
  })

  it('an entry older than the TTL', async () => {
    const user = await signedInUser(ctx, 'user')
    const token = user.cookie.slice('sid='.length)
    let clock = Date.now()
    const cache = createSessionCache({ ttlMs: 10_000, now: () => clock })
    cache.setAnnouncementsLive(true)
    expect(await cache.lookup(ctx.database.db, token)).toBeDefined()
    // Revoked behind the application's back (an operator's SQL): no announcement.
    await ctx.database.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.userId, user.id))
    expect(await cache.lookup(ctx.database.db, token)).toBeDefined()
    clock += 10_001
    expect(await cache.lookup(ctx.database.db, token)).toBeUndefined()
  })

  it('a password reset signs the user out everywhere', async () => {
    const user = await signedInUser(ctx, 'user')
    const second = await login(ctx, user.email, user.password)
    expect(await me(other, second)).toBe(200)
    await ctx.app.inject({ method: 'POST', url: '/api/auth/password/forgot', payload: { email: user.email } })
    const [mail] = await ctx.database.db.select().from(emails).where(eq(emails.to, user.email))
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1]
    expect(token).toBeDefined()
    const reset = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/password/reset',
      payload: { token, password: 'a brand new passphrase' },
    })
    expect(reset.statusCode).toBe(200)
    expect(await settledStatus(second, 401)).toBe(401)
  })
})
