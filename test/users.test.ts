import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
const MISSING = '00000000-0000-4000-8000-000000000000'
const PASSWORD = 'correct horse battery'

let ctx: TestContext
let admin: TestUser
let user: TestUser
let moderator: TestUser
const skillIds: Record<string, string> = {}

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await signedInUser(ctx, 'admin')
  user = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  for (const name of ['Networking', 'Database', 'Frontend', 'Email']) {
    const { status, body } = await call(ctx, admin, 'POST', '/api/skills', { name })
    if (status !== 201) throw new Error(`skill: ${JSON.stringify(body)}`)
    skillIds[name] = String(body.data.id)
  }
})
afterAll(() => ctx.close())

let counter = 0
const freshEmail = (prefix: string) => `${prefix}-${++counter}-${Date.now()}@example.com`

function expectError(body: Body, statusCode: number, message: string) {
  expect(body).toMatchObject({ success: false, statusCode, message })
  expect(body.timestamp).toMatch(ISO)
  expect(typeof body.path).toBe('string')
}

async function createUserAs(role: 'user' | 'moderator' | 'admin', extra: object = {}) {
  const { status, body } = await call(ctx, admin, 'POST', '/api/users', {
    email: freshEmail(role),
    password: PASSWORD,
    role,
    ...extra,
  })
  if (status !== 201) throw new Error(`create user: ${JSON.stringify(body)}`)
  return body.data as unknown as { id: string; email: string; role: string }
}

describe('access: every /api/users endpoint is admin only', () => {
  const endpoints: [string, 'GET' | 'POST' | 'PATCH' | 'PUT', (id: string) => string, object?][] = [
    ['list', 'GET', () => '/api/users'],
    ['create', 'POST', () => '/api/users', { email: 'x@example.com', password: PASSWORD }],
    ['get', 'GET', (id) => `/api/users/${id}`],
    ['update', 'PATCH', (id) => `/api/users/${id}`, { role: 'admin' }],
    ['skills', 'PUT', (id) => `/api/users/${id}/skills`, { skills: [] }],
  ]

  it.each(endpoints)(
    '%s: 401 anonymous, 403 for a user and a moderator',
    async (_name, method, url, body) => {
      const target = url(moderator.id)
      const anonymous = await call(ctx, null, method, target, body)
      expect(anonymous.status).toBe(401)
      expectError(anonymous.body, 401, 'Unauthorized access')
      for (const who of [user, moderator]) {
        const denied = await call(ctx, who, method, target, body)
        expect(denied.status).toBe(403)
        expectError(denied.body, 403, 'Only admins can manage users')
      }
      // Nothing changed: the moderator is still a moderator.
      const after = await call(ctx, admin, 'GET', `/api/users/${moderator.id}`)
      expect(after.body.data.role).toBe('moderator')
    },
  )

  it('checks the role before the body: a user sending an invalid body still gets 403', async () => {
    const { status } = await call(ctx, user, 'PATCH', `/api/users/${user.id}`, { role: 'superuser' })
    expect(status).toBe(403)
  })
})

describe('GET /api/users', () => {
  const marker = `zq${Date.now().toString(36)}`
  const made: { id: string; email: string }[] = []
  beforeAll(async () => {
    // Three users and two moderators whose email carries the marker, one moderator found by name.
    for (const role of ['user', 'user', 'moderator', 'user', 'moderator'] as const) {
      const { body } = await call(ctx, admin, 'POST', '/api/users', {
        email: `${marker}-${made.length}@example.com`,
        password: PASSWORD,
        role,
      })
      made.push(body.data as unknown as { id: string; email: string })
    }
    await call(ctx, admin, 'POST', '/api/users', {
      email: freshEmail('named'),
      password: PASSWORD,
      name: `Someone ${marker.toUpperCase()} Named`,
      role: 'moderator',
    })
  })

  it('lists users newest first with meta and the user shape', async () => {
    const { status, body } = await call(ctx, admin, 'GET', '/api/users')
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, statusCode: 200, message: 'Users retrieved successfully' })
    expect(body.meta).toEqual({ total: expect.any(Number), page: 1, limit: 20 })
    expect(body.meta?.total).toBeGreaterThanOrEqual(9)
    const first = body.data[0]
    expect(Object.keys(first ?? {}).sort()).toEqual(
      ['created_at', 'email', 'id', 'is_active', 'name', 'role', 'skills', 'updated_at'].sort(),
    )
    const created = body.data.map((u) => String(u.created_at))
    expect([...created].sort().reverse()).toEqual(created)
    expect(JSON.stringify(body)).not.toMatch(/password/i)
  })

  it('searches email and name, case-insensitively', async () => {
    const byEmail = await call(ctx, admin, 'GET', `/api/users?q=${marker}-`)
    expect(byEmail.status).toBe(200)
    expect(byEmail.body.meta?.total).toBe(5)
    expect(byEmail.body.data.map((u) => u.id).sort()).toEqual(made.map((u) => u.id).sort())

    const all = await call(ctx, admin, 'GET', `/api/users?q=${marker.toUpperCase()}`)
    expect(all.body.meta?.total).toBe(6)
    expect(all.body.data.some((u) => String(u.name).includes('Named'))).toBe(true)

    const none = await call(ctx, admin, 'GET', '/api/users?q=no-such-person-anywhere')
    expect(none.body.data).toEqual([])
    expect(none.body.meta?.total).toBe(0)
  })

  it('treats % and _ in q as plain characters', async () => {
    const percent = await call(ctx, admin, 'GET', '/api/users?q=%25')
    expect(percent.status).toBe(200)
    expect(percent.body.meta?.total).toBe(0)
    const underscore = await call(ctx, admin, 'GET', '/api/users?q=_')
    expect(underscore.body.meta?.total).toBe(0)
  })

  it('filters by role, alone and with q', async () => {
    const moderators = await call(ctx, admin, 'GET', `/api/users?role=moderator&q=${marker}`)
    expect(moderators.body.meta?.total).toBe(3)
    expect(moderators.body.data.every((u) => u.role === 'moderator')).toBe(true)

    const admins = await call(ctx, admin, 'GET', '/api/users?role=admin&limit=100')
    expect(admins.body.data.length).toBeGreaterThan(0)
    expect(admins.body.data.every((u) => u.role === 'admin')).toBe(true)
    expect(admins.body.data.some((u) => u.id === admin.id)).toBe(true)
  })

  it('pages with page and limit', async () => {
    const page1 = await call(ctx, admin, 'GET', `/api/users?q=${marker}-&limit=2&page=1`)
    const page2 = await call(ctx, admin, 'GET', `/api/users?q=${marker}-&limit=2&page=2`)
    const page3 = await call(ctx, admin, 'GET', `/api/users?q=${marker}-&limit=2&page=3`)
    const page4 = await call(ctx, admin, 'GET', `/api/users?q=${marker}-&limit=2&page=4`)
    expect(page1.body.meta).toEqual({ total: 5, page: 1, limit: 2 })
    expect(page2.body.meta).toEqual({ total: 5, page: 2, limit: 2 })
    expect(page1.body.data).toHaveLength(2)
    expect(page2.body.data).toHaveLength(2)
    expect(page3.body.data).toHaveLength(1)
    expect(page4.body.data).toEqual([])
    expect(page4.body.meta?.total).toBe(5)
    const ids = [...page1.body.data, ...page2.body.data, ...page3.body.data].map((u) => u.id)
    expect(new Set(ids).size).toBe(5)
    // Newest first: the last one created comes first.
    expect(ids[0]).toBe(made[4]?.id)
  })

  it.each([
    ['page=0', 'page must be greater than 0'],
    ['page=abc', 'page must be an integer'],
    ['limit=0', 'limit must be greater than 0'],
    ['limit=101', 'limit cannot exceed 100'],
    ['role=superuser', 'role must be user, moderator, or admin'],
  ])('answers 400 for %s', async (query, error) => {
    const { status, body } = await call(ctx, admin, 'GET', `/api/users?${query}`)
    expect(status).toBe(400)
    expectError(body, 400, 'Bad request')
    expect(body.error).toBe(error)
  })
})

describe('POST /api/users', () => {
  it('creates a user with the given role (201), who can then sign in', async () => {
    const email = freshEmail('NewMod')
    const { status, body } = await call(ctx, admin, 'POST', '/api/users', {
      email,
      password: PASSWORD,
      name: 'New Moderator',
      role: 'moderator',
    })
    expect(status).toBe(201)
    expect(body).toMatchObject({ success: true, statusCode: 201, message: 'User created successfully' })
    expect(body.data).toEqual({
      id: expect.stringMatching(UUID),
      email: email.toLowerCase(),
      name: 'New Moderator',
      role: 'moderator',
      is_active: true,
      skills: [],
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    })
    const cookie = await login(ctx, email, PASSWORD)
    const me = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })
    expect(JSON.parse(me.body).data.role).toBe('moderator')
  })

  it('creates an admin, and a plain user when no role is given', async () => {
    const newAdmin = await call(ctx, admin, 'POST', '/api/users', {
      email: freshEmail('adm'),
      password: PASSWORD,
      role: 'admin',
    })
    expect(newAdmin.body.data.role).toBe('admin')
    const plain = await call(ctx, admin, 'POST', '/api/users', {
      email: freshEmail('plain'),
      password: PASSWORD,
    })
    expect(plain.status).toBe(201)
    expect(plain.body.data.role).toBe('user')
    expect(plain.body.data.name).toBeNull()
  })

  it('answers 409 "Email already registered" for a taken email in any case', async () => {
    const email = freshEmail('dup')
    expect((await call(ctx, admin, 'POST', '/api/users', { email, password: PASSWORD })).status).toBe(201)
    const again = await call(ctx, admin, 'POST', '/api/users', {
      email: email.toUpperCase(),
      password: PASSWORD,
      role: 'admin',
    })
    expect(again.status).toBe(409)
    expectError(again.body, 409, 'Email already registered')
  })

  it.each([
    [{ password: PASSWORD }, 'email is required'],
    [{ email: 'nope', password: PASSWORD }, 'email must be a valid email address'],
    [{ email: 'ok@example.com', password: 'short' }, 'password must be at least 8 characters long'],
    [{ email: 'ok@example.com', password: PASSWORD, role: 'root' }, 'role must be user, moderator, or admin'],
    [{ email: 'ok@example.com', password: PASSWORD, name: '  ' }, 'name must not be empty'],
    [
      { email: 'ok@example.com', password: PASSWORD, is_active: false },
      'property is_active should not exist',
    ],
  ])('answers 400 for %j', async (payload, error) => {
    const { status, body } = await call(ctx, admin, 'POST', '/api/users', payload)
    expect(status).toBe(400)
    expect(body.error).toBe(error)
  })
})

describe('GET /api/users/:id', () => {
  it('answers 200 with the user', async () => {
    const { status, body } = await call(ctx, admin, 'GET', `/api/users/${moderator.id}`)
    expect(status).toBe(200)
    expect(body.message).toBe('User retrieved successfully')
    expect(body.data).toMatchObject({ id: moderator.id, email: moderator.email, role: 'moderator' })
  })

  it('accepts the id in upper case', async () => {
    const { status, body } = await call(ctx, admin, 'GET', `/api/users/${moderator.id.toUpperCase()}`)
    expect(status).toBe(200)
    expect(body.data.id).toBe(moderator.id)
  })

  it.each([
    ['an unknown id', MISSING],
    ['a non-UUID id', 'not-a-uuid'],
    ['a number', '42'],
  ])('answers 404 "User not found" for %s', async (_case, id) => {
    const { status, body } = await call(ctx, admin, 'GET', `/api/users/${id}`)
    expect(status).toBe(404)
    expectError(body, 404, 'User not found')
  })
})

describe('PATCH /api/users/:id', () => {
  it('changes the name, and null clears it', async () => {
    const target = await createUserAs('user')
    const renamed = await call(ctx, admin, 'PATCH', `/api/users/${target.id}`, { name: '  Renamed Person ' })
    expect(renamed.status).toBe(200)
    expect(renamed.body.message).toBe('User updated successfully')
    expect(renamed.body.data).toMatchObject({ id: target.id, name: 'Renamed Person', role: 'user' })
    expect(Date.parse(String(renamed.body.data.updated_at))).toBeGreaterThanOrEqual(
      Date.parse(String(renamed.body.data.created_at)),
    )
    const cleared = await call(ctx, admin, 'PATCH', `/api/users/${target.id}`, { name: null })
    expect(cleared.body.data.name).toBeNull()
  })

  it('changes the role both ways', async () => {
    const target = await createUserAs('user')
    const up = await call(ctx, admin, 'PATCH', `/api/users/${target.id}`, { role: 'moderator' })
    expect(up.status).toBe(200)
    expect(up.body.data.role).toBe('moderator')
    const down = await call(ctx, admin, 'PATCH', `/api/users/${target.id}`, { role: 'user' })
    expect(down.body.data.role).toBe('user')
    const fetched = await call(ctx, admin, 'GET', `/api/users/${target.id}`)
    expect(fetched.body.data.role).toBe('user')
  })

  it('deactivates and reactivates; an inactive user cannot sign in', async () => {
    const email = freshEmail('toggle')
    const created = await call(ctx, admin, 'POST', '/api/users', { email, password: PASSWORD })
    const id = String(created.body.data.id)
    const off = await call(ctx, admin, 'PATCH', `/api/users/${id}`, { is_active: false })
    expect(off.status).toBe(200)
    expect(off.body.data.is_active).toBe(false)
    await expect(login(ctx, email, PASSWORD)).rejects.toThrow(/Invalid email or password/)
    const on = await call(ctx, admin, 'PATCH', `/api/users/${id}`, { is_active: true })
    expect(on.body.data.is_active).toBe(true)
    expect(await login(ctx, email, PASSWORD)).toMatch(/^sid=/)
  })

  it('changes several fields at once', async () => {
    const target = await createUserAs('user')
    const { status, body } = await call(ctx, admin, 'PATCH', `/api/users/${target.id}`, {
      role: 'moderator',
      is_active: false,
      name: 'Both',
    })
    expect(status).toBe(200)
    expect(body.data).toMatchObject({ role: 'moderator', is_active: false, name: 'Both' })
  })

  it.each([
    [{}, 'provide at least one of: role, is_active, name'],
    [{ role: 'owner' }, 'role must be user, moderator, or admin'],
    [{ is_active: 'false' }, 'is_active must be a boolean'],
    [{ name: '' }, 'name must not be empty'],
    [{ name: '   ' }, 'name must not be empty'],
    [{ name: 'n'.repeat(101) }, 'name cannot exceed 100 characters'],
    [{ email: 'new@example.com' }, 'property email should not exist'],
    [{ password: 'new password' }, 'property password should not exist'],
  ])('answers 400 for %j', async (payload, error) => {
    const { status, body } = await call(ctx, admin, 'PATCH', `/api/users/${moderator.id}`, payload)
    expect(status).toBe(400)
    expectError(body, 400, 'Bad request')
    expect(body.error).toBe(error)
  })

  it('answers 404 for an unknown or non-UUID id', async () => {
    for (const id of [MISSING, 'abc']) {
      const { status, body } = await call(ctx, admin, 'PATCH', `/api/users/${id}`, { name: 'X' })
      expect(status).toBe(404)
      expectError(body, 404, 'User not found')
    }
  })

  it('demoting a moderator to user empties their skills; promoting again does not bring them back', async () => {
    const mod = await createUserAs('moderator')
    const set = await call(ctx, admin, 'PUT', `/api/users/${mod.id}/skills`, {
      skills: [
        { skill: 'Networking', proficiency: 4 },
        { skill: 'Database', proficiency: 2 },
      ],
    })
    expect(set.body.data.skills).toHaveLength(2)
    const demoted = await call(ctx, admin, 'PATCH', `/api/users/${mod.id}`, { role: 'user' })
    expect(demoted.status).toBe(200)
    expect(demoted.body.data.skills).toEqual([])
    const promoted = await call(ctx, admin, 'PATCH', `/api/users/${mod.id}`, { role: 'moderator' })
    expect(promoted.body.data.skills).toEqual([])
  })

  it('moving a moderator to admin keeps their skills', async () => {
    const mod = await createUserAs('moderator')
    await call(ctx, admin, 'PUT', `/api/users/${mod.id}/skills`, {
      skills: [{ skill: 'Email', proficiency: 3 }],
    })
    const { body } = await call(ctx, admin, 'PATCH', `/api/users/${mod.id}`, { role: 'admin' })
    expect(body.data.skills).toEqual([{ id: skillIds.Email, name: 'Email', proficiency: 3 }])
  })
})

describe('the last active admin', () => {
  let solo: TestContext
  let only: TestUser
  beforeAll(async () => {
    solo = await createTestContext()
    only = await signedInUser(solo, 'admin')
  })
  afterAll(() => solo.close())

  it('cannot be demoted or deactivated (409), by themself', async () => {
    for (const change of [{ role: 'moderator' }, { role: 'user' }, { is_active: false }]) {
      const { status, body } = await call(solo, only, 'PATCH', `/api/users/${only.id}`, change)
      expect(status).toBe(409)
      expectError(body, 409, 'Cannot remove the last active admin')
    }
    const still = await call(solo, only, 'GET', `/api/users/${only.id}`)
    expect(still.body.data).toMatchObject({ role: 'admin', is_active: true })
    // Other changes to them are fine.
    expect((await call(solo, only, 'PATCH', `/api/users/${only.id}`, { name: 'Root' })).status).toBe(200)
    expect((await call(solo, only, 'PATCH', `/api/users/${only.id}`, { role: 'admin' })).status).toBe(200)
  })

  it('an inactive admin does not count; with a second active admin the first may step down', async () => {
    const dormant = await call(solo, only, 'POST', '/api/users', {
      email: 'dormant-admin@example.com',
      password: PASSWORD,
      role: 'admin',
    })
    const dormantId = String(dormant.body.data.id)
    expect(
      (await call(solo, only, 'PATCH', `/api/users/${dormantId}`, { is_active: false })).body.data.is_active,
    ).toBe(false)
    // Only one active admin still.
    expect((await call(solo, only, 'PATCH', `/api/users/${only.id}`, { role: 'moderator' })).status).toBe(409)

    const second = await signedInUser(solo, 'admin')
    const stepDown = await call(solo, only, 'PATCH', `/api/users/${only.id}`, { role: 'moderator' })
    expect(stepDown.status).toBe(200)
    expect(stepDown.body.data.role).toBe('moderator')
    // Now `second` is the last one.
    const { status } = await call(solo, second, 'PATCH', `/api/users/${second.id}`, { is_active: false })
    expect(status).toBe(409)
    // A deactivated admin can be changed freely.
    expect((await call(solo, second, 'PATCH', `/api/users/${dormantId}`, { role: 'user' })).status).toBe(200)
  })

  it('an admin who is not the last may deactivate themself, which ends their own session', async () => {
    const a = await signedInUser(solo, 'admin')
    const b = await signedInUser(solo, 'admin')
    const { status } = await call(solo, a, 'PATCH', `/api/users/${a.id}`, { is_active: false })
    expect(status).toBe(200)
    expect((await call(solo, a, 'GET', '/api/users')).status).toBe(401)
    expect((await call(solo, b, 'GET', '/api/users')).status).toBe(200)
  })
})

describe('PUT /api/users/:id/skills', () => {
  let mod: { id: string }
  beforeAll(async () => {
    mod = await createUserAs('moderator')
  })
  const put = (id: string, skills: unknown) => call(ctx, admin, 'PUT', `/api/users/${id}/skills`, { skills })

  it('sets skills by name in any case or by id, strongest first', async () => {
    const { status, body } = await put(mod.id, [
      { skill: 'networking', proficiency: 2 },
      { skill: '  DATABASE ', proficiency: 5 },
      { skill: skillIds.Frontend, proficiency: 1 },
    ])
    expect(status).toBe(200)
    expect(body.message).toBe('User skills updated successfully')
    expect(body.data.id).toBe(mod.id)
    expect(body.data.skills).toEqual([
      { id: skillIds.Database, name: 'Database', proficiency: 5 },
      { id: skillIds.Networking, name: 'Networking', proficiency: 2 },
      { id: skillIds.Frontend, name: 'Frontend', proficiency: 1 },
    ])
    const fetched = await call(ctx, admin, 'GET', `/api/users/${mod.id}`)
    expect(fetched.body.data.skills).toEqual(body.data.skills)
  })

  it('accepts an id in upper case', async () => {
    const { status, body } = await put(mod.id, [
      { skill: String(skillIds.Email).toUpperCase(), proficiency: 3 },
    ])
    expect(status).toBe(200)
    expect(body.data.skills).toEqual([{ id: skillIds.Email, name: 'Email', proficiency: 3 }])
  })

  it('replaces the whole set, and [] clears it', async () => {
    await put(mod.id, [
      { skill: 'Networking', proficiency: 3 },
      { skill: 'Database', proficiency: 3 },
    ])
    const replaced = await put(mod.id, [{ skill: 'Email', proficiency: 4 }])
    expect(replaced.body.data.skills).toEqual([{ id: skillIds.Email, name: 'Email', proficiency: 4 }])
    const cleared = await put(mod.id, [])
    expect(cleared.status).toBe(200)
    expect(cleared.body.data.skills).toEqual([])
  })

  it('accepts proficiency 1 and 5', async () => {
    const { status, body } = await put(mod.id, [
      { skill: 'Networking', proficiency: 1 },
      { skill: 'Database', proficiency: 5 },
    ])
    expect(status).toBe(200)
    expect((body.data.skills as { proficiency: number }[]).map((s) => s.proficiency)).toEqual([5, 1])
  })

  it.each([0, 6, 2.5, -1, '3'])(
    'answers 400 for proficiency %j and keeps the old set',
    async (proficiency) => {
      await put(mod.id, [{ skill: 'Email', proficiency: 2 }])
      const { status, body } = await put(mod.id, [{ skill: 'Networking', proficiency }])
      expect(status).toBe(400)
      expectError(body, 400, 'Bad request')
      expect(body.error).toBe('proficiency must be an integer from 1 to 5')
      const after = await call(ctx, admin, 'GET', `/api/users/${mod.id}`)
      expect(after.body.data.skills).toEqual([{ id: skillIds.Email, name: 'Email', proficiency: 2 }])
    },
  )

  it('answers 400 naming an unknown skill, and changes nothing', async () => {
    await put(mod.id, [{ skill: 'Email', proficiency: 2 }])
    const { status, body } = await put(mod.id, [
      { skill: 'Networking', proficiency: 3 },
      { skill: 'Quantum Computing', proficiency: 3 },
    ])
    expect(status).toBe(400)
    expectError(body, 400, 'Bad request')
    expect(body.error).toContain('Quantum Computing')
    const unknownId = await put(mod.id, [{ skill: MISSING, proficiency: 3 }])
    expect(unknownId.status).toBe(400)
    expect(unknownId.body.error).toContain(MISSING)
    const after = await call(ctx, admin, 'GET', `/api/users/${mod.id}`)
    expect(after.body.data.skills).toEqual([{ id: skillIds.Email, name: 'Email', proficiency: 2 }])
  })

  it('answers 400 for a skill listed twice, by name and case or by name and id', async () => {
    const twiceByName = await put(mod.id, [
      { skill: 'Email', proficiency: 2 },
      { skill: 'EMAIL', proficiency: 3 },
    ])
    expect(twiceByName.status).toBe(400)
    expect(twiceByName.body.error).toBe('skill Email is listed more than once')
    const nameAndId = await put(mod.id, [
      { skill: 'Database', proficiency: 2 },
      { skill: skillIds.Database, proficiency: 3 },
    ])
    expect(nameAndId.status).toBe(400)
    expect(nameAndId.body.error).toBe('skill Database is listed more than once')
  })

  it('answers 400 for a blank skill reference', async () => {
    const { status, body } = await put(mod.id, [{ skill: '   ', proficiency: 3 }])
    expect(status).toBe(400)
    expect(body.error).toBe('skills[0].skill must not be empty')
  })

  it('answers 400 for malformed bodies', async () => {
    const missing = await call(ctx, admin, 'PUT', `/api/users/${mod.id}/skills`, {})
    expect(missing.status).toBe(400)
    expect(missing.body.error).toBe('skills is required')
    const notArray = await put(mod.id, 'Networking')
    expect(notArray.status).toBe(400)
    expect(notArray.body.error).toBe('skills must be an array')
    const noSkill = await put(mod.id, [{ proficiency: 3 }])
    expect(noSkill.body.error).toBe('skills[0].skill is required')
  })

  it('refuses skills for a plain user (400), but [] is fine', async () => {
    const plain = await createUserAs('user')
    const { status, body } = await put(plain.id, [{ skill: 'Email', proficiency: 3 }])
    expect(status).toBe(400)
    expectError(body, 400, 'Bad request')
    expect(body.error).toBe('skills can only be set for moderators and admins')
    expect((await put(plain.id, [])).status).toBe(200)
  })

  it('sets skills for an admin', async () => {
    const { status, body } = await put(admin.id, [{ skill: 'Frontend', proficiency: 4 }])
    expect(status).toBe(200)
    expect(body.data.skills).toEqual([{ id: skillIds.Frontend, name: 'Frontend', proficiency: 4 }])
    await put(admin.id, [])
  })

  it('answers 404 for an unknown or non-UUID user', async () => {
    for (const id of [MISSING, 'xyz']) {
      const { status, body } = await put(id, [])
      expect(status).toBe(404)
      expectError(body, 404, 'User not found')
    }
  })

  it('is reflected in the skills catalog moderator_count', async () => {
    const fresh = await call(ctx, admin, 'POST', '/api/skills', { name: 'Counting Skill' })
    const id = String(fresh.body.data.id)
    const countOf = async () => {
      const list = await call(ctx, admin, 'GET', '/api/skills')
      return list.body.data.find((s: Record<string, unknown>) => s.id === id)?.moderator_count
    }
    expect(await countOf()).toBe(0)
    await put(mod.id, [{ skill: 'Counting Skill', proficiency: 3 }])
    expect(await countOf()).toBe(1)
    await put(mod.id, [])
    expect(await countOf()).toBe(0)
  })
})
