// Housekeeping: step records past their retention, dead sessions and stale reset tokens go;
// everything else stays.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { housekeeping } from '../src/jobs/housekeeping.js'
import { QUEUES, SCHEDULES } from '../src/jobs/queue.js'
import { pruneStepRecords } from '../src/jobs/steps.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { autoCloseResolved } from '../src/modules/tickets/ticket.service.js'
import { call, createTestContext, createTicket, signedInUser, type TestContext } from './helpers/app.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx.close())

const attempt = { id: randomUUID(), payload: {}, retryCount: 0, retryLimit: 5 }

/** What run-workers gives the job; SMTP on, so the emails are recorded `pending` and queued. */
const deps = (autoCloseDays: number) => ({
  db: ctx.database.db,
  stepRetentionDays: 7,
  autoCloseDays,
  notifier: createNotifier({ queue: ctx.queue, appUrl: 'http://localhost:3000', smtpEnabled: true }),
})

async function stepRecords(ageDays: number, count: number) {
  for (let i = 0; i < count; i++)
    await ctx.database.db.execute(sql`
      INSERT INTO workflow_steps (job_id, step, ticket_id, result, completed_at)
      VALUES (${randomUUID()}, 'finish', NULL, 'null', now() - make_interval(days => ${ageDays}))`)
}

const countSteps = async () =>
  Number((await ctx.database.executeSql('SELECT count(*)::int AS n FROM workflow_steps')).rows[0]?.n)

describe('housekeeping', () => {
  it('deletes step records past the retention and sessions nobody can use; keeps the rest', async () => {
    await ctx.database.db.execute(sql`DELETE FROM workflow_steps`)
    await stepRecords(10, 2)
    await stepRecords(1, 1)
    const user = await signedInUser(ctx, 'user')
    await ctx.database.db.execute(sql`
      INSERT INTO sessions (token_hash, user_id, expires_at, revoked_at) VALUES
        ('expired', ${user.id}, now() - interval '1 minute', NULL),
        ('revoked', ${user.id}, now() + interval '1 day', now())`)

    const outcome = await housekeeping.handle(deps(7), attempt)

    expect(outcome).toEqual({
      stepRecordsDeleted: 2,
      sessionsDeleted: 2,
      resetTokensDeleted: 0,
      ticketsAutoClosed: 0,
      attachmentBlobsDeleted: 0,
      reportRowsFolded: 0,
    })
    expect(await countSteps()).toBe(1)
    expect((await call(ctx, user, 'GET', '/api/auth/me')).status).toBe(200)
  })

  it('deletes password reset tokens used or expired more than a day ago; keeps newer ones', async () => {
    await ctx.database.db.execute(sql`DELETE FROM password_reset_tokens`)
    const user = await signedInUser(ctx, 'user')
    await ctx.database.db.execute(sql`
      INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at, used_at) VALUES
        ('expired-long-ago', ${user.id}, now() - interval '3 days', now() - interval '2 days', NULL),
        ('used-long-ago', ${user.id}, now() - interval '2 days', now() + interval '1 hour', now() - interval '25 hours'),
        ('expired-recently', ${user.id}, now() - interval '2 hours', now() - interval '1 hour', NULL),
        ('used-recently', ${user.id}, now() - interval '10 minutes', now() + interval '50 minutes', now()),
        ('live', ${user.id}, now(), now() + interval '1 hour', NULL)`)

    const outcome = await housekeeping.handle(deps(7), attempt)

    expect(outcome).toMatchObject({ resetTokensDeleted: 2 })
    const left = await ctx.database.executeSql(
      'SELECT token_hash FROM password_reset_tokens ORDER BY token_hash',
    )
    expect(left.rows.map((r) => r.token_hash)).toEqual(['expired-recently', 'live', 'used-recently'])
  })

  it('prunes in batches until none is left', async () => {
    await ctx.database.db.execute(sql`DELETE FROM workflow_steps`)
    await stepRecords(30, 5)
    expect(await pruneStepRecords(ctx.database.db, new Date(), 2)).toBe(5)
    expect(await countSteps()).toBe(0)
  })

  it('is scheduled hourly, with a payload its schema accepts', async () => {
    const schedules = await ctx.queue.boss.getSchedules()
    expect(schedules).toContainEqual(
      expect.objectContaining({ name: QUEUES.housekeeping, cron: SCHEDULES[QUEUES.housekeeping] }),
    )
    const scheduled = schedules.find((s) => s.name === QUEUES.housekeeping)
    expect(Value.Check(housekeeping.payload, scheduled?.data)).toBe(true)
  })

  describe('auto-close (AUTO_CLOSE_DAYS)', () => {
    /** A resolved ticket of `requester`'s, last touched `ageDays` ago. */
    async function resolvedTicket(requester: Awaited<ReturnType<typeof signedInUser>>, ageDays: number) {
      const ticket = await createTicket(ctx, requester)
      await ctx.database.db.execute(sql`
        UPDATE tickets SET status = 'resolved', updated_at = now() - make_interval(days => ${ageDays})
        WHERE id = ${ticket.id}`)
      return ticket.id
    }
    const statusOf = async (id: string) =>
      (await ctx.database.executeSql('SELECT status FROM tickets WHERE id = $1', [id])).rows[0]?.status
    const closedCount = async () =>
      Number(
        (
          await ctx.database.executeSql(
            "SELECT coalesce(sum(n), 0)::int AS n FROM ticket_counts WHERE status = 'closed'",
          )
        ).rows[0]?.n,
      )
    const closedEmails = async (id: string) =>
      (
        await ctx.database.executeSql(
          'SELECT "to", subject, status FROM emails WHERE ticket_id = $1 AND subject ILIKE \'%closed%\'',
          [id],
        )
      ).rows

    it('closes tickets resolved and untouched for the configured days, with a system history event and the closed email', async () => {
      const requester = await signedInUser(ctx, 'user')
      const staff = await signedInUser(ctx, 'moderator')
      const old = await resolvedTicket(requester, 8)
      const recent = await resolvedTicket(requester, 3)
      const closedBefore = await closedCount()

      const outcome = await housekeeping.handle(deps(7), attempt)

      expect(outcome).toMatchObject({ ticketsAutoClosed: 1 })
      expect(await statusOf(old)).toBe('closed')
      expect(await statusOf(recent)).toBe('resolved')
      const history = await call(ctx, staff, 'GET', `/api/tickets/${old}/history`)
      expect(history.body.data).toContainEqual(
        expect.objectContaining({
          type: 'status_changed',
          from: 'resolved',
          to: 'closed',
          actor: null,
        }),
      )
      expect(await closedEmails(old)).toEqual([
        expect.objectContaining({ to: requester.email, status: 'pending' }),
      ])
      expect(await closedEmails(recent)).toEqual([])
      // The counters moved with the rows (what the list's total reads).
      expect(await closedCount()).toBe(closedBefore + 1)
    })

    it('closes in batches until none is left', async () => {
      const requester = await signedInUser(ctx, 'user')
      const ids = [
        await resolvedTicket(requester, 30),
        await resolvedTicket(requester, 30),
        await resolvedTicket(requester, 30),
      ]
      expect(
        await autoCloseResolved(ctx.database.db, deps(7).notifier, new Date(), 2),
      ).toBeGreaterThanOrEqual(3)
      for (const id of ids) expect(await statusOf(id)).toBe('closed')
    })

    it('closes nothing when AUTO_CLOSE_DAYS is 0', async () => {
      const requester = await signedInUser(ctx, 'user')
      const old = await resolvedTicket(requester, 400)
      const outcome = await housekeeping.handle(deps(0), attempt)
      expect(outcome).toMatchObject({ ticketsAutoClosed: 0 })
      expect(await statusOf(old)).toBe('resolved')
    })
  })
})
