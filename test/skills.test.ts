import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Body,
  call,
  createTestContext,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const MISSING = '00000000-0000-4000-8000-000000000000'

let ctx: TestContext
let admin: TestUser
let moderator: TestUser
let user: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await signedInUser(ctx, 'admin')
  moderator = await signedInUser(ctx, 'moderator')
  user = await signedInUser(ctx, 'user')
})
afterAll(() => ctx.close())

interface Skill {
  id: string
  name: string
  description: string | null
  keywords: string[]
  moderator_count: number
}

let counter = 0
const uniqueName = (base: string) => `${base} ${++counter}`

async function createSkill(payload: object): Promise<Skill> {
  const { status, body } = await call(ctx, admin, 'POST', '/api/skills', payload)
  if (status !== 201) throw new Error(`create skill: ${JSON.stringify(body)}`)
  return body.data as unknown as Skill
}

async function listSkills(who: TestUser = admin): Promise<Skill[]> {
  const { status, body } = await call(ctx, who, 'GET', '/api/skills')
  expect(status).toBe(200)
  return body.data as unknown as Skill[]
}

function expectError(body: Body, statusCode: number, message: string) {
  expect(body).toMatchObject({ success: false, statusCode, message })
  expect(body.timestamp).toMatch(ISO)
}

describe('GET /api/skills', () => {
  it('is open to every signed-in role and closed to anonymous callers', async () => {
    await createSkill({ name: uniqueName('Visible') })
    for (const who of [user, moderator, admin]) {
      const { status, body } = await call(ctx, who, 'GET', '/api/skills')
      expect(status).toBe(200)
      expect(body).toMatchObject({ success: true, statusCode: 200, message: 'Skills retrieved successfully' })
      expect(Array.isArray(body.data)).toBe(true)
      expect(body.data.length).toBeGreaterThan(0)
    }
    const anonymous = await call(ctx, null, 'GET', '/api/skills')
    expect(anonymous.status).toBe(401)
    expectError(anonymous.body, 401, 'Unauthorized access')
  })

  it('lists { id, name, description, keywords, moderator_count }, sorted by name ignoring case', async () => {
    await createSkill({ name: 'aardvark handling' })
    await createSkill({ name: 'Zebra Care' })
    await createSkill({ name: 'Bee keeping', description: 'Bees', keywords: ['hive'] })
    const skills = await listSkills(user)
    for (const skill of skills) {
      expect(Object.keys(skill).sort()).toEqual(['description', 'id', 'keywords', 'moderator_count', 'name'])
      expect(skill.id).toMatch(UUID)
    }
    const names = skills.map((s) => s.name)
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())))
    expect(skills.find((s) => s.name === 'Bee keeping')).toMatchObject({
      description: 'Bees',
      keywords: ['hive'],
      moderator_count: 0,
    })
  })

  it('moderator_count counts only active moderators and admins that have the skill', async () => {
    const skill = await createSkill({ name: uniqueName('Counted') })
    const count = async () => (await listSkills()).find((s) => s.id === skill.id)?.moderator_count
    const give = (who: TestUser, proficiency = 3) =>
      call(ctx, admin, 'PUT', `/api/users/${who.id}/skills`, { skills: [{ skill: skill.name, proficiency }] })

    expect(await count()).toBe(0)
    const mod1 = await signedInUser(ctx, 'moderator')
    const mod2 = await signedInUser(ctx, 'moderator')
    const admin2 = await signedInUser(ctx, 'admin')
    expect((await give(mod1)).status).toBe(200)
    expect(await count()).toBe(1)
    await give(mod2)
    await give(admin2, 5)
    expect(await count()).toBe(3)

    // Deactivated: no longer counted; reactivated: counted again.
    await call(ctx, admin, 'PATCH', `/api/users/${mod2.id}`, { is_active: false })
    expect(await count()).toBe(2)
    await call(ctx, admin, 'PATCH', `/api/users/${mod2.id}`, { is_active: true })
    expect(await count()).toBe(3)

    // Demoted to user: their skills go, so they are not counted.
    await call(ctx, admin, 'PATCH', `/api/users/${mod1.id}`, { role: 'user' })
    expect(await count()).toBe(2)

    // The count is also right when a single skill is read back after an update.
    const patched = await call(ctx, admin, 'PATCH', `/api/skills/${skill.id}`, { description: 'counted' })
    expect(patched.body.data.moderator_count).toBe(2)
  })
})

describe('POST /api/skills', () => {
  it('creates a skill (201) for an admin', async () => {
    const name = uniqueName('Networking')
    const { status, body } = await call(ctx, admin, 'POST', '/api/skills', {
      name,
      description: 'LAN, Wi-Fi, VPN and DNS problems',
      keywords: ['vpn', 'wifi'],
    })
    expect(status).toBe(201)
    expect(body).toMatchObject({ success: true, statusCode: 201, message: 'Skill created successfully' })
    expect(body.data).toEqual({
      id: expect.stringMatching(UUID),
      name,
      description: 'LAN, Wi-Fi, VPN and DNS problems',
      keywords: ['vpn', 'wifi'],
      moderator_count: 0,
    })
    expect((await listSkills()).some((s) => s.id === body.data.id)).toBe(true)
  })

  it('defaults description to null and keywords to []', async () => {
    const skill = await createSkill({ name: uniqueName('Bare') })
    expect(skill.description).toBeNull()
    expect(skill.keywords).toEqual([])
  })

  it('normalises keywords: trimmed, lower-case, each once, blanks dropped', async () => {
    const skill = await createSkill({
      name: uniqueName('Keywords'),
      keywords: ['  VPN ', 'vpn', 'Wi-Fi', 'WI-FI', '   ', 'Dns Server'],
    })
    expect(skill.keywords).toEqual(['vpn', 'wi-fi', 'dns server'])
  })

  it('trims the name and the description; a blank description is null', async () => {
    const skill = await createSkill({ name: '   Padded Name   ', description: '   ' })
    expect(skill.name).toBe('Padded Name')
    expect(skill.description).toBeNull()
    const described = await createSkill({ name: uniqueName('Described'), description: '  Some text  ' })
    expect(described.description).toBe('Some text')
  })

  it('accepts the boundaries: a 2- and a 100-character name, a 500-character description', async () => {
    const short = await createSkill({ name: 'Qz' })
    expect(short.name).toBe('Qz')
    const long = await createSkill({ name: 'L'.repeat(100), description: 'd'.repeat(500) })
    expect(long.name).toHaveLength(100)
    expect(long.description).toHaveLength(500)
  })

  it.each([
    [{}, 'name is required'],
    [{ name: 'A' }, 'name must be at least 2 characters long'],
    [{ name: '  A  ' }, 'name must be at least 2 characters long'],
    [{ name: '     ' }, 'name must be at least 2 characters long'],
    [{ name: 'N'.repeat(101) }, 'name cannot exceed 100 characters'],
    [{ name: 42 }, 'name must be a string'],
    [{ name: 'Valid', description: 'd'.repeat(501) }, 'description cannot exceed 500 characters'],
    [{ name: 'Valid', keywords: 'vpn' }, 'keywords must be an array'],
    [{ name: 'Valid', keywords: ['ok', ''] }, 'keywords[1] must not be empty'],
    [{ name: 'Valid', keywords: ['k'.repeat(51)] }, 'keywords[0] cannot exceed 50 characters'],
    [
      { name: 'Valid', keywords: Array.from({ length: 51 }, (_, i) => `k${i}`) },
      'keywords cannot have more than 50 items',
    ],
    [{ name: 'Valid', owner: 'me' }, 'property owner should not exist'],
  ])('answers 400 for %j', async (payload, error) => {
    const { status, body } = await call(ctx, admin, 'POST', '/api/skills', payload)
    expect(status).toBe(400)
    expectError(body, 400, 'Bad request')
    expect(body.error).toBe(error)
  })

  it('answers 409 for a name that exists in any case', async () => {
    const name = uniqueName('Database')
    await createSkill({ name })
    for (const again of [name, name.toUpperCase(), ` ${name.toLowerCase()} `]) {
      const { status, body } = await call(ctx, admin, 'POST', '/api/skills', { name: again })
      expect(status).toBe(409)
      expectError(body, 409, 'Skill already exists')
    }
    expect((await listSkills()).filter((s) => s.name.toLowerCase() === name.toLowerCase())).toHaveLength(1)
  })

  it('is admin only: 403 for a moderator and a user, 401 anonymous', async () => {
    const name = uniqueName('Forbidden')
    for (const who of [moderator, user]) {
      const { status, body } = await call(ctx, who, 'POST', '/api/skills', { name })
      expect(status).toBe(403)
      expectError(body, 403, 'Only admins can manage skills')
    }
    expect((await call(ctx, null, 'POST', '/api/skills', { name })).status).toBe(401)
    expect((await listSkills()).some((s) => s.name === name)).toBe(false)
  })
})

describe('PATCH /api/skills/:id', () => {
  it('edits name, description and keywords', async () => {
    const skill = await createSkill({ name: uniqueName('Before'), description: 'old', keywords: ['a'] })
    const name = uniqueName('After')
    const { status, body } = await call(ctx, admin, 'PATCH', `/api/skills/${skill.id}`, {
      name: `  ${name}  `,
      description: 'new',
      keywords: [' B ', 'b', 'C'],
    })
    expect(status).toBe(200)
    expect(body).toMatchObject({ success: true, statusCode: 200, message: 'Skill updated successfully' })
    expect(body.data).toEqual({
      id: skill.id,
      name,
      description: 'new',
      keywords: ['b', 'c'],
      moderator_count: 0,
    })
  })

  it('changes only the fields given; null clears the description', async () => {
    const skill = await createSkill({ name: uniqueName('Partial'), description: 'keep me', keywords: ['k'] })
    const renamed = await call(ctx, admin, 'PATCH', `/api/skills/${skill.id}`, { keywords: [] })
    expect(renamed.body.data).toMatchObject({ name: skill.name, description: 'keep me', keywords: [] })
    const cleared = await call(ctx, admin, 'PATCH', `/api/skills/${skill.id}`, { description: null })
    expect(cleared.body.data).toMatchObject({ name: skill.name, description: null })
  })

  it('may change the case of its own name', async () => {
    const skill = await createSkill({ name: uniqueName('casing') })
    const { status, body } = await call(ctx, admin, 'PATCH', `/api/skills/${skill.id}`, {
      name: skill.name.toUpperCase(),
    })
    expect(status).toBe(200)
    expect(body.data.name).toBe(skill.name.toUpperCase())
  })

  it('answers 409 when renaming onto another skill, in any case', async () => {
    const taken = await createSkill({ name: uniqueName('Taken') })
    const skill = await createSkill({ name: uniqueName('Mover') })
    const { status, body } = await call(ctx, admin, 'PATCH', `/api/skills/${skill.id}`, {
      name: taken.name.toLowerCase(),
    })
    expect(status).toBe(409)
    expectError(body, 409, 'Skill already exists')
    expect((await listSkills()).find((s) => s.id === skill.id)?.name).toBe(skill.name)
  })

  it.each([
    [{}, 'provide at least one of: name, description, keywords'],
    [{ name: 'x' }, 'name must be at least 2 characters long'],
    [{ name: ' ' }, 'name must be at least 2 characters long'],
    [{ name: 'n'.repeat(101) }, 'name cannot exceed 100 characters'],
    [{ description: 'd'.repeat(501) }, 'description cannot exceed 500 characters'],
    [{ name: null }, 'name must be a string'],
  ])('answers 400 for %j', async (payload, error) => {
    const skill = await createSkill({ name: uniqueName('Invalid edit') })
    const { status, body } = await call(ctx, admin, 'PATCH', `/api/skills/${skill.id}`, payload)
    expect(status).toBe(400)
    expect(body.error).toBe(error)
  })

  it('answers 404 for an unknown or non-UUID id', async () => {
    for (const id of [MISSING, 'not-a-uuid', '1']) {
      const { status, body } = await call(ctx, admin, 'PATCH', `/api/skills/${id}`, { name: 'Whatever' })
      expect(status).toBe(404)
      expectError(body, 404, 'Skill not found')
    }
  })

  it('is admin only: 403 for a moderator and a user', async () => {
    const skill = await createSkill({ name: uniqueName('Guarded') })
    for (const who of [moderator, user]) {
      const { status, body } = await call(ctx, who, 'PATCH', `/api/skills/${skill.id}`, { name: 'Hijacked' })
      expect(status).toBe(403)
      expectError(body, 403, 'Only admins can manage skills')
    }
    expect((await call(ctx, null, 'PATCH', `/api/skills/${skill.id}`, { name: 'Hijacked' })).status).toBe(401)
    expect((await listSkills()).find((s) => s.id === skill.id)?.name).toBe(skill.name)
  })
})

describe('DELETE /api/skills/:id', () => {
  it('removes the skill (200, data null) and takes it off moderators', async () => {
    const skill = await createSkill({ name: uniqueName('Doomed') })
    const mod = await signedInUser(ctx, 'moderator')
    await call(ctx, admin, 'PUT', `/api/users/${mod.id}/skills`, {
      skills: [{ skill: skill.id, proficiency: 4 }],
    })

    const { status, body } = await call(ctx, admin, 'DELETE', `/api/skills/${skill.id}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({
      success: true,
      statusCode: 200,
      message: 'Skill deleted successfully',
      data: null,
    })
    expect((await listSkills()).some((s) => s.id === skill.id)).toBe(false)
    const after = await call(ctx, admin, 'GET', `/api/users/${mod.id}`)
    expect(after.body.data.skills).toEqual([])

    const again = await call(ctx, admin, 'DELETE', `/api/skills/${skill.id}`)
    expect(again.status).toBe(404)
    expectError(again.body, 404, 'Skill not found')
    // The name is free again.
    expect((await call(ctx, admin, 'POST', '/api/skills', { name: skill.name })).status).toBe(201)
  })

  it('answers 404 for an unknown or non-UUID id', async () => {
    for (const id of [MISSING, 'nope']) {
      const { status, body } = await call(ctx, admin, 'DELETE', `/api/skills/${id}`)
      expect(status).toBe(404)
      expectError(body, 404, 'Skill not found')
    }
  })

  it('is admin only: 403 for a moderator and a user, 401 anonymous', async () => {
    const skill = await createSkill({ name: uniqueName('Kept') })
    for (const who of [moderator, user]) {
      const { status, body } = await call(ctx, who, 'DELETE', `/api/skills/${skill.id}`)
      expect(status).toBe(403)
      expectError(body, 403, 'Only admins can manage skills')
    }
    expect((await call(ctx, null, 'DELETE', `/api/skills/${skill.id}`)).status).toBe(401)
    expect((await listSkills()).some((s) => s.id === skill.id)).toBe(true)
  })
})
