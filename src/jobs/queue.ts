// pg-boss on the app's own database. A job is inserted through the caller's transaction, so a
// ticket and the job that processes it commit together or not at all; a NOTIFY sent in the same
// transaction wakes idle workers (in this process or any other) the moment it commits.
import pg from 'pg'
import PgBoss from 'pg-boss'
import { Value } from 'typebox/value'
import {
  CONNECTION_OPTIONS,
  type Database,
  type DbOrTx,
  type ExecuteSql,
  executeSqlIn,
} from '../db/client.js'
import { prepareStatements } from '../db/prepared.js'
import { defaultLogger, type Logger } from '../logger.js'
import { JOB_PAYLOADS, type PayloadOf } from './payloads.js'

export const QUEUES = {
  ticketWorkflow: 'ticket-workflow',
  emailDelivery: 'email-delivery',
  housekeeping: 'housekeeping',
  ticketReassignment: 'ticket-reassignment',
  slaEscalation: 'sla-escalation',
  searchBacklog: 'search-backlog',
  inboundFiling: 'inbound-filing',
} as const
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]

/** Queues whose jobs pg-boss sends on a cron schedule (UTC), with an empty payload. */
export const SCHEDULES: Partial<Record<QueueName, string>> = {
  [QUEUES.housekeeping]: '17 * * * *',
  [QUEUES.slaEscalation]: '* * * * *',
  // A backstop: a bulk statement's own NOTIFY enqueues the job at once when a worker listens.
  [QUEUES.searchBacklog]: '* * * * *',
}

/**
 * Queues whose jobs take milliseconds get a shorter expiry than JOB_TIMEOUT_SECONDS: a job still
 * active after this long lost its worker (killed mid job) and is retried, so mail accepted just
 * before a crash is filed a minute or two after the restart rather than five. A slow attempt that
 * outlives it is harmless: the retry waits for its row lock and finds the message filed.
 */
const EXPIRE_SECONDS: Partial<Record<QueueName, number>> = {
  [QUEUES.inboundFiling]: 60,
}

/** The channel workers LISTEN on; the payload is the queue name. */
export const WAKE_CHANNEL = 'sts_jobs'

/**
 * Two adjustments to pg-boss 10's tables, made at every start (each is idempotent):
 *
 * 1. It fetches the next job `ORDER BY priority desc, created_on, id` among queued jobs, but its
 *    index on queued jobs is (name, start_after): every fetch read and sorted the whole backlog
 *    (1.6 ms at 3,000 queued, growing with it; EXPLAIN ANALYZE). This index serves that order,
 *    so a fetch reads the first few entries whatever the backlog. Created on the partitioned
 *    parent, it reaches every queue's partition, present and future. The advisory lock keeps
 *    processes starting together from racing on it.
 * 2. No statistics on `state`. A queue's states change faster than statistics can follow:
 *    analysed while nothing was queued, the planner believed the index above empty and sorted
 *    the whole backlog at every fetch (1,144 queued rows read for 4: 1.6 ms instead of 0.2; the
 *    server log, bench/workflow). Without statistics it takes a third of the rows to match
 *    `state < 'active'` and reads the index in order. ANALYZE then drops what was gathered
 *    before and gives `name` statistics, without which each completion scans its whole
 *    partition (0.8 ms instead of 0.2 at 5,000 jobs) — until autovacuum's first pass, on a
 *    brand-new database.
 */
const TUNE_JOB_TABLE = `
  DO $$ BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('sts_job_fetch_order'));
    CREATE INDEX IF NOT EXISTS sts_job_fetch_order ON pgboss.job (name, priority DESC, created_on, id)
      WHERE state < 'active';
    ALTER TABLE pgboss.job ALTER COLUMN state SET STATISTICS 0;
  END $$;
  ANALYZE pgboss.job`

/** The one statement pg-boss's send runs: its job insert. */
const JOB_INSERT = /^\s*INSERT\b[\s\S]*\bRETURNING\s+id\s*$/i

/**
 * pg-boss's job insert (one INSERT … RETURNING id) with the wake-up NOTIFY in the same statement:
 * one round trip per enqueue instead of two (bench: a create sends 7 statements, now 6). The
 * notification goes out only when a job row was written (a singleton key already queued wakes
 * nobody: that job's own notification did), and, like the row, only when the caller commits.
 */
export function withWakeUp(executeSql: ExecuteSql, queue: QueueName): ExecuteSql {
  return (text, values = []) => {
    if (!JOB_INSERT.test(text)) {
      throw new Error('pg-boss sent something other than its job insert; enqueue cannot add its wake-up')
    }
    const channel = values.length + 1
    return executeSql(
      `WITH job AS (${text}) SELECT job.id, pg_notify($${channel}, $${channel + 1}) FROM job`,
      [...values, WAKE_CHANNEL, queue],
    )
  }
}

/**
 * pg-boss's job insert and the caller's `write` in one statement, with the wake-up: the job as in
 * `withWakeUp`, the write's placeholders renumbered after pg-boss's, its rows handed to `onRows`.
 */
function withWrite(
  executeSql: ExecuteSql,
  queue: QueueName,
  write: { text: string; values: unknown[] },
  onRows: (rows: Record<string, unknown>[]) => void,
): ExecuteSql {
  return async (text, values = []) => {
    if (!JOB_INSERT.test(text)) {
      throw new Error('pg-boss sent something other than its job insert; enqueueWith cannot add the write')
    }
    const offset = values.length
    const shifted = write.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)
    const channel = offset + write.values.length + 1
    const result = await executeSql(
      `WITH job AS (${text}), written AS (${shifted})
       SELECT written.*, pg_notify($${channel}, $${channel + 1}) FROM written`,
      [...values, ...write.values, WAKE_CHANNEL, queue],
    )
    onRows(result.rows)
    // pg-boss reads the new job's id from the result; its caller here does not need it.
    return { rows: [] }
  }
}

function checkPayload<Q extends QueueName>(queue: Q, data: PayloadOf<Q>): void {
  const schema = JOB_PAYLOADS[queue]
  if (!Value.Check(schema, data)) {
    const [first] = Value.Errors(schema, data)
    const where = first ? `${first.instancePath || '/'} ${first.message}` : 'does not match'
    throw new Error(`job payload for ${queue}: ${where}`)
  }
}

export interface QueueSettings {
  /** How long a job may run before it counts as lost (its worker died) and is retried. */
  jobTimeoutSeconds: number
  /** Where pg-boss's background errors go. */
  log?: Logger
}

export interface JobQueue {
  readonly boss: PgBoss
  start(): Promise<void>
  stop(): Promise<void>
  /**
   * Enqueues a job inside `tx`; it becomes visible, and wakes a worker, when `tx` commits. A
   * payload that does not match the queue's schema throws before anything is written.
   */
  enqueue<Q extends QueueName>(
    tx: DbOrTx,
    queue: Q,
    data: PayloadOf<Q>,
    options?: { singletonKey?: string },
  ): Promise<void>
  /**
   * Enqueues a job in the same statement as one write of the caller's (`write`: a data-modifying
   * statement with RETURNING, `$1`-style, its own values), committed on its own: one round trip,
   * atomic without a transaction, on the queue's own connections (on PostgreSQL prepared once per
   * connection, no query building). Returns the write's rows. The job row is written whatever the
   * write does, so its handler must expect to find nothing to do; the wake-up goes out only when
   * the write returned a row.
   */
  enqueueWith<Q extends QueueName>(
    queue: Q,
    data: PayloadOf<Q>,
    write: { text: string; values: unknown[] },
  ): Promise<Record<string, unknown>[]>
}

export function createJobQueue(
  database: Database,
  settings: QueueSettings = { jobTimeoutSeconds: 300 },
): JobQueue {
  // Lost jobs are found by pg-boss's maintenance pass: run it often enough that a dead
  // worker's job is retried within about one timeout.
  const expiry = (name: QueueName) =>
    Math.min(settings.jobTimeoutSeconds, EXPIRE_SECONDS[name] ?? Number.POSITIVE_INFINITY)
  const shortest = Math.min(...Object.values(QUEUES).map(expiry))
  const maintenanceIntervalSeconds = Math.max(1, Math.min(120, Math.floor(shortest / 2)))
  const common = { maintenanceIntervalSeconds, monitorStateIntervalSeconds: 30 }
  // On PostgreSQL pg-boss gets its own small pool, with its few statements prepared per connection.
  const pool =
    database.native.driver === 'postgres'
      ? new pg.Pool({
          connectionString: database.native.url,
          max: 4,
          application_name: 'pgboss',
          options: CONNECTION_OPTIONS,
        })
      : undefined
  const log = settings.log ?? defaultLogger()
  pool?.on('error', (error) => log.error({ err: error }, 'pg-boss: idle database connection lost'))
  if (pool) prepareStatements(pool)
  const executeSql: ExecuteSql = pool
    ? (text, values) => pool.query<Record<string, unknown>>(text, values)
    : database.executeSql
  const boss = new PgBoss({ db: { executeSql }, ...common })
  // pg-boss reports background errors (a lost connection, a failed maintenance run) as events;
  // unhandled they would crash the process.
  boss.on('error', (error) => log.error({ err: error }, 'pg-boss background error'))

  return {
    boss,
    async start() {
      await boss.start()
      const retry = { retryLimit: 5, retryDelay: 1, retryBackoff: true }
      for (const name of Object.values(QUEUES)) {
        const options = { name, ...retry, expireInSeconds: expiry(name) }
        await boss.createQueue(name, options)
        // createQueue leaves an existing queue as it was: bring its settings up to date.
        await boss.updateQueue(name, options)
      }
      for (const [name, cron] of Object.entries(SCHEDULES)) await boss.schedule(name, cron, {})
      // After the queues: their partitions exist now, and each takes the statistics setting.
      await executeSql(TUNE_JOB_TABLE)
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 })
      await pool?.end()
    },
    async enqueue(tx, queue, data, options = {}) {
      checkPayload(queue, data)
      await boss.send(queue, data, { db: { executeSql: withWakeUp(executeSqlIn(tx), queue) }, ...options })
    },
    async enqueueWith(queue, data, write) {
      checkPayload(queue, data)
      let rows: Record<string, unknown>[] = []
      const alongside = withWrite(executeSql, queue, write, (written) => {
        rows = written
      })
      await boss.send(queue, data, { db: { executeSql: alongside } })
      return rows
    },
  }
}
