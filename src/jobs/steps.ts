// Memoised steps (after Documenso's io.runTask): a step's result is stored in the same
// transaction as the step's effects, so when a job is retried every finished step returns its
// stored result instead of running again — no second AI call, no second email.
import { eq, lt, sql } from 'drizzle-orm'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { Db, Tx } from '../db/client.js'
import { workflowSteps } from '../db/schema.js'
import { inTransaction } from '../db/transaction.js'

/** Steps that share one transaction: their effects and records commit together or not at all. */
export interface StepScope {
  run<T>(name: string, work: (tx: Tx) => Promise<T>): Promise<T>
}

export interface StepRunner extends StepScope {
  /**
   * For a step that calls out (an AI API): `call` runs outside any transaction (no locks held
   * while waiting on the network), then `apply` writes its effects and the result atomically.
   */
  runExternal<R, T>(
    name: string,
    call: () => Promise<R>,
    apply: (tx: Tx, called: R) => Promise<T>,
  ): Promise<T>
  /**
   * Runs several steps in one transaction: one commit instead of one per step. Each is still
   * recorded on its own, so a retry skips exactly the ones that finished.
   */
  together<T>(work: (scope: StepScope) => Promise<T>): Promise<T>
}

export type StepTiming = (step: string, seconds: number) => void

/** Each step's result schema: what an earlier attempt stored is checked against it, not cast. */
export type StepResultSchemas = Readonly<Record<string, TSchema>>

/** A stored step result that no longer matches its schema (edited by hand, written by other code). */
export class StepRecordError extends Error {
  constructor(jobId: string, step: string, problem: string) {
    super(`workflow step record ${step} of job ${jobId} is unusable: ${problem}`)
    this.name = 'StepRecordError'
  }
}

function checkedResult(jobId: string, schemas: StepResultSchemas, step: string, result: unknown): unknown {
  const schema = schemas[step]
  if (!schema) throw new StepRecordError(jobId, step, 'no such step')
  if (Value.Check(schema, result)) return result
  const [first] = Value.Errors(schema, result)
  throw new StepRecordError(jobId, step, first ? `${first.instancePath || '/'} ${first.message}` : 'invalid')
}

export function createStepRunner(
  db: Db,
  job: { id: string; retryCount: number },
  ticketId: string | null,
  results: StepResultSchemas,
  options: {
    onTiming?: StepTiming | undefined
    /** `db`'s connections already commit without waiting for the disk (a worker-only process). */
    asyncCommit?: boolean | undefined
    /** Work each transaction does last, after its steps (the workflow writes the history rows they collected). */
    beforeCommit?: ((tx: Tx) => Promise<void>) | undefined
  } = {},
): StepRunner {
  const { onTiming, asyncCommit = false, beforeCommit } = options
  const jobId = job.id
  // What earlier attempts of this job finished, read once per attempt. A first attempt has
  // nothing to find (pg-boss counts every restart, a dead worker's included, as a retry), so it
  // does not look.
  let finished: Promise<Map<string, unknown>> | undefined =
    job.retryCount === 0 ? Promise.resolve(new Map()) : undefined
  const recorded = () => {
    finished ??= db
      .select({ step: workflowSteps.step, result: workflowSteps.result })
      .from(workflowSteps)
      .where(eq(workflowSteps.jobId, jobId))
      .then((rows) => new Map(rows.map((r) => [r.step, checkedResult(jobId, results, r.step, r.result)])))
    return finished
  }

  /** `callSeconds`: time a step already spent outside the transaction (runExternal's call). */
  async function together<T>(work: (scope: StepScope) => Promise<T>, callSeconds = 0): Promise<T> {
    const done = await recorded()
    const fresh = new Map<string, unknown>()
    const result = await inTransaction(db, async (tx) => {
      fresh.clear() // inTransaction may run this again after a deadlock
      // The commit need not wait for the disk: pg-boss marks the job complete afterwards in a
      // synchronous commit, which flushes the log up to and including these steps. Were the
      // server to crash before that, the steps and their effects vanish together and the job
      // is retried — consistent.
      if (!asyncCommit) await tx.execute(sql`SET LOCAL synchronous_commit = off`)
      const scope: StepScope = {
        async run<R>(name: string, step: (tx: Tx) => Promise<R>): Promise<R> {
          if (done.has(name)) return done.get(name) as R
          const started = performance.now()
          const value = await step(tx)
          onTiming?.(name, callSeconds + (performance.now() - started) / 1000)
          fresh.set(name, value)
          return value
        },
      }
      const value = await work(scope)
      await beforeCommit?.(tx)
      if (fresh.size > 0) {
        // The primary key (job_id, step) makes a duplicate record fail and roll the steps back:
        // if two runs ever raced on one job, only one would keep its effects.
        await tx
          .insert(workflowSteps)
          .values(
            [...fresh].map(([step, stepResult]) => ({ jobId, step, ticketId, result: stepResult ?? null })),
          )
      }
      return value
    })
    for (const [name, value] of fresh) done.set(name, value)
    return result
  }

  return {
    together: (work) => together(work),
    run: (name, work) => together((scope) => scope.run(name, work)),
    async runExternal<R, T>(name: string, call: () => Promise<R>, apply: (tx: Tx, called: R) => Promise<T>) {
      const done = await recorded()
      if (done.has(name)) return done.get(name) as T
      const started = performance.now()
      const called = await call()
      const callSeconds = (performance.now() - started) / 1000
      return together((scope) => scope.run(name, (tx) => apply(tx, called)), callSeconds)
    },
  }
}

/**
 * Deletes the step records of workflows finished before `before`, a batch at a time (short
 * statements, no long lock on the table). A job's records matter only while it can still be
 * retried: minutes after its last step, at most hours with the longest job timeout. Gives the
 * number deleted.
 */
export async function pruneStepRecords(db: Db, before: Date, batchSize = 5_000): Promise<number> {
  let deleted = 0
  for (;;) {
    const batch = db
      .select({ jobId: workflowSteps.jobId, step: workflowSteps.step })
      .from(workflowSteps)
      .where(lt(workflowSteps.completedAt, before))
      .limit(batchSize)
    const rows = await db
      .delete(workflowSteps)
      .where(sql`(${workflowSteps.jobId}, ${workflowSteps.step}) IN (${batch})`)
      .returning({ jobId: workflowSteps.jobId })
    deleted += rows.length
    if (rows.length < batchSize) return deleted
  }
}
