import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { sessions } from '../src/db/schema.js'
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const PASSWORD = 'correct horse battery'

let ctx: TestContext
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

let emailCounter = 0
const freshEmail = (prefix = 'auth') => `${prefix}${++emailCounter}-${Date.now()}@example.com`

interface SendOptions {
  method?: 'GET' | 'POST' | 'PATCH'
  url: string
  payload?: object
  cookie?: string
  remoteAddress?: string
  headers?: Record<string, string>
}

/** A raw request: lets a test choose the client address and see the cookies. */
async function send(context: TestContext, options: SendOptions) {
  const response = await context.app.inject({
    method: options.method ?? 'POST',
    url: options.url,
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
    ...(options.payload === undefined ? {} : { payload: options.payload }),
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  })
  const body = (response.body ? JSON.parse(response.body) : undefined) as Body
  const sid = response.cookies.find((c) => c.name === 'sid')
  return { status: response.statusCode, body, headers: response.headers, sid, response }
}

const register = (payload: object) => send(ctx, { url: '/api/auth/register', payload })

const me = (cookie: string) => send(ctx, { method: 'GET', url: '/api/auth/me', cookie })

function expectUserShape(data: Body['data']) {
  expect(Object.keys(data).sort()).toEqual(
    ['created_at', 'email', 'id', 'is_active', 'name', 'role', 'skills', 'updated_at'].sort(),
  )
  expect(data.id).toMatch(UUID)
  expect(data.created_at).toMatch(ISO)
  expect(data.updated_at).toMatch(ISO)
}

function expectNoSecrets(raw: string) {
  expect(raw).not.toMatch(/password/i)
  expect(raw).not.toContain('$argon2')
}

function expectError(body: Body, statusCode: number, message: string, path: string) {
  expect(body).toMatchObject({ success: false, statusCode, message, path })
  expect(body.timestamp).toMatch(ISO)
}

describe('POST /api/auth/register', () => {
  it('creates a user, answers 201 with the user object and signs them in', async () => {
    const email = freshEmail()
    const { status, body, sid, headers, response } = await register({
      email,
      password: PASSWORD,
      name: 'Ada Lovelace',
    })
    expect(status).toBe(201)
    expect(body).toMatchObject({ success: true, statusCode: 201, message: 'User registered successfully' })
    expect(body.timestamp).toMatch(ISO)
    expectUserShape(body.data)
    expect(body.data).toMatchObject({
      email,
      name: 'Ada Lovelace',
      role: 'user',
      is_active: true,
      skills: [],
    })
    expectNoSecrets(response.body)

    expect(sid).toBeDefined()
    expect(sid?.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(sid?.httpOnly).toBe(true)
    expect(sid?.sameSite).toBe('Lax')
    expect(sid?.path).toBe('/')
    expect(sid?.secure).toBeFalsy() // COOKIE_SECURE=false in tests
    expect(sid?.maxAge).toBeGreaterThan(0)
    expect(String(headers['set-cookie'])).toMatch(/HttpOnly/)
    expect(String(headers['set-cookie'])).toMatch(/SameSite=Lax/)

    // The cookie is a working session at once.
    const who = await me(`sid=${sid?.value}`)
    expect(who.status).toBe(200)
    expect(who.body.data.id).toBe(body.data.id)
  })

  it('stores the email lower-case and works without a name', async () => {
    const email = freshEmail('MiXeD')
    const { status, body } = await register({ email: email.toUpperCase(), password: PASSWORD })
    expect(status).toBe(201)
    expect(body.data.email).toBe(email.toLowerCase())
    expect(body.data.name).toBeNull()
  })

  it('trims the email and the name before checking them', async () => {
    const email = freshEmail('spaces')
    const { status, body } = await register({ email: `  ${email}  `, password: PASSWORD, name: '  Grace  ' })
    expect(status).toBe(201)
    expect(body.data.email).toBe(email)
    expect(body.data.name).toBe('Grace')
  })

  it('always creates a plain user: a role in the body is refused, not obeyed', async () => {
    const email = freshEmail('climber')
    const { status, body } = await register({ email, password: PASSWORD, role: 'admin' })
    expect(status).toBe(400)
    expect(body.error).toBe('property role should not exist')
    const loginAttempt = await send(ctx, { url: '/api/auth/login', payload: { email, password: PASSWORD } })
    expect(loginAttempt.status).toBe(401)
  })

  it('answers 409 "Email already registered" for a taken email, in any case', async () => {
    const email = freshEmail('taken')
    expect((await register({ email, password: PASSWORD })).status).toBe(201)
    for (const again of [email, email.toUpperCase(), `  ${email.replace(/^t/, 'T')} `]) {
      const { status, body, sid } = await register({ email: again, password: 'another password' })
      expect(status).toBe(409)
      expectError(body, 409, 'Email already registered', '/api/auth/register')
      expect(sid).toBeUndefined()
    }
    // The original password still works: the 409 did not overwrite anything.
    expect(await login(ctx, email, PASSWORD)).toMatch(/^sid=/)
  })

  const validation: [string, object, string][] = [
    ['a missing email', { password: PASSWORD }, 'email is required'],
    [
      'an invalid email',
      { email: 'not-an-email', password: PASSWORD },
      'email must be a valid email address',
    ],
    [
      'an email over 254 characters',
      { email: `${'a'.repeat(250)}@x.io`, password: PASSWORD },
      'email cannot exceed 254 characters',
    ],
    ['a missing password', { email: 'p@example.com' }, 'password is required'],
    [
      'a 7-character password',
      { email: 'p@example.com', password: '1234567' },
      'password must be at least 8 characters long',
    ],
    [
      'a 129-character password',
      { email: 'p@example.com', password: 'x'.repeat(129) },
      'password cannot exceed 128 characters',
    ],
    ['a non-string password', { email: 'p@example.com', password: 12345678 }, 'password must be a string'],
    ['an empty name', { email: 'p@example.com', password: PASSWORD, name: '' }, 'name must not be empty'],
    ['a blank name', { email: 'p@example.com', password: PASSWORD, name: '   ' }, 'name must not be empty'],
    [
      'a 101-character name',
      { email: 'p@example.com', password: PASSWORD, name: 'n'.repeat(101) },
      'name cannot exceed 100 characters',
    ],
  ]
  it.each(validation)('answers 400 for %s', async (_case, payload, error) => {
    const { status, body, sid } = await register(payload)
    expect(status).toBe(400)
    expectError(body, 400, 'Bad request', '/api/auth/register')
    expect(body.error).toBe(error)
    expect(sid).toBeUndefined()
  })

  it('accepts the boundaries: an 8- and a 128-character password, a 1- and a 100-character name', async () => {
    for (const [password, name] of [
      ['12345678', 'A'],
      ['p'.repeat(128), 'N'.repeat(100)],
    ] as const) {
      const { status, body } = await register({ email: freshEmail('edge'), password, name })
      expect(status).toBe(201)
      expect(body.data.name).toBe(name)
    }
  })
})

describe('POST /api/auth/login', () => {
  let email: string
  beforeAll(async () => {
    email = freshEmail('login')
    await createUser(ctx.database.db, { email, password: PASSWORD, name: 'Login Person' })
  })

  it('answers 200 with the user and sets a session cookie', async () => {
    const { status, body, sid, response } = await send(ctx, {
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    })
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, statusCode: 200, message: 'Login successful' })
    expectUserShape(body.data)
    expect(body.data).toMatchObject({ email, name: 'Login Person', role: 'user', is_active: true })
    expectNoSecrets(response.body)
    expect(sid?.httpOnly).toBe(true)
    expect(sid?.sameSite).toBe('Lax')
    expect((await me(`sid=${sid?.value}`)).status).toBe(200)
  })

  it('accepts the email in any case', async () => {
    const { status } = await send(ctx, {
      url: '/api/auth/login',
      payload: { email: ` ${email.toUpperCase()} `, password: PASSWORD },
    })
    expect(status).toBe(200)
  })

  it('opens a new session per login', async () => {
    const first = await login(ctx, email, PASSWORD)
    const second = await login(ctx, email, PASSWORD)
    expect(first).not.toBe(second)
  })

  it('answers 401 "Invalid email or password" alike for an unknown email, a wrong password and an inactive user', async () => {
    const inactiveEmail = freshEmail('inactive')
    const inactive = await createUser(ctx.database.db, { email: inactiveEmail, password: PASSWORD })
    const off = await call(ctx, admin, 'PATCH', `/api/users/${inactive.id}`, { is_active: false })
    expect(off.status).toBe(200)

    const attempts = [
      { email: freshEmail('nobody'), password: PASSWORD },
      { email, password: 'wrong password' },
      { email, password: PASSWORD.toUpperCase() },
      { email: inactiveEmail, password: PASSWORD },
    ]
    const bodies: Body[] = []
    for (const payload of attempts) {
      const { status, body, sid } = await send(ctx, { url: '/api/auth/login', payload })
      expect(status).toBe(401)
      expectError(body, 401, 'Invalid email or password', '/api/auth/login')
      expect(body.error).toBeUndefined()
      expect(sid).toBeUndefined()
      bodies.push(body)
    }
    const shapes = bodies.map(({ timestamp: _t, ...rest }) => rest)
    expect(new Set(shapes.map((s) => JSON.stringify(s))).size).toBe(1)
  })

  it('answers 400 for a body without a password', async () => {
    const { status, body } = await send(ctx, { url: '/api/auth/login', payload: { email } })
    expect(status).toBe(400)
    expect(body.error).toBe('password is required')
  })
})

describe('POST /api/auth/logout', () => {
  it('revokes the session, clears the cookie and answers data null', async () => {
    const user = await signedInUser(ctx, 'user')
    const other = await login(ctx, user.email, user.password) // a second session of the same user
    const { status, body, sid } = await send(ctx, { url: '/api/auth/logout', cookie: user.cookie })
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, statusCode: 200, message: 'Logout successful', data: null })
    expect(sid).toBeDefined()
    expect(sid?.value).toBe('')
    expect(sid?.path).toBe('/')
    const expired = sid?.maxAge === 0 || (sid?.expires !== undefined && sid.expires.getTime() <= Date.now())
    expect(expired).toBe(true)

    // The old cookie no longer works, even if a client keeps sending it.
    const again = await me(user.cookie)
    expect(again.status).toBe(401)
    expectError(again.body, 401, 'Unauthorized access', '/api/auth/me')
    const list = await call(ctx, user, 'GET', '/api/tickets')
    expect(list.status).toBe(401)

    // Only that session ended.
    expect((await me(other)).status).toBe(200)
  })

  it('answers 200 without a session, and for an already revoked one', async () => {
    expect((await send(ctx, { url: '/api/auth/logout' })).status).toBe(200)
    const user = await signedInUser(ctx, 'user')
    expect((await send(ctx, { url: '/api/auth/logout', cookie: user.cookie })).status).toBe(200)
    expect((await send(ctx, { url: '/api/auth/logout', cookie: user.cookie })).status).toBe(200)
  })

  it('accepts a JSON content type with an empty body (what fetch wrappers send)', async () => {
    const user = await signedInUser(ctx, 'user')
    const { status } = await send(ctx, {
      url: '/api/auth/logout',
      cookie: user.cookie,
      headers: { 'content-type': 'application/json' },
    })
    expect(status).toBe(200)
    expect((await me(user.cookie)).status).toBe(401)
  })
})

describe('GET /api/auth/me', () => {
  it('answers 200 with the signed-in user', async () => {
    const user = await signedInUser(ctx, 'moderator')
    const { status, body, response } = await me(user.cookie)
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, statusCode: 200, message: 'User retrieved successfully' })
    expectUserShape(body.data)
    expect(body.data).toMatchObject({ id: user.id, email: user.email, role: 'moderator', skills: [] })
    expectNoSecrets(response.body)
  })

  it.each([
    ['no cookie', ''],
    ['a malformed cookie', 'sid=not a token'],
    ['an unknown token', `sid=${'A'.repeat(43)}`],
    ['another cookie name', 'session=abc'],
  ])('answers 401 "Unauthorized access" with %s', async (_case, cookie) => {
    const { status, body } = await me(cookie)
    expect(status).toBe(401)
    expectError(body, 401, 'Unauthorized access', '/api/auth/me')
  })
})

describe('sessions follow the account', () => {
  it('deactivating a user revokes their sessions at once, and reactivating does not revive them', async () => {
    const moderator = await signedInUser(ctx, 'moderator')
    const second = await login(ctx, moderator.email, moderator.password)
    expect((await me(moderator.cookie)).status).toBe(200)

    expect((await call(ctx, admin, 'PATCH', `/api/users/${moderator.id}`, { is_active: false })).status).toBe(
      200,
    )
    expect((await me(moderator.cookie)).status).toBe(401)
    expect((await me(second)).status).toBe(401)
    expect((await call(ctx, moderator, 'GET', '/api/skills')).status).toBe(401)

    expect((await call(ctx, admin, 'PATCH', `/api/users/${moderator.id}`, { is_active: true })).status).toBe(
      200,
    )
    expect((await me(moderator.cookie)).status).toBe(401)
    // A fresh login works again.
    expect((await me(await login(ctx, moderator.email, moderator.password))).status).toBe(200)
  })

  it('a role change applies to the existing session on its next request', async () => {
    const user = await signedInUser(ctx, 'user')
    expect((await call(ctx, user, 'GET', '/api/users')).status).toBe(403)
    expect((await call(ctx, admin, 'PATCH', `/api/users/${user.id}`, { role: 'admin' })).status).toBe(200)
    expect((await call(ctx, user, 'GET', '/api/users')).status).toBe(200)
    expect((await me(user.cookie)).body.data.role).toBe('admin')
  })

  it('an expired session is refused', async () => {
    // Expired by SQL before its first use: a session this process looked up is trusted until
    // its expiry or SESSION_CACHE_SECONDS, whichever comes first (session-cache.test.ts).
    const user = await signedInUser(ctx, 'user')
    await ctx.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(sessions.userId, user.id))
    const { status, body } = await me(user.cookie)
    expect(status).toBe(401)
    expectError(body, 401, 'Unauthorized access', '/api/auth/me')
  })

  it('no auth or users response carries a password hash', async () => {
    const target = await signedInUser(ctx, 'moderator')
    const responses = [
      await call(ctx, admin, 'GET', '/api/users?limit=100'),
      await call(ctx, admin, 'GET', `/api/users/${target.id}`),
      await call(ctx, admin, 'PATCH', `/api/users/${target.id}`, { name: 'Renamed' }),
      await call(ctx, admin, 'POST', '/api/users', { email: freshEmail('made'), password: PASSWORD }),
      await call(ctx, target, 'GET', '/api/auth/me'),
    ]
    for (const { status, response } of responses) {
      expect(status).toBeLessThan(300)
      expectNoSecrets(response.body)
    }
  })
})

describe('rate limiting (AUTH_RATE_LIMIT=3)', () => {
  let limited: TestContext
  beforeAll(async () => {
    limited = await createTestContext({ AUTH_RATE_LIMIT: '3' })
  })
  afterAll(() => limited.close())

  const attempt = (email: string, remoteAddress: string, password = 'wrong password') =>
    send(limited, { url: '/api/auth/login', payload: { email, password }, remoteAddress })

  it('per IP: the 4th attempt in a minute from one address answers 429 in the error envelope', async () => {
    const ip = '203.0.113.10'
    for (let i = 1; i <= 3; i++) {
      // Different emails: only the address is shared.
      expect((await attempt(`ip-victim${i}@example.com`, ip)).status).toBe(401)
    }
    const { status, body, headers } = await attempt('ip-victim4@example.com', ip)
    expect(status).toBe(429)
    expectError(body, 429, 'Too many requests', '/api/auth/login')
    expect(body.error).toMatch(/^too many attempts; retry in \d+ seconds$/)
    expect(Number(headers['retry-after'])).toBeGreaterThan(0)

    // Registering from that address is refused too.
    const reg = await send(limited, {
      url: '/api/auth/register',
      payload: { email: freshEmail('reg'), password: PASSWORD },
      remoteAddress: ip,
    })
    expect(reg.status).toBe(429)
  })

  it('per IP: register and login share the budget, and another address is unaffected', async () => {
    const ip = '203.0.113.20'
    const reg = (n: number) =>
      send(limited, {
        url: '/api/auth/register',
        payload: { email: `shared${n}@example.com`, password: PASSWORD },
        remoteAddress: ip,
      })
    expect((await reg(1)).status).toBe(201)
    expect((await reg(2)).status).toBe(201)
    expect((await attempt('shared1@example.com', ip, PASSWORD)).status).toBe(200)
    const blocked = await reg(3)
    expect(blocked.status).toBe(429)
    expect(blocked.body.success).toBe(false)
    // Even a correct login is refused from that address now…
    expect((await attempt('shared2@example.com', ip, PASSWORD)).status).toBe(429)
    // …while another address may still sign in.
    expect((await attempt('shared2@example.com', '203.0.113.21', PASSWORD)).status).toBe(200)
  })

  it('per (email, IP): past the limit of failed sign-ins, that account is refused from that address', async () => {
    const email = 'per-email-target@example.com'
    await createUser(limited.database.db, { email, password: PASSWORD })
    const attacker = '198.51.100.1'
    for (let i = 1; i <= 3; i++)
      expect((await attempt(` ${email.toUpperCase()} `, attacker)).status).toBe(401)
    // Even the right password is refused from there now…
    const locked = await attempt(email, attacker, PASSWORD)
    expect(locked.status).toBe(429)
    expectError(locked.body, 429, 'Too many requests', '/api/auth/login')
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    // …while the owner, from their own address, signs in.
    expect((await attempt(email, '198.51.100.2', PASSWORD)).status).toBe(200)
  })

  it('the owner signs in from their own address however many failures came from elsewhere', async () => {
    const email = 'lockout-victim@example.com'
    await createUser(limited.database.db, { email, password: PASSWORD })
    // 20 failures from one address, and one each from ten others.
    for (let i = 0; i < 20; i++) await attempt(email, '198.51.100.50')
    for (let i = 0; i < 10; i++) expect((await attempt(email, `198.51.100.${60 + i}`)).status).toBe(401)
    expect((await attempt(email, '203.0.113.99', PASSWORD)).status).toBe(200)
  })

  it('successful sign-ins do not count towards the account limit, and one clears its failures', async () => {
    const email = 'frequent-user@example.com'
    await createUser(limited.database.db, { email, password: PASSWORD })
    // A fresh address per pair keeps the per-IP budget out of the way.
    for (let i = 1; i <= 3; i++) {
      const ip = `192.0.2.${100 + i}`
      expect((await attempt(email, ip)).status).toBe(401)
      expect((await attempt(email, ip)).status).toBe(401)
      expect((await attempt(email, ip, PASSWORD)).status).toBe(200)
    }
  })

  it('registering the same email from many addresses answers 409, not a lock-out', async () => {
    const email = 'register-flood@example.com'
    const statuses: number[] = []
    for (let i = 1; i <= 4; i++) {
      const { status } = await send(limited, {
        url: '/api/auth/register',
        payload: { email: i % 2 ? email : email.toUpperCase(), password: PASSWORD },
        remoteAddress: `192.0.2.${i}`,
      })
      statuses.push(status)
    }
    expect(statuses).toEqual([201, 409, 409, 409])
  })
})

describe('cookie Secure flag', () => {
  it('is set whenever APP_URL is https, even with COOKIE_SECURE=false', async () => {
    const https = await createTestContext({ APP_URL: 'https://help.example.com', COOKIE_SECURE: 'false' })
    try {
      const { status, sid } = await send(https, {
        url: '/api/auth/register',
        payload: { email: 'https-secure@example.com', password: PASSWORD },
        headers: { origin: 'https://help.example.com' },
      })
      expect(status).toBe(201)
      expect(sid?.secure).toBe(true)
    } finally {
      await https.close()
    }
  })

  it('follows COOKIE_SECURE on a plain-HTTP APP_URL', async () => {
    expect(loadConfig({ APP_URL: 'http://10.0.0.5:3000', COOKIE_SECURE: 'false' }).cookieSecure).toBe(false)
    expect(loadConfig({ APP_URL: 'http://10.0.0.5:3000', COOKIE_SECURE: 'true' }).cookieSecure).toBe(true)
    expect(loadConfig({ APP_URL: 'https://help.example.com' }).cookieSecure).toBe(true)
  })

  it('is set when COOKIE_SECURE=true', async () => {
    const secure = await createTestContext({ COOKIE_SECURE: 'true' })
    try {
      const { status, sid } = await send(secure, {
        url: '/api/auth/register',
        payload: { email: 'secure@example.com', password: PASSWORD },
      })
      expect(status).toBe(201)
      expect(sid?.secure).toBe(true)
      expect(sid?.httpOnly).toBe(true)
    } finally {
      await secure.close()
    }
  })
})
