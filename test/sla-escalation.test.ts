// SLA escalation with a controllable clock (runEscalation takes `now`; nothing sleeps): warning at
// 80 %, breach at the due time, history events by the system naming the target, emails to the
// assignee (warning) and assignee + admins (breach), a breached unassigned ticket assigned at once,
// nothing while paused, and exactly one event per ticket, type and target however many runs
// overlap (on PostgreSQL: two connection pools, as two worker processes would have).
import { sql } from 'drizzle-orm'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../src/db/client.js'
import { QUEUES, SCHEDULES } from '../src/jobs/queue.js'
import { slaEscalation } from '../src/jobs/sla-escalation.js'
import { startTicketChangeBus, type TicketChange } from '../src/modules/events/ticket-change-bus.js'
import { createNotifier, type Notifier } from '../src/modules/notifications/notifier.js'
import { runEscalation } from '../src/modules/sla/escalation.js'
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
let notifier: Notifier

const MINUTE = 60_000
const targets = {
  low: { first_response_minutes: 100, resolution_minutes: 1000 },
  medium: { first_response_minutes: 10, resolution_minutes: 60 },
  high: { first_response_minutes: 5, resolution_minutes: 30 },
}

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  admin = await signedInUser(ctx, 'admin')
  notifier = createNotifier({ queue: ctx.queue, appUrl: 'http://sts.test', smtpEnabled: false })
  const policies = (await call(ctx, admin, 'GET', '/api/sla-policies')).body.data
  const standard = policies.find((p) => p.is_default)
  await call(ctx, admin, 'PATCH', `/api/sla-policies/${standard?.id}`, {
    targets,
    calendar: { timezone: 'UTC', hours: [], holidays: [] },
  })
})
afterAll(() => ctx.close())

/** A ticket and the instant it was created (the clock's start). */
async function newTicket() {
  const ticket = await createTicket(ctx, user)
  const shown = (await call(ctx, admin, 'GET', `/api/tickets/${ticket.id}`)).body.data
  return { id: ticket.id, created: Date.parse(String(shown.created_at)) }
}
const at = (created: number, minutes: number) => new Date(created + minutes * MINUTE)

async function slaHistory(ticketId: string) {
  const { body } = await call(ctx, admin, 'GET', `/api/tickets/${ticketId}/history?limit=100`)
  return body.data
    .filter((e) => String(e.type).startsWith('sla_'))
    .map((e) => ({ type: e.type, actor: e.actor, target: (e.details as Record<string, unknown>)?.target }))
}

async function emailsAbout(ticketId: string) {
  const { body } = await call(ctx, admin, 'GET', '/api/admin/emails?limit=100')
  return body.data
    .filter((e) => e.ticket_id === ticketId && String(e.subject).includes('SLA'))
    .map((e) => ({ to: e.to, subject: String(e.subject) }))
}

describe('SLA escalation', () => {
  it('warns at 80 %, breaches at the due time, and assigns a breached unassigned ticket', async () => {
    moderator = await signedInUser(ctx, 'moderator')
    const bus = await startTicketChangeBus(ctx.database, { warn() {}, debug() {} })
    const live: TicketChange[] = []
    bus.subscribe((change) => live.push(change))
    const { id, created } = await newTicket()
    await runEscalation(ctx.database.db, notifier, at(created, 7.9))
    expect(await slaHistory(id)).toEqual([])

    await runEscalation(ctx.database.db, notifier, at(created, 8))
    expect(await slaHistory(id)).toEqual([{ type: 'sla_warning', actor: null, target: 'first_response' }])
    // Nobody holds the ticket yet: a warning has no one to email.
    expect(await emailsAbout(id)).toEqual([])
    // Next look: the breach instant, through the index.
    const next = await ctx.database.executeSql(
      'SELECT sla_next_check_at = first_response_due_at AS at_due FROM tickets WHERE id = $1',
      [id],
    )
    expect(next.rows[0]).toEqual({ at_due: true })

    const result = await runEscalation(ctx.database.db, notifier, at(created, 10))
    expect(result.breaches).toBeGreaterThanOrEqual(1)
    expect(await slaHistory(id)).toEqual([
      { type: 'sla_warning', actor: null, target: 'first_response' },
      { type: 'sla_breached', actor: null, target: 'first_response' },
    ])
    const ticket = (await call(ctx, admin, 'GET', `/api/tickets/${id}`)).body.data
    expect(ticket.assigned_to).not.toBeNull()
    const emails = await emailsAbout(id)
    const assigneeEmail = [moderator, admin].find((u) => u.id === ticket.assigned_to)?.email
    expect(emails.map((e) => e.to).sort()).toEqual([...new Set([assigneeEmail, admin.email])].sort())
    expect(emails.every((e) => e.subject.includes('SLA breached: first response overdue'))).toBe(true)

    // Live events for staff: the ticket, the event and the target.
    await expect
      .poll(() =>
        live
          .filter((c) => c.kind === 'sla' && c.ticket_id === id)
          .map((c) => 'sla_event' in c && c.sla_event),
      )
      .toEqual(['warning', 'breached'])
    expect(live.find((c) => c.kind === 'sla')).toMatchObject({ internal: true, target: 'first_response' })
    await bus.stop()

    // Later runs announce nothing twice; the resolution target comes in its own time.
    await runEscalation(ctx.database.db, notifier, at(created, 47))
    expect((await slaHistory(id)).length).toBe(2)
    await runEscalation(ctx.database.db, notifier, at(created, 48))
    expect(await slaHistory(id)).toContainEqual({ type: 'sla_warning', actor: null, target: 'resolution' })
    expect((await emailsAbout(id)).filter((e) => e.subject.includes('SLA warning')).map((e) => e.to)).toEqual(
      [[moderator, admin].find((u) => u.id === ticket.assigned_to)?.email],
    )
  })

  it('mails only the breach when one run finds a target past both its warning and its due time', async () => {
    const { id } = await newTicket()
    await call(ctx, admin, 'PATCH', `/api/tickets/${id}`, { assigned_to: admin.id })
    await runEscalation(ctx.database.db, notifier, at(Date.now(), 11))
    expect(await slaHistory(id)).toEqual([
      { type: 'sla_warning', actor: null, target: 'first_response' },
      { type: 'sla_breached', actor: null, target: 'first_response' },
    ])
    const subjects = (await emailsAbout(id)).map((e) => e.subject)
    expect(subjects.some((s) => s.includes('SLA breached: first response overdue'))).toBe(true)
    expect(subjects.filter((s) => s.includes('SLA warning'))).toEqual([])
  })

  it('stays quiet while paused and after the first response is met', async () => {
    const paused = await newTicket()
    await call(ctx, admin, 'PATCH', `/api/tickets/${paused.id}`, { status: 'in_progress' })
    await call(ctx, admin, 'PATCH', `/api/tickets/${paused.id}`, { status: 'waiting_for_customer' })
    const answered = await newTicket()
    await call(ctx, admin, 'POST', `/api/tickets/${answered.id}/comments`, { body: 'We are on it' })
    await runEscalation(ctx.database.db, notifier, at(Math.max(paused.created, answered.created), 20))
    expect(await slaHistory(paused.id)).toEqual([])
    // First response met; resolution (60 min) not yet at 80 %.
    expect(await slaHistory(answered.id)).toEqual([])
    const rows = await ctx.database.executeSql('SELECT sla_next_check_at FROM tickets WHERE id = $1', [
      paused.id,
    ])
    expect(rows.rows[0]?.sla_next_check_at).toBeNull()
  })

  it('records exactly one warning and one breach per ticket and target when runs overlap', async () => {
    const tickets = []
    for (let i = 0; i < 12; i++) tickets.push(await newTicket())
    const latest = Math.max(...tickets.map((t) => t.created))
    // A second pool on PostgreSQL: another worker process's connections.
    const other: Database | undefined = ctx.databaseUrl
      ? await openDatabase({ databaseUrl: ctx.databaseUrl, dataDir: '', poolSize: 4 })
      : undefined
    try {
      const dbs = [ctx.database.db, other?.db ?? ctx.database.db]
      const runs = [0, 1, 2, 3].map((i) =>
        runEscalation(dbs[i % 2] ?? ctx.database.db, notifier, at(latest, 70), { batchSize: 3 }),
      )
      await Promise.all(runs)
      await Promise.all(dbs.map((db) => runEscalation(db, notifier, at(latest, 71))))
    } finally {
      await other?.close()
    }
    for (const t of tickets) {
      const history = await slaHistory(t.id)
      expect(history.map((h) => `${h.type}:${h.target}`).sort()).toEqual([
        'sla_breached:first_response',
        'sla_breached:resolution',
        'sla_warning:first_response',
        'sla_warning:resolution',
      ])
    }
  })

  it('lets the database refuse a second event for the same target', async () => {
    const { id } = await newTicket()
    const insert = () =>
      ctx.database.db.execute(sql`
        INSERT INTO ticket_events (ticket_id, type, details)
        VALUES (${id}, 'sla_warning', '{"target":"resolution"}'::jsonb)
        ON CONFLICT DO NOTHING`)
    await insert()
    await insert()
    expect(await slaHistory(id)).toEqual([{ type: 'sla_warning', actor: null, target: 'resolution' }])
  })

  it('is scheduled every minute, with a payload its schema accepts', async () => {
    const schedules = await ctx.queue.boss.getSchedules()
    expect(SCHEDULES[QUEUES.slaEscalation]).toBe('* * * * *')
    const scheduled = schedules.find((s) => s.name === QUEUES.slaEscalation)
    expect(scheduled?.cron).toBe('* * * * *')
    expect(Value.Check(slaEscalation.payload, scheduled?.data)).toBe(true)
  })
})
