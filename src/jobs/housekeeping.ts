// Housekeeping, hourly (a pg-boss schedule: one run per tick however many processes run): the
// tables that would otherwise only grow lose the rows nothing can use any more (step records,
// dead sessions, password reset tokens a day after they expired or were used).
import type { Db } from '../db/client.js'
import { deleteStaleResetTokens } from '../modules/auth/password-reset.repository.js'
import { deleteDeadSessions } from '../modules/auth/session.repository.js'
import { defineJob } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'
import { pruneStepRecords } from './steps.js'

export interface HousekeepingDeps {
  db: Db
  /** Step records older than this many days go (WORKFLOW_STEPS_RETENTION_DAYS). */
  stepRetentionDays: number
}

export const housekeeping = defineJob({
  queue: QUEUES.housekeeping,
  payload: JOB_PAYLOADS[QUEUES.housekeeping],
  async handle({ db, stepRetentionDays }: HousekeepingDeps) {
    const before = new Date(Date.now() - stepRetentionDays * 86_400_000)
    return {
      stepRecordsDeleted: await pruneStepRecords(db, before),
      sessionsDeleted: await deleteDeadSessions(db),
      resetTokensDeleted: await deleteStaleResetTokens(db),
    }
  },
})
