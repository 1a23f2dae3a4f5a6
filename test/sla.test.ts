// Service levels through the API: the policies (admin CRUD, validation, one default, skill
// policies in order) and the clock every ticket response carries (due times, first response by a
// public staff reply only, pause while waiting/resolved, resume pushing due times out, priority
// re-targeting from creation, reopen after resolution, sort=due).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../src/db/transaction.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { policyFor } from '../src/modules/sla/sla.service.js'
import { commentFromEmail } from '../src/modules/tickets/ticket.service.js'
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
let defaultId: string

const MINUTE = 60_000
const allDay = { timezone: 'UTC', hours: [], holidays: [] }
const targets = {
  low: { first_response_minutes: 240, resolution_minutes: 2400 },
  medium: { first_response_minutes: 60, resolution_minutes: 240 },
  high: { first_response_minutes: 15, resolution_minutes: 120 },
}
const plus = (iso: unknown, minutes: number) =>
  new Date(Date.parse(String(iso)) + minutes * MINUTE).toISOString()
const iso = (value: unknown) => new Date(String(value)).toISOString()

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
  const { body } = await call(ctx, admin, 'GET', '/api/sla-policies')
  const seeded = body.data.find((p) => p.is_default)
  defaultId = String(seeded?.id)
  // Around the clock in UTC: due times are creation + target, easy to check by hand.
  const patched = await call(ctx, admin, 'PATCH', `/api/sla-policies/${defaultId}`, {
    targets,
    calendar: allDay,
  })
  expect(patched.status).toBe(200)
})
afterAll(() => ctx.close())

/** A ticket as the API shows it, the fields these tests read. */
interface Shown {
  id: string
  status: string
  created_at: string
  sla: {
    policy_id: string
    first_response_due_at: string
    first_responded_at: string | null
    resolution_due_at: string
    paused: boolean
    state: string
    due_at: string | null
    business_minutes_left?: number | null
  } & Record<string, unknown>
}
const shown = (data: unknown) => data as Shown
const ticketOf = async (id: string) => shown((await call(ctx, admin, 'GET', `/api/tickets/${id}`)).body.data)
const patch = async (id: string, body: object) => {
  const response = await call(ctx, moderator, 'PATCH', `/api/tickets/${id}`, body)
  return { status: response.status, data: shown(response.body.data) }
}
/** Moves the ticket's running pause `minutes` into the past, as if that much time had passed. */
const agePause = (id: string, minutes: number) =>
  ctx.database.db.execute(
    sql`UPDATE tickets SET sla_paused_since = sla_paused_since - make_interval(mins => ${minutes}) WHERE id = ${id}`,
  )

describe('SLA policies', () => {
  it('come seeded with one default, business hours Monday to Friday', async () => {
    const { status, body } = await call(ctx, admin, 'GET', '/api/sla-policies')
    expect(status).toBe(200)
    expect(body.data.filter((p) => p.is_default)).toHaveLength(1)
    expect(body.data[0]).toMatchObject({ name: 'Standard', skill: null, targets, calendar: allDay })
  })

  it('are for admins only', async () => {
    expect((await call(ctx, moderator, 'GET', '/api/sla-policies')).status).toBe(403)
    expect((await call(ctx, user, 'POST', '/api/sla-policies', {})).status).toBe(403)
    expect((await call(ctx, null, 'GET', '/api/sla-policies')).status).toBe(401)
  })

  it('validate zones, ranges, holidays, targets and skills with clear 400s', async () => {
    const good = { name: 'Berlin office', targets, calendar: { ...allDay, timezone: 'Europe/Berlin' } }
    const cases: Array<[object, string]> = [
      [{ ...good, calendar: { ...allDay, timezone: 'Mars/Olympus' } }, 'IANA time zone'],
      [
        { ...good, calendar: { ...allDay, hours: [{ day: 1, start: '17:00', end: '09:00' }] } },
        'must end after it starts',
      ],
      [
        {
          ...good,
          calendar: {
            ...allDay,
            hours: [
              { day: 2, start: '09:00', end: '12:00' },
              { day: 2, start: '11:00', end: '14:00' },
            ],
          },
        },
        'overlap',
      ],
      [{ ...good, calendar: { ...allDay, hours: [{ day: 7, start: '09:00', end: '12:00' }] } }, 'day'],
      [{ ...good, calendar: { ...allDay, hours: [{ day: 1, start: '9:00', end: '12:00' }] } }, 'start'],
      [{ ...good, calendar: { ...allDay, holidays: ['2026-02-30'] } }, '2026-02-30'],
      [
        { ...good, targets: { ...targets, high: { first_response_minutes: 0, resolution_minutes: 5 } } },
        'minutes',
      ],
      [{ ...good, skill: 'Underwater basket weaving' }, 'Unknown skill'],
      [{ ...good, is_default: true, skill: 'x' }, 'cannot have a skill'],
    ]
    for (const [payload, detail] of cases) {
      const { status, body } = await call(ctx, admin, 'POST', '/api/sla-policies', payload)
      expect(status, JSON.stringify(payload)).toBe(400)
      expect(body.success).toBe(false)
      expect(String(body.error), JSON.stringify(payload)).toContain(detail)
    }
  })

  it('create, edit and delete skill policies; one default always', async () => {
    await call(ctx, admin, 'POST', '/api/skills', { name: 'Billing' })
    const created = await call(ctx, admin, 'POST', '/api/sla-policies', {
      name: 'Billing desk',
      skill: 'billing',
      position: 2,
      targets,
      calendar: {
        timezone: 'Europe/Berlin',
        hours: [
          { day: 1, start: '13:00', end: '17:00' },
          { day: 1, start: '08:00', end: '12:00' },
        ],
        holidays: ['2026-12-25', '2026-12-24'],
      },
    })
    expect(created.status).toBe(201)
    expect(created.body.data).toMatchObject({
      name: 'Billing desk',
      is_default: false,
      skill: 'Billing',
      position: 2,
      // Sorted, for a readable week.
      calendar: {
        hours: [
          { day: 1, start: '08:00', end: '12:00' },
          { day: 1, start: '13:00', end: '17:00' },
        ],
        holidays: ['2026-12-24', '2026-12-25'],
      },
    })
    const id = String(created.body.data.id)
    const moved = await call(ctx, admin, 'PATCH', `/api/sla-policies/${id}`, { position: 1, name: 'Billing' })
    expect(moved.body.data).toMatchObject({ position: 1, name: 'Billing' })

    // The default cannot be switched off or deleted; making another one default moves the flag.
    const off = await call(ctx, admin, 'PATCH', `/api/sla-policies/${defaultId}`, { is_default: false })
    expect(off.status).toBe(409)
    expect((await call(ctx, admin, 'DELETE', `/api/sla-policies/${defaultId}`)).status).toBe(409)
    const other = await call(ctx, admin, 'POST', '/api/sla-policies', {
      name: 'Interim default',
      is_default: true,
      targets,
      calendar: allDay,
    })
    expect(other.status).toBe(201)
    const list = (await call(ctx, admin, 'GET', '/api/sla-policies')).body.data
    expect(list.filter((p) => p.is_default).map((p) => p.id)).toEqual([other.body.data.id])
    // Back to the first default; the interim one can go now.
    await call(ctx, admin, 'PATCH', `/api/sla-policies/${defaultId}`, { is_default: true })
    expect((await call(ctx, admin, 'DELETE', `/api/sla-policies/${other.body.data.id}`)).status).toBe(200)
    expect((await call(ctx, admin, 'DELETE', `/api/sla-policies/${other.body.data.id}`)).status).toBe(404)
    expect((await call(ctx, admin, 'PATCH', '/api/sla-policies/not-a-uuid', { name: 'x' })).status).toBe(404)
    expect((await call(ctx, admin, 'PATCH', `/api/sla-policies/${id}`, {})).status).toBe(400)
  })

  it('apply by skill, first match in admin order, else the default', async () => {
    await call(ctx, admin, 'POST', '/api/skills', { name: 'Networking' })
    const first = await call(ctx, admin, 'POST', '/api/sla-policies', {
      name: 'Network first',
      skill: 'Networking',
      position: 0,
      targets,
      calendar: allDay,
    })
    const billing = (await call(ctx, admin, 'GET', '/api/sla-policies')).body.data.find(
      (p) => p.name === 'Billing',
    )
    const db = ctx.database.db
    expect((await policyFor(db, { relatedSkills: ['networking', 'Billing'] }))?.id).toBe(first.body.data.id)
    expect((await policyFor(db, { relatedSkills: ['Billing'] }))?.id).toBe(billing?.id)
    expect((await policyFor(db, { relatedSkills: [] }))?.id).toBe(defaultId)
    await call(ctx, admin, 'PATCH', `/api/sla-policies/${first.body.data.id}`, { position: 5 })
    expect((await policyFor(db, { relatedSkills: ['networking', 'Billing'] }))?.id).toBe(billing?.id)
  })
})

describe('the clock on tickets', () => {
  it('starts at creation with due times from the policy and is in every ticket response', async () => {
    const ticket = await createTicket(ctx, user)
    const shown = await ticketOf(ticket.id)
    expect(shown.sla).toEqual({
      policy_id: defaultId,
      first_response_due_at: plus(shown.created_at, 60),
      first_responded_at: null,
      resolution_due_at: plus(shown.created_at, 240),
      paused: false,
      paused_since: null,
      state: 'ok',
      due_at: plus(shown.created_at, 60),
      // Around the clock: business time left is wall time left, rounded to the minute.
      business_minutes_left: 60,
    })
    const listed = (await call(ctx, moderator, 'GET', '/api/tickets/all?limit=100')).body.data
    expect(listed.find((t) => t.id === ticket.id)?.sla).toEqual(shown.sla)
    const own = (await call(ctx, user, 'GET', '/api/tickets')).body.data
    expect(own.find((t) => t.id === ticket.id)?.sla).toEqual(shown.sla)
  })

  it('counts the first public staff reply as first response; internal notes and the requester do not', async () => {
    const ticket = await createTicket(ctx, user)
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, {
      body: 'Looking',
      internal: true,
    })
    await call(ctx, user, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'Any news?' })
    expect((await ticketOf(ticket.id)).sla.first_responded_at).toBeNull()
    const reply = await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'On it' })
    await call(ctx, admin, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'Second reply' })
    const sla = (await ticketOf(ticket.id)).sla
    expect(iso(sla.first_responded_at)).toBe(iso(shown(reply.body.data).created_at))
    expect(sla.state).toBe('ok')
  })

  it("counts a staff reply by email as first response, and not the requester's", async () => {
    const ticket = await createTicket(ctx, user)
    const notifier = createNotifier({ queue: ctx.queue, appUrl: 'http://sts.test', smtpEnabled: false })
    const db = ctx.database.db
    await inTransaction(db, (tx) =>
      commentFromEmail(tx, notifier, { id: user.id, role: 'user' }, ticket.id, 'More detail'),
    )
    expect((await ticketOf(ticket.id)).sla.first_responded_at).toBeNull()
    const reply = await inTransaction(db, (tx) =>
      commentFromEmail(tx, notifier, { id: moderator.id, role: 'moderator' }, ticket.id, 'Answered by mail'),
    )
    // The comment's time as the API prints it (to the second).
    const answered = Date.parse(String((await ticketOf(ticket.id)).sla.first_responded_at))
    expect(Math.abs(answered - Date.parse(String(reply.created_at)))).toBeLessThan(1000)
  })

  it('pauses while waiting for the customer and pushes due times out by the pause on their reply', async () => {
    const ticket = await createTicket(ctx, user)
    const before = (await ticketOf(ticket.id)).sla
    await patch(ticket.id, { status: 'in_progress' })
    const waiting = await patch(ticket.id, { status: 'waiting_for_customer' })
    expect(waiting.data.sla).toMatchObject({ paused: true, state: 'ok' })
    await agePause(ticket.id, 30)
    await call(ctx, user, 'POST', `/api/tickets/${ticket.id}/comments`, {
      body: 'Here is the log you asked for',
    })
    const after = await ticketOf(ticket.id)
    expect(after.status).toBe('in_progress')
    expect(after.sla.paused).toBe(false)
    // 30 minutes (and the few milliseconds the requests took) later.
    const pushed = Date.parse(after.sla.resolution_due_at) - Date.parse(before.resolution_due_at)
    expect(pushed).toBeGreaterThanOrEqual(30 * MINUTE)
    expect(pushed).toBeLessThan(31 * MINUTE)
    const frPushed = Date.parse(after.sla.first_response_due_at) - Date.parse(before.first_response_due_at)
    expect(frPushed).toBe(pushed)
  })

  it('re-targets from creation when the priority changes', async () => {
    const ticket = await createTicket(ctx, user)
    const changed = await patch(ticket.id, { priority: 'high' })
    expect(changed.data.sla).toMatchObject({
      first_response_due_at: plus(changed.data.created_at, 15),
      resolution_due_at: plus(changed.data.created_at, 120),
    })
    const low = await patch(ticket.id, { priority: 'low' })
    expect(low.data.sla.resolution_due_at).toBe(plus(low.data.created_at, 2400))
  })

  it('is met when resolved in time, paused while resolved, and runs again on reopen', async () => {
    const ticket = await createTicket(ctx, user)
    await patch(ticket.id, { status: 'in_progress' })
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'Fixed it' })
    const resolved = await patch(ticket.id, { status: 'resolved' })
    expect(resolved.data.sla).toMatchObject({ state: 'met', paused: true })
    const dueBefore = Date.parse(resolved.data.sla.resolution_due_at)
    await agePause(ticket.id, 45)
    const reopenedResponse = await call(ctx, user, 'POST', `/api/tickets/${ticket.id}/reopen`)
    expect(reopenedResponse.status).toBe(200)
    const reopened = { data: shown(reopenedResponse.body.data) }
    expect(reopened.data.sla).toMatchObject({ state: 'ok', paused: false })
    const pushed = Date.parse(reopened.data.sla.resolution_due_at) - dueBefore
    expect(pushed).toBeGreaterThanOrEqual(45 * MINUTE)
    expect(pushed).toBeLessThan(46 * MINUTE)
    const [row] = (
      await ctx.database.executeSql('SELECT resolved_at FROM tickets WHERE id = $1', [ticket.id])
    ).rows
    expect(row?.resolved_at).toBeNull()
    // Resolved and confirmed: closed, met, no longer paused.
    await patch(ticket.id, { status: 'resolved' })
    const closed = {
      data: shown((await call(ctx, user, 'POST', `/api/tickets/${ticket.id}/confirm`)).body.data),
    }
    expect(closed.data.sla).toMatchObject({ state: 'met', paused: false })
  })

  it('shows breached and warning from the stored instants, and null once cancelled', async () => {
    const ticket = await createTicket(ctx, user)
    const db = ctx.database.db
    await db.execute(
      sql`UPDATE tickets SET first_response_warning_at = now() - interval '1 minute' WHERE id = ${ticket.id}`,
    )
    expect((await ticketOf(ticket.id)).sla.state).toBe('warning')
    await db.execute(
      sql`UPDATE tickets SET first_response_due_at = now() - interval '1 second' WHERE id = ${ticket.id}`,
    )
    expect((await ticketOf(ticket.id)).sla.state).toBe('breached')
    const cancelled = await patch(ticket.id, { status: 'cancelled' })
    expect(cancelled.data.sla).toBeNull()
  })

  it('sorts /all by the soonest due time with sort=due, tickets owing nothing last', async () => {
    const a = await createTicket(ctx, user)
    const b = await createTicket(ctx, user)
    await patch(b.id, { priority: 'high' })
    const c = await createTicket(ctx, user)
    await patch(c.id, { priority: 'low' })
    const { status, body } = await call(
      ctx,
      moderator,
      'GET',
      '/api/tickets/all?sort=due&status=todo&limit=100',
    )
    expect(status).toBe(200)
    // The soonest target still running: first response until answered, then resolution.
    const dueOf = (sla: Record<string, unknown> | null) =>
      !sla
        ? Infinity
        : Date.parse(String(sla.first_responded_at ? sla.resolution_due_at : sla.first_response_due_at))
    const dues = body.data.map((t) => dueOf(t.sla as Record<string, unknown> | null))
    expect(dues).toEqual([...dues].sort((x, y) => x - y))
    const order = body.data.map((t) => t.id)
    expect(order.indexOf(b.id)).toBeLessThan(order.indexOf(a.id))
    expect(order.indexOf(a.id)).toBeLessThan(order.indexOf(c.id))
    expect(body.meta?.total).toBe(body.data.length)
    expect((await call(ctx, moderator, 'GET', '/api/tickets/all?sort=soon')).status).toBe(400)
    const page2 = await call(ctx, moderator, 'GET', '/api/tickets/all?sort=due&status=todo&limit=1&page=2')
    expect(page2.body.data.map((t) => t.id)).toEqual([order[1]])
  })
})
