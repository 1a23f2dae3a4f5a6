// The workers file accepted mail at twice the workflow's concurrency (WORKER_CONCURRENCY): in a
// burst the two share the CPU, and filing (the ticket, its acknowledgement) comes first. Seen on
// PostgreSQL, where a test can hold the messages' row locks from its own connection: the filing
// jobs a worker process takes on at once all wait there, and are counted.
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { QUEUES } from '../src/jobs/queue.js'
import { runWorkers } from '../src/jobs/run-workers.js'
import type { Worker } from '../src/jobs/worker.js'
import { createMetrics } from '../src/metrics.js'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { acceptMessage } from '../src/modules/inbound/intake.js'
import { createTestContext, type TestContext } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

const onPostgres = Boolean(process.env.TEST_DATABASE_URL)
const silent = { debug() {}, info() {}, warn() {}, error() {} }

let ctx: TestContext
let worker: Worker | undefined
let locker: pg.Client | undefined

beforeAll(async () => {
  if (!onPostgres) return
  ctx = await createTestContext({ INBOUND_ADDRESS: 'support@helpdesk.test', WORKER_CONCURRENCY: '2' })
})
afterAll(async () => {
  if (!onPostgres) return
  await locker?.end()
  await worker?.stop()
  await ctx.close()
})

const activeFilings = async () => {
  const { rows } = await ctx.database.executeSql(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'active'`,
    [QUEUES.inboundFiling],
  )
  return Number(rows[0]?.n ?? 0)
}

const pendingMessages = async () => {
  const { rows } = await ctx.database.executeSql(
    `SELECT count(*)::int AS n FROM inbound_messages WHERE outcome = 'pending'`,
  )
  return Number(rows[0]?.n ?? 0)
}

async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

it.skipIf(!onPostgres)('files accepted mail at twice WORKER_CONCURRENCY', async () => {
  const intake = createIntakeDeps(ctx.config, ctx.database, ctx.queue)
  const ids: string[] = []
  for (let i = 0; i < 6; i++) {
    const raw = await composeMail({ from: `burst-${i}@example.org`, subject: `Burst message ${i}` })
    ids.push((await acceptMessage(intake, raw, 'smtp')).id)
  }
  // Every message locked by this test's own transaction: each filing job waits on its message.
  locker = new pg.Client({ connectionString: ctx.databaseUrl })
  await locker.connect()
  await locker.query('BEGIN')
  await locker.query('SELECT id FROM inbound_messages WHERE id = ANY($1::uuid[]) FOR UPDATE', [ids])

  worker = await runWorkers({
    config: ctx.config,
    database: ctx.database,
    queue: ctx.queue,
    metrics: createMetrics(),
    log: silent,
  })
  await until(async () => (await activeFilings()) >= 4)
  // Settled: no more than twice WORKER_CONCURRENCY at once.
  await new Promise((r) => setTimeout(r, 500))
  expect(await activeFilings()).toBe(4)

  await locker.query('ROLLBACK')
  await until(async () => (await pendingMessages()) === 0)
})
