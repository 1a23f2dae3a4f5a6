// Worker processes on one PostgreSQL: one killed mid-workflow loses and repeats nothing; three
// share 200 tickets, each processed exactly once. PGlite serves a single process, so these run
// only against PostgreSQL (TEST_DATABASE_URL, as CI's second pass sets it).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAiReply, startOpenAiServer } from './fakes/openai-server.js'
import type { ScriptedServer } from './fakes/scripted-server.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'
import { spawnWorker, type WorkerProcess } from './helpers/processes.js'
import { testDatabaseUrl } from './helpers/template.js'

const onPostgres = testDatabaseUrl() !== undefined

describe.runIf(onPostgres)('worker processes on PostgreSQL', () => {
  let ctx: TestContext
  let ai: ScriptedServer
  let user: TestUser
  const workers: WorkerProcess[] = []
  const analysis = {
    summary: 'Users cannot reach the VPN.',
    priority: 'high',
    helpfulNotes: '1. Check the VPN gateway.',
    relatedSkills: ['Networking'],
  }

  const workerEnv = () => ({
    DATABASE_URL: ctx.databaseUrl ?? '',
    AI_PROVIDER: 'openai',
    OPENAI_BASE_URL: `${ai.url}/v1`,
    OPENAI_MODEL: 'fake-model',
    JOB_TIMEOUT_SECONDS: '3',
    WORKER_CONCURRENCY: '4',
  })

  async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
    return ((await ctx.database.db.execute(query)) as unknown as { rows: T[] }).rows
  }

  async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  beforeAll(async () => {
    ctx = await createTestContext()
    ai = await startOpenAiServer()
    user = await signedInUser(ctx, 'user')
    const admin = await signedInUser(ctx, 'admin')
    await call(ctx, admin, 'POST', '/api/skills', { name: 'Networking' })
    for (let i = 0; i < 3; i++) {
      const moderator = await signedInUser(ctx, 'moderator')
      await call(ctx, admin, 'PUT', `/api/users/${moderator.id}/skills`, {
        skills: [{ skill: 'Networking', proficiency: 4 }],
      })
    }
  })
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL')
    await Promise.all(workers.map((w) => w.exited))
    await ai?.close()
    await ctx?.close()
  })

  it('a worker killed mid-workflow loses nothing and repeats nothing', async () => {
    // The first AI call hangs: the worker is killed while it waits on it.
    ai.reply({ hang: true })
    ai.replyAlways(openAiReply.text(JSON.stringify(analysis)))
    const first = spawnWorker(workerEnv())
    workers.push(first)
    await first.ready
    const ticket = await createTicket(ctx, user, { title: 'VPN unreachable for the sales team' })
    await waitUntil(async () => ai.requests.length >= 1, 15_000, 'the first AI call')
    first.child.kill('SIGKILL')
    await first.exited

    const [mid] = await rows<{ processing_status: string }>(
      sql`SELECT processing_status FROM tickets WHERE id = ${ticket.id}`,
    )
    expect(mid?.processing_status).toBe('running')

    const second = spawnWorker(workerEnv())
    workers.push(second)
    await second.ready
    // The dead worker's job times out (3 s), pg-boss puts it back, the second worker resumes it.
    await waitUntil(
      async () => {
        const [row] = await rows<{ processing_status: string }>(
          sql`SELECT processing_status FROM tickets WHERE id = ${ticket.id}`,
        )
        return row?.processing_status === 'done'
      },
      40_000,
      'the ticket to be processed after the kill',
    )
    const events = await rows<{ type: string; n: number }>(
      sql`SELECT type, count(*)::int AS n FROM ticket_events WHERE ticket_id = ${ticket.id} GROUP BY type ORDER BY type`,
    )
    expect(events).toEqual([
      { type: 'analysed', n: 1 },
      { type: 'assigned', n: 1 },
      { type: 'created', n: 1 },
      { type: 'priority_changed', n: 1 },
    ])
    const steps = await rows<{ step: string }>(
      sql`SELECT step FROM workflow_steps WHERE ticket_id = ${ticket.id} ORDER BY completed_at`,
    )
    // Each step recorded once (steps that share a transaction share a timestamp: compare as sets).
    expect(steps.map((s) => s.step).sort()).toEqual(
      [
        'fetch-ticket',
        'update-ticket-status',
        'ai-processing',
        'assign-moderator',
        'send-email-notification',
        'finish',
      ].sort(),
    )
    const [emails] = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM emails WHERE ticket_id = ${ticket.id}`,
    )
    expect(emails?.n).toBe(1)
    // One call died with the first worker; exactly one more completed the step.
    expect(ai.requests).toHaveLength(2)
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  }, 90_000)

  it('three workers share 200 tickets, each processed exactly once', async () => {
    const started = ai.requests.length
    const three = [spawnWorker(workerEnv()), spawnWorker(workerEnv()), spawnWorker(workerEnv())]
    workers.push(...three)
    await Promise.all(three.map((w) => w.ready))
    const ids: string[] = []
    for (let i = 0; i < 200; i++)
      ids.push((await createTicket(ctx, user, { title: `Shared ticket number ${i}` })).id)

    await waitUntil(
      async () => {
        const [row] = await rows<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM tickets WHERE id = ANY(${sql.param(ids)}::uuid[]) AND processing_status = 'done'`,
        )
        return row?.n === ids.length
      },
      120_000,
      '200 tickets to be processed',
    )
    const perTicket = await rows<{
      analysed: number
      assigned: number
      finished: number
      emails: number
    }>(sql`
      SELECT
        (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'analysed') AS analysed,
        (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'assigned') AS assigned,
        (SELECT count(*)::int FROM workflow_steps s WHERE s.ticket_id = t.id AND s.step = 'finish') AS finished,
        (SELECT count(*)::int FROM emails m WHERE m.ticket_id = t.id) AS emails
      FROM tickets t WHERE t.id = ANY(${sql.param(ids)}::uuid[])`)
    expect(perTicket).toHaveLength(200)
    expect(
      perTicket.every((t) => t.analysed === 1 && t.assigned === 1 && t.finished === 1 && t.emails === 1),
    ).toBe(true)
    expect(ai.requests.length - started).toBe(200)

    // Each process did a share of the work.
    const done = three.map(
      (w) => w.logs.filter((l) => l.msg === 'job done' && l.queue === 'ticket-workflow').length,
    )
    expect(done.reduce((a, b) => a + b, 0)).toBe(200)
    for (const share of done) expect(share).toBeGreaterThan(0)
    for (const worker of three) worker.child.kill('SIGTERM')
    expect(await Promise.all(three.map((w) => w.exited))).toEqual([0, 0, 0])
  }, 180_000)
})
