// Memoised steps (after Documenso's io.runTask): a step's result is stored in the same
// transaction as the step's effects, so when a job is retried every finished step returns its
// stored result instead of running again — no second AI call, no second email.
import { eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.js'
import { workflowSteps } from '../db/schema.js'
import { inTransaction } from '../db/transaction.js'

export interface StepRunner {
  /** Runs `work` in a transaction and records its result there; a recorded step returns its result. */
  run<T>(name: string, work: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * For a step that calls out (an AI API): `call` runs outside any transaction (no locks held
   * while waiting on the network), then `apply` writes its effects and the result atomically.
   */
  runExternal<R, T>(
    name: string,
    call: () => Promise<R>,
    apply: (tx: Tx, called: R) => Promise<T>,
  ): Promise<T>
}

export type StepTiming = (step: string, seconds: number) => void

export function createStepRunner(
  db: Db,
  jobId: string,
  ticketId: string | null,
  onTiming?: StepTiming,
): StepRunner {
  // What earlier attempts of this job finished, read once per attempt: a first attempt finds
  // nothing, a retry finds the steps to skip.
  let finished: Promise<Map<string, unknown>> | undefined
  const recorded = () => {
    finished ??= db
      .select({ step: workflowSteps.step, result: workflowSteps.result })
      .from(workflowSteps)
      .where(eq(workflowSteps.jobId, jobId))
      .then((rows) => new Map(rows.map((r) => [r.step, r.result])))
    return finished
  }

  // One transaction per step: the effects and the record of them commit together. The commit
  // need not wait for the disk: pg-boss marks the job complete afterwards in a synchronous commit,
  // which flushes the log up to and including these steps. Were the server to crash before
  // that, the steps and their effects vanish together and the job is retried — consistent.
  const inStep = <T>(name: string, work: (tx: Tx) => Promise<T>) =>
    inTransaction(db, async (tx) => {
      await tx.execute(sql`SET LOCAL synchronous_commit = off`)
      const result = await work(tx)
      // The primary key (job_id, step) makes a duplicate record fail and roll the step back:
      // if two runs ever raced on one job, only one would keep its effects.
      await tx.insert(workflowSteps).values({ jobId, step: name, ticketId, result: result ?? null })
      return result
    })

  async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      return await work()
    } finally {
      onTiming?.(name, (performance.now() - started) / 1000)
    }
  }

  return {
    async run<T>(name: string, work: (tx: Tx) => Promise<T>): Promise<T> {
      const done = await recorded()
      if (done.has(name)) return done.get(name) as T
      return timed(name, () => inStep(name, work))
    },
    async runExternal<R, T>(name: string, call: () => Promise<R>, apply: (tx: Tx, called: R) => Promise<T>) {
      const done = await recorded()
      if (done.has(name)) return done.get(name) as T
      return timed(name, async () => {
        const called = await call()
        return inStep(name, (tx) => apply(tx, called))
      })
    },
  }
}
