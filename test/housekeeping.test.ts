// Housekeeping: step records past their retention, dead sessions and stale reset tokens go;
// everything else stays.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { housekeeping } from '../src/jobs/housekeeping.js'
import { QUEUES, SCHEDULES } from '../src/jobs/queue.js'
import { pruneStepRecords } from '../src/jobs/steps.js'
import { call, createTestContext, signedInUser, type TestContext } from './helpers/app.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx.close())

const attempt = { id: randomUUID(), payload: {}, retryCount: 0, retryLimit: 5 }

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

    const outcome = await housekeeping.handle({ db: ctx.database.db, stepRetentionDays: 7 }, attempt)

    expect(outcome).toEqual({ stepRecordsDeleted: 2, sessionsDeleted: 2, resetTokensDeleted: 0 })
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

    const outcome = await housekeeping.handle({ db: ctx.database.db, stepRetentionDays: 7 }, attempt)

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
})
