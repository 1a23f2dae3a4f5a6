// Password reset: forgot → an emailed single-use link (hashed at rest, an hour) → reset, which
// signs in and revokes every other session.
import { createHash } from 'node:crypto'
import { desc, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emails, passwordResetTokens } from '../src/db/schema.js'
import { createUser } from '../src/modules/users/user.service.js'
import {
  type Body,
  call,
  createTestContext,
  login,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

const APP_URL = 'https://help.example.com'
const NEW_PASSWORD = 'a brand new secret'

let ctx: TestContext
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext({ APP_URL, SMTP_URL: 'smtp://127.0.0.1:9' })
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

let counter = 0
const freshEmail = () => `reset${++counter}-${Date.now()}@example.com`

async function post(url: string, payload: object, headers: Record<string, string> = {}) {
  const response = await ctx.app.inject({ method: 'POST', url, payload, headers })
  const body = JSON.parse(response.body) as Body
  return { status: response.statusCode, body, response }
}

const forgot = (email: string, remoteAddress?: string) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/auth/password/forgot',
    payload: { email },
    ...(remoteAddress ? { remoteAddress } : {}),
  })
const reset = (token: string, password = NEW_PASSWORD) =>
  post('/api/auth/password/reset', { token, password })

/** The newest email recorded to `to` (read from the table: the admin listing hides tokens). */
async function lastEmailTo(to: string) {
  const [row] = await ctx.database.db
    .select()
    .from(emails)
    .where(eq(emails.to, to))
    .orderBy(desc(emails.createdAt))
    .limit(1)
  return row
}

async function tokenFor(email: string): Promise<string> {
  const row = await lastEmailTo(email)
  const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(row?.text ?? '')?.[1]
  if (!token) throw new Error(`no reset link to ${email}`)
  return token
}

async function newUser(role: 'user' | 'moderator' = 'user') {
  const email = freshEmail()
  const user = await createUser(ctx.database.db, { email, password: 'old password 1', role })
  return { id: user.id, email }
}

describe('POST /api/auth/password/forgot', () => {
  it('answers the same for an existing and an unknown email; only the existing one gets a link', async () => {
    const { email } = await newUser()
    const known = await forgot(email.toUpperCase())
    const unknown = await forgot('nobody-here@example.com')
    for (const response of [known, unknown]) {
      expect(response.statusCode).toBe(200)
      expect(JSON.parse(response.body)).toMatchObject({
        success: true,
        message: 'If that account exists, we sent a reset link',
        data: null,
      })
    }
    expect(await lastEmailTo('nobody-here@example.com')).toBeUndefined()
    const sent = await lastEmailTo(email)
    expect(sent).toMatchObject({ subject: 'Reset your password', status: 'pending', ticketId: null })
    expect(sent?.text).toContain(`${APP_URL}/reset-password?token=`)
    expect(sent?.text).toContain('60 minutes')
    // Delivered by the job, like every email: it was enqueued with the row.
    const jobs = await ctx.database.db.execute(
      sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'email-delivery' AND data->>'emailId' = ${sent?.id ?? ''}`,
    )
    expect((jobs as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(1)
  })

  it('stores only the SHA-256 of a 32-byte token, valid for 60 minutes', async () => {
    const { email, id } = await newUser()
    await forgot(email)
    const token = await tokenFor(email)
    expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    const rows = await ctx.database.db
      .select()
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.userId, id))
    expect(rows).toHaveLength(1)
    expect(rows[0]?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'))
    expect(JSON.stringify(rows)).not.toContain(token)
    const minutes = ((rows[0]?.expiresAt.getTime() ?? 0) - (rows[0]?.createdAt.getTime() ?? 0)) / 60_000
    expect(minutes).toBeCloseTo(60, 1)
  })

  it('sends nothing to an inactive account, with the same answer', async () => {
    const { email, id } = await newUser()
    await call(ctx, admin, 'PATCH', `/api/users/${id}`, { is_active: false })
    const response = await forgot(email)
    expect(response.statusCode).toBe(200)
    expect(JSON.parse(response.body).message).toBe('If that account exists, we sent a reset link')
    expect(await lastEmailTo(email)).toBeUndefined()
  })

  it('never shows the token in the admin outbox', async () => {
    const { email } = await newUser()
    await forgot(email)
    const token = await tokenFor(email)
    const listed = await call(ctx, admin, 'GET', `/api/admin/emails?to=${encodeURIComponent(email)}`)
    expect(listed.body.data[0]?.text).toContain('reset-password?token=[hidden]')
    expect(JSON.stringify(listed.body)).not.toContain(token)
  })

  it('validates the body', async () => {
    const response = await post('/api/auth/password/forgot', {})
    expect(response.status).toBe(400)
    expect(response.body.message).toBe('Bad request')
  })
})

describe('POST /api/auth/password/reset', () => {
  it('sets the password, signs in, and revokes every other session', async () => {
    const { email } = await newUser()
    const oldCookie = await login(ctx, email, 'old password 1')
    await forgot(email)
    const { status, body, response } = await reset(await tokenFor(email))
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, message: 'Password reset successful' })
    expect(body.data).toMatchObject({ email, role: 'user' })
    const sid = response.cookies.find((c) => c.name === 'sid')
    expect(sid?.httpOnly).toBe(true)
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `sid=${sid?.value}` },
    })
    expect(me.statusCode).toBe(200)
    const old = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: oldCookie } })
    expect(old.statusCode).toBe(401)
    // The new password works, the old one does not.
    await expect(login(ctx, email, NEW_PASSWORD)).resolves.toMatch(/^sid=/)
    await expect(login(ctx, email, 'old password 1')).rejects.toThrow()
  })

  it('works once: the same token again, or an older link, is refused', async () => {
    const { email } = await newUser()
    await forgot(email)
    const first = await tokenFor(email)
    await forgot(email)
    const second = await tokenFor(email)
    expect(second).not.toBe(first)
    expect((await reset(second)).status).toBe(200)
    for (const token of [second, first]) {
      const again = await reset(token, 'yet another password')
      expect(again.status).toBe(400)
      expect(again.body).toMatchObject({ success: false, message: 'Invalid or expired token' })
    }
    await expect(login(ctx, email, NEW_PASSWORD)).resolves.toMatch(/^sid=/)
  })

  it('refuses an expired token, an unknown one, and garbage', async () => {
    const { email, id } = await newUser()
    await forgot(email)
    const token = await tokenFor(email)
    await ctx.database.db
      .update(passwordResetTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(passwordResetTokens.userId, id))
    for (const bad of [token, 'A'.repeat(43), 'not a token', '../../etc']) {
      const response = await reset(bad)
      expect(response.status).toBe(400)
      expect(response.body.message).toBe('Invalid or expired token')
    }
    await expect(login(ctx, email, 'old password 1')).resolves.toMatch(/^sid=/)
  })

  it('refuses an account deactivated after the link was sent', async () => {
    const { email, id } = await newUser()
    await forgot(email)
    const token = await tokenFor(email)
    await call(ctx, admin, 'PATCH', `/api/users/${id}`, { is_active: false })
    const response = await reset(token)
    expect(response.status).toBe(400)
    expect(response.body.message).toBe('Invalid or expired token')
    expect(response.response.cookies.find((c) => c.name === 'sid')).toBeUndefined()
  })

  it('validates the new password like registration (8-128), keeping the token usable', async () => {
    const { email } = await newUser()
    await forgot(email)
    const token = await tokenFor(email)
    for (const password of ['short', 'x'.repeat(129)]) {
      const response = await reset(token, password)
      expect(response.status).toBe(400)
      expect(response.body.error).toContain('password')
    }
    expect((await reset(token)).status).toBe(200)
  })

  it('lets a user without a usable password (made by an admin, or by email later) set one', async () => {
    const { email, id } = await newUser()
    await ctx.database.executeSql(`UPDATE users SET password_hash = '' WHERE id = $1`, [id])
    await expect(login(ctx, email, 'old password 1')).rejects.toThrow()
    await forgot(email)
    expect((await reset(await tokenFor(email))).status).toBe(200)
    await expect(login(ctx, email, NEW_PASSWORD)).resolves.toMatch(/^sid=/)
  })

  it('lets only one of two simultaneous uses of a token through', async () => {
    const { email } = await newUser()
    await forgot(email)
    const token = await tokenFor(email)
    const results = await Promise.all([reset(token, 'first racer pw'), reset(token, 'second racer pw')])
    expect(results.map((r) => r.status).sort()).toEqual([200, 400])
  })
})

describe('rate limits', () => {
  it('limits reset requests per IP, like login', async () => {
    const limited = await createTestContext({ AUTH_RATE_LIMIT: '3' })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) {
        const response = await limited.app.inject({
          method: 'POST',
          url: '/api/auth/password/forgot',
          payload: { email: `someone${i}@example.com` },
          remoteAddress: '203.0.113.9',
        })
        statuses.push(response.statusCode)
      }
      expect(statuses).toEqual([200, 200, 200, 429])
    } finally {
      await limited.close()
    }
  })
})
