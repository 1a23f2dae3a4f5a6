// The real worker loop in this process: pg-boss, wake-ups, the workflow end to end through the API.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ticketWorkflow } from '../src/jobs/ticket-workflow.js'
import { register, startWorker, type Worker } from '../src/jobs/worker.js'
import { createMetrics } from '../src/metrics.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { fileTicket } from '../src/modules/tickets/ticket.service.js'
import { TriageError, type TriageProvider } from '../src/modules/triage/triage.types.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

let ctx: TestContext
let worker: Worker
let user: TestUser
let moderator: TestUser
const metrics = createMetrics()
const silent = { debug() {}, info() {}, warn() {}, error() {} }

/** Titles whose first analysis fails (as a hiccup would), to see a batch fail one job alone. */
const failOnce = new Set<string>()

const triage: TriageProvider = {
  name: 'local',
  inProcess: true,
  async analyse(ticket) {
    if (failOnce.delete(ticket.title)) throw new TriageError('hiccup', true)
    return {
      summary: `About: ${ticket.title}`,
      priority: ticket.title.includes('outage') ? 'high' : 'medium',
      helpfulNotes: '1. Reproduce.',
      relatedSkills: ['Networking'],
    }
  },
}

beforeAll(async () => {
  ctx = await createTestContext()
  user = await signedInUser(ctx, 'user')
  const admin = await signedInUser(ctx, 'admin')
  moderator = await signedInUser(ctx, 'moderator')
  await call(ctx, admin, 'POST', '/api/skills', { name: 'Networking' })
  await call(ctx, admin, 'PUT', `/api/users/${moderator.id}/skills`, {
    skills: [{ skill: 'Networking', proficiency: 5 }],
  })
  const notifier = createNotifier({ queue: ctx.queue, appUrl: 'http://x', smtpEnabled: false })
  worker = await startWorker({
    database: ctx.database,
    queue: ctx.queue,
    metrics,
    log: silent,
    jobs: [
      register(
        ticketWorkflow,
        {
          db: ctx.database.db,
          triage,
          notifier,
          onStepTiming: (step, s) => metrics.stepDuration.observe({ step }, s),
        },
        { concurrency: 4, batchSize: 2 },
      ),
    ],
  })
})
afterAll(async () => {
  await worker.stop()
  await ctx.close()
})

async function waitForDone(viewer: TestUser, id: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { body } = await call(ctx, viewer, 'GET', `/api/tickets/${id}`)
    if (body.data.processing_status === 'done' || body.data.processing_status === 'failed') return body.data
    if (Date.now() > deadline) throw new Error(`ticket ${id} still ${String(body.data.processing_status)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

it('processes a new ticket in the background: analysed, assigned, done', async () => {
  const ticket = await createTicket(ctx, user, { title: 'Network outage on floor 3' })
  expect(ticket).toMatchObject({ status: 'todo', priority: 'medium' })
  const done = await waitForDone(user, ticket.id)
  expect(done).toMatchObject({
    processing_status: 'done',
    status: 'todo',
    priority: 'high',
    summary: 'About: Network outage on floor 3',
    related_skills: ['Networking'],
    assigned_to: moderator.id,
  })
})

it('drains a burst of tickets, each processed exactly once', async () => {
  const ids: string[] = []
  for (let i = 0; i < 25; i++) ids.push((await createTicket(ctx, user, { title: `Burst ticket ${i}` })).id)
  for (const id of ids) expect((await waitForDone(user, id)).processing_status).toBe('done')
  // The worker records each step's duration.
  for (const id of ids) {
    const history = (await call(ctx, user, 'GET', `/api/tickets/${id}/history`)).body.data
    expect(history.filter((e) => e.type === 'analysed')).toHaveLength(1)
    expect(history.filter((e) => e.type === 'assigned')).toHaveLength(1)
  }
  const text = await metrics.registry.metrics()
  expect(text).toMatch(/jobs_processed_total\{queue="ticket-workflow"\} (2[6-9]|[3-9]\d)/)
  expect(text).toContain('workflow_step_duration_seconds_bucket{le="0.005",step="ai-processing"}')
  expect(text).toMatch(/job_queue_depth\{queue="ticket-workflow"\} 0/)
})

it('fails a job of a batch alone: it is retried, its batch-mates complete once', async () => {
  failOnce.add('Batch ticket 1')
  // Committed together, so that the worker's two fetchers take them two by two.
  const ids = await ctx.database.db.transaction(async (tx) => {
    const filed: string[] = []
    for (let i = 0; i < 4; i++) {
      const input = { title: `Batch ticket ${i}`, description: 'Filed with three others at once.' }
      filed.push((await fileTicket(tx, ctx.queue, user, input)).id)
    }
    return filed
  })
  for (const id of ids) expect((await waitForDone(user, id)).processing_status).toBe('done')
  const jobs = (await ctx.database.executeSql(
    `SELECT singleton_key AS ticket, state, retry_count FROM pgboss.job WHERE name = 'ticket-workflow' AND singleton_key = ANY($1::text[])`,
    [ids],
  )) as { rows: { ticket: string; state: string; retry_count: number }[] }
  const byTicket = new Map(jobs.rows.map((r) => [r.ticket, r]))
  expect(ids.map((id) => byTicket.get(id)?.state)).toEqual([
    'completed',
    'completed',
    'completed',
    'completed',
  ])
  expect(ids.map((id) => byTicket.get(id)?.retry_count)).toEqual([0, 1, 0, 0])
  for (const id of ids) {
    const history = (await call(ctx, user, 'GET', `/api/tickets/${id}/history`)).body.data
    expect(history.filter((e) => e.type === 'analysed')).toHaveLength(1)
  }
})

it("fetches jobs through an index in pg-boss's fetch order, planned without statistics on state", async () => {
  const { rows } = await ctx.database.executeSql(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = 'pgboss' AND indexname = 'sts_job_fetch_order'`,
  )
  expect(String(rows[0]?.indexdef)).toContain('(name, priority DESC, created_on, id) WHERE (state < ')
  // Every queue's partition as well as the parent: no statistics gathered on state.
  const targets = await ctx.database.executeSql(
    `SELECT c.relname, a.attstattarget FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'pgboss' AND a.attname = 'state' AND c.relkind IN ('r', 'p') AND c.relname LIKE 'j%'`,
  )
  expect(targets.rows.length).toBeGreaterThanOrEqual(3)
  expect(targets.rows.map((r) => Number(r.attstattarget))).toEqual(targets.rows.map(() => 0))
})
