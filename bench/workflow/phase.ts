// The workflow benchmark (issue 3): create → done latency and drain throughput with the local
// analyser, on embedded PGlite (one process) and on PostgreSQL (API + two worker processes), and
// assignment time with 1,000 moderators.
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { migrateDatabase } from '../../src/db/migrate.js'
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js'
import { runWorkers } from '../../src/jobs/run-workers.js'
import { createMetrics } from '../../src/metrics.js'
import { fileTicket } from '../../src/modules/tickets/ticket.service.js'
import { createUser } from '../../src/modules/users/user.service.js'
import { databaseUrl } from '../config.js'
import { type Classifier, type CoreUsage, describeCores, postgresOf, startCpuMeasurement } from '../cpu.js'
import { dropDatabase, recreateDatabase } from '../db-admin.js'
import { fmt, heading, table } from '../report.js'
import { measureAssignment } from './assignment.js'
import { signIn } from './client.js'
import { watchDone } from './done-watcher.js'
import { seedHelpdesk } from './fixtures.js'
import {
  type LatencyResult,
  measureColdDrain,
  measureLatency,
  measureWarmDrain,
  type ThroughputResult,
} from './measure.js'
import { spawnWorkers } from './workers.js'

const WORKFLOW_DB = `${process.env.BENCH_DB_NAME ?? 'sts_bench'}_workflow`
const MODERATORS = 20
/** Workflows each worker process runs at once (BENCH_WORKER_CONCURRENCY to try others; 8 measured no better than 4 on 2 cores). */
const WORKER_CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 4)
/** Tickets the running workers process before their drain is timed (JIT warm-up). */
const WARM_UP_TICKETS = 3000
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
const env = {
  LOG_LEVEL: 'silent',
  AUTH_RATE_LIMIT: '1000000',
  // One filer posts every ticket: the per-user limit must not be what the bench measures.
  TICKET_RATE_LIMIT: '1000000',
  COMMENT_RATE_LIMIT: '1000000',
  COOKIE_SECURE: 'false',
  WORKER: 'off',
}

interface Setup {
  database: Database
  queue: JobQueue
  baseUrl: string
  /** Commits a burst of tickets in one transaction (as the API files each), returning their ids. */
  fileAtOnce(texts: { title: string; description: string }[]): Promise<string[]>
  close(): Promise<void>
}

async function setUp(database: Database, extraEnv: Record<string, string>): Promise<Setup> {
  await migrateDatabase(database)
  const queue = createJobQueue(database)
  await queue.start()
  await seedHelpdesk(database.db, MODERATORS)
  const filer = await createUser(database.db, {
    email: 'bench-filer@example.com',
    password: 'bench-password-1',
    role: 'user',
  })
  const app = await buildApp({ config: loadConfig({ ...env, ...extraEnv }), database, queue, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    database,
    queue,
    baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    fileAtOnce: (texts) =>
      database.db.transaction(async (tx) => {
        const ids: string[] = []
        for (const text of texts) ids.push((await fileTicket(tx, queue, filer, text)).id)
        return ids
      }),
    close: async () => {
      await app.close()
      await queue.stop()
      await database.close()
    },
  }
}

const latencyRow = (label: string, r: LatencyResult) => [
  label,
  String(r.tickets),
  fmt.ms(r.p50),
  fmt.ms(r.p90),
  fmt.ms(r.p99),
  fmt.ms(r.max),
  String(r.failed),
]

async function onPglite() {
  const database = await openDatabase({ dataDir: '', inMemory: true })
  const setup = await setUp(database, {})
  const config = loadConfig(env)
  const watcher = await watchDone(database)
  const client = await signIn(setup.baseUrl, 'bench-filer@example.com', 'bench-password-1')
  const start = () =>
    runWorkers({ config, database, queue: setup.queue, metrics: createMetrics(), log: quiet })
  const worker = await start()
  try {
    await measureLatency(client, watcher, 30, 30) // warm-up: model load, JIT, caches
    const latency = await measureLatency(client, watcher, 200, 20)
    const throughput = await measureWarmDrain(watcher, 500, setup.fileAtOnce)
    return { latency, throughput }
  } finally {
    await worker.stop()
    await watcher.stop()
    await setup.close()
  }
}

async function onPostgres() {
  await recreateDatabase(WORKFLOW_DB)
  const url = databaseUrl(WORKFLOW_DB)
  const database = await openDatabase({ databaseUrl: url, dataDir: '' })
  const setup = await setUp(database, { DATABASE_URL: url })
  const watcher = await watchDone(database)
  const client = await signIn(setup.baseUrl, 'bench-filer@example.com', 'bench-password-1')
  const workerEnv = {
    DATABASE_URL: url,
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    AI_PROVIDER: 'local',
  }
  let workers = spawnWorkers(2, workerEnv)
  try {
    await workers.ready
    await measureLatency(client, watcher, 30, 30)
    const latency = await measureLatency(client, watcher, 300, 30)
    // This database is seconds old: autovacuum, which analyses a table within a minute of its
    // first rows, has not run yet. The drains measure a helpdesk that has been up for a while.
    await database.executeSql('ANALYZE')
    // V8 goes on optimising the workers' hot paths for a few thousand tickets (perf: its compiler
    // threads used a quarter of a core through the first 2,000, and a drain after 3,000 ran 30 %
    // faster than one after 330). The steady-state figure comes after this warm-up; the freshly
    // started workers below show the start.
    await measureWarmDrain(watcher, WARM_UP_TICKETS, setup.fileAtOnce)
    let stopCpu = (): CoreUsage | undefined => undefined
    const warm = await measureWarmDrain(watcher, 2000, setup.fileAtOnce, () => {
      stopCpu = startCpuMeasurement(drainClassifier(new Set(workers.pids)))
    })
    const cores = stopCpu()
    await workers.stop()
    const cold = await measureColdDrain(client, watcher, 2000, async () => {
      workers = spawnWorkers(2, workerEnv)
      await workers.ready
    })
    await workers.stop()
    const [filer] = (
      await database.executeSql(`SELECT id FROM users WHERE email = 'bench-filer@example.com'`)
    ).rows
    // Assignment runs in the workers: measured on a connection set up as theirs (prepared
    // statements, commits that do not wait for the disk: src/worker.ts).
    const asWorker = await openDatabase({
      databaseUrl: url,
      dataDir: '',
      preparedStatements: true,
      asyncCommit: true,
    })
    const assignment = await measureAssignment(asWorker, 1000, 300, String(filer?.id)).finally(() =>
      asWorker.close(),
    )
    return { latency, warm: { ...warm, cores }, cold, assignment }
  } finally {
    await workers.stop()
    await watcher.stop()
    await setup.close()
    await dropDatabase(WORKFLOW_DB)
  }
}

const workflowPostgres = postgresOf(WORKFLOW_DB)

/**
 * Who used the cores while the two workers drained the backlog: the workers, PostgreSQL (this
 * database's backends and the server's own helpers) and this process (API server idle, watcher).
 */
const drainClassifier =
  (workerPids: Set<number>): Classifier =>
  (proc) => {
    if (workerPids.has(proc.pid)) return 'workers'
    if (proc.pid === process.pid) return 'bench'
    return workflowPostgres(proc)
  }

export async function runWorkflowPhase() {
  heading('Ticket workflow: create → done, drain throughput, assignment (local analyser)')
  // BENCH_WORKFLOW=postgres skips the PGlite run (for quick iterations on the PostgreSQL figures).
  const pglite = process.env.BENCH_WORKFLOW === 'postgres' ? undefined : await onPglite()
  const postgres = await onPostgres()
  console.log(`${MODERATORS} moderators with skills from the eval catalog; tickets from the eval set`)
  table(
    ['create → done', 'tickets', 'p50', 'p90', 'p99', 'max', 'failed'],
    [
      ...(pglite ? [latencyRow('PGlite, embedded worker, 20/s', pglite.latency)] : []),
      latencyRow('PostgreSQL, 2 worker processes, 30/s', postgres.latency),
    ],
  )
  console.log('')
  const drainRow = (label: string, r: ThroughputResult) => [
    label,
    String(r.tickets),
    fmt.s(r.seconds),
    r.perSecond.toFixed(0),
  ]
  table(
    ['drain a backlog', 'tickets', 'seconds', 'tickets/s'],
    [
      ...(pglite ? [drainRow('PGlite, embedded worker', pglite.throughput)] : []),
      drainRow(
        `PostgreSQL, 2 running workers (concurrency ${WORKER_CONCURRENCY}, ${fmt.int(WARM_UP_TICKETS)} tickets in)`,
        postgres.warm,
      ),
      drainRow('PostgreSQL, 2 freshly started workers', postgres.cold),
    ],
  )
  const cores = postgres.warm.cores
  if (cores) console.log(`cores used during the PostgreSQL drain (warm): ${describeCores(cores)}`)
  const a = postgres.assignment
  console.log(
    `\nassignment (autoAssign in its own transaction, PostgreSQL): ${fmt.int(a.moderators)} active moderators, ${a.samples} samples: ` +
      `p50 ${fmt.ms(a.p50)}, p99 ${fmt.ms(a.p99)}, max ${fmt.ms(a.max)}; ` +
      `the choice alone (score everyone, lock the winner): p50 ${fmt.ms(a.choice.p50)}, p99 ${fmt.ms(a.choice.p99)}`,
  )
  return { pglite, postgres }
}
