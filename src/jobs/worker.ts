// Runs the jobs: pg-boss workers for each queue, woken the moment a job commits.
// pg-boss polls (every few seconds here) and, after finishing a job, waits out its polling
// interval unless notified; so each loop is notified (a) by NOTIFY on WAKE_CHANNEL, sent in the
// transaction that enqueued the job — delivered by PostgreSQL to every listening process, or by
// PGlite within this one — and (b) by itself after each job, to drain a backlog without pausing.
// Several worker processes on one PostgreSQL share the queues: pg-boss hands each job to one
// fetcher (SKIP LOCKED), and memoised steps make a retried job resume, not repeat.

import type PgBoss from 'pg-boss'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { Database } from '../db/client.js'
import { listen } from '../db/listen.js'
import type { Metrics } from '../metrics.js'
import type { JobDefinition } from './job.js'
import { type JobQueue, QUEUES, type QueueName, WAKE_CHANNEL } from './queue.js'

export interface WorkerLogger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface Registration<S extends TSchema, D> {
  definition: JobDefinition<S, D>
  deps: D
  /** Jobs of this queue run at once in this process. */
  concurrency: number
  /**
   * Jobs fetched (and completed) by one statement. Worth it for jobs that take milliseconds (an
   * in-process workflow: fetch and complete took 2 of its 7 ms of database time, server log);
   * not for slow ones, as a batch's fetcher waits for all of its jobs before fetching again.
   */
  batchSize: number
}

export interface Worker {
  stop(): Promise<void>
}

/** Type-erases a registration so a list can mix jobs with different payloads and deps. */
export function register<S extends TSchema, D>(
  definition: JobDefinition<S, D>,
  deps: D,
  options: { concurrency: number; batchSize?: number },
) {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 1, options.concurrency))
  return { definition, deps, concurrency: options.concurrency, batchSize } as Registration<TSchema, unknown>
}

export async function startWorker(options: {
  database: Database
  queue: JobQueue
  metrics: Metrics
  log: WorkerLogger
  jobs: Registration<TSchema, unknown>[]
}): Promise<Worker> {
  const { database, queue, metrics, log, jobs } = options
  const boss = queue.boss
  const loops = new Map<QueueName, string[]>()

  const wake = (name: string) => {
    for (const id of loops.get(name as QueueName) ?? []) boss.notifyWorker(id)
  }

  for (const { definition, deps, concurrency, batchSize } of jobs) {
    const ids: string[] = []
    loops.set(definition.queue, ids)
    for (let i = 0; i < Math.ceil(concurrency / batchSize); i++) {
      const id = await boss.work<object>(
        definition.queue,
        { includeMetadata: true, batchSize, pollingIntervalSeconds: 2 },
        async (batch) => {
          try {
            if (batch.length === 1 && batch[0]) return await runOne(definition, deps, batch[0])
            await runBatch(definition, deps, batch)
            return undefined
          } finally {
            // Fetch the next job now instead of sleeping out the polling interval.
            boss.notifyWorker(id)
          }
        },
      )
      ids.push(id)
    }
  }

  /**
   * Runs a batch's jobs side by side, each on its own: a job that throws is failed (and so
   * retried) alone; pg-boss then completes the batch in one statement, which leaves failed
   * jobs alone (it completes only active ones).
   */
  async function runBatch(
    definition: JobDefinition<TSchema, unknown>,
    deps: unknown,
    batch: PgBoss.JobWithMetadata<object>[],
  ) {
    const results = await Promise.allSettled(batch.map((job) => runOne(definition, deps, job)))
    const failures = batch.flatMap((job, i) => {
      const result = results[i]
      return result?.status === 'rejected' ? [{ job, error: result.reason }] : []
    })
    for (const { job, error } of failures) await boss.fail(definition.queue, job.id, error)
  }

  async function runOne(
    definition: JobDefinition<TSchema, unknown>,
    deps: unknown,
    job: PgBoss.JobWithMetadata<object>,
  ) {
    const queueName = definition.queue
    if (!Value.Check(definition.payload, job.data)) {
      // A malformed payload will not improve with retries: record and drop it.
      log.error({ queue: queueName, jobId: job.id, data: job.data }, 'job payload does not match its schema')
      return { outcome: 'invalid payload' }
    }
    if (job.retryCount > 0) metrics.jobsRetried.inc({ queue: queueName })
    try {
      const result = await definition.handle(deps, {
        id: job.id,
        payload: job.data,
        retryCount: job.retryCount,
        retryLimit: job.retryLimit,
      })
      metrics.jobsProcessed.inc({ queue: queueName })
      log.debug({ queue: queueName, jobId: job.id, data: job.data, attempt: job.retryCount + 1 }, 'job done')
      return result
    } catch (error) {
      metrics.jobsFailed.inc({ queue: queueName })
      log.warn(
        { queue: queueName, jobId: job.id, attempt: job.retryCount + 1, err: error },
        job.retryCount >= job.retryLimit ? 'job failed for good' : 'job failed; it will be retried',
      )
      throw error
    }
  }

  metrics.setQueueDepthSource(async () => {
    const depth: Record<string, number> = {}
    for (const name of Object.values(QUEUES)) depth[name] = await boss.getQueueSize(name)
    return depth
  })

  const stopListening = await listen(database, WAKE_CHANNEL, wake, log)
  // Jobs enqueued while no worker ran (or before this one started) need no notification to be found.
  for (const name of loops.keys()) wake(name)

  return {
    async stop() {
      await stopListening()
      for (const ids of loops.values()) for (const id of ids) await boss.offWork({ id })
    },
  }
}
