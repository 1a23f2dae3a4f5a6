// Memoised steps (after Documenso's io.runTask): a step's result is stored in the same
// transaction as the step's effects, so when a job is retried every finished step returns its
// stored result instead of running again — no second AI call, no second email.
import { and, eq } from 'drizzle-orm'
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
  async function recorded<T>(name: string): Promise<{ found: boolean; result?: T }> {
    const [row] = await db
      .select({ result: workflowSteps.result })
      .from(workflowSteps)
      .where(and(eq(workflowSteps.jobId, jobId), eq(workflowSteps.step, name)))
    return row ? { found: true, result: row.result as T } : { found: false }
  }

  async function commit<T>(name: string, tx: Tx, result: T): Promise<void> {
    // The primary key (job_id, step) makes a duplicate commit fail and roll the step back:
    // if two runs ever raced on one job, only one would keep its effects.
    await tx.insert(workflowSteps).values({ jobId, step: name, ticketId, result: result ?? null })
  }

  async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      return await work()
    } finally {
      onTiming?.(name, (performance.now() - started) / 1000)
    }
  }

  return {
    async run(name, work) {
      const done = await recorded<Awaited<ReturnType<typeof work>>>(name)
      if (done.found) return done.result as Awaited<ReturnType<typeof work>>
      return timed(name, () =>
        inTransaction(db, async (tx) => {
          const result = await work(tx)
          await commit(name, tx, result)
          return result
        }),
      )
    },
    async runExternal(name, call, apply) {
      const done = await recorded<Awaited<ReturnType<typeof apply>>>(name)
      if (done.found) return done.result as Awaited<ReturnType<typeof apply>>
      return timed(name, async () => {
        const called = await call()
        return inTransaction(db, async (tx) => {
          const result = await apply(tx, called)
          await commit(name, tx, result)
          return result
        })
      })
    },
  }
}
