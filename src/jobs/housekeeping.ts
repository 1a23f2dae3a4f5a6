// Housekeeping, hourly (a pg-boss schedule: one run per tick however many processes run): the
// tables that would otherwise only grow lose the rows nothing can use any more (step records,
// dead sessions, password reset tokens a day after they expired or were used), and resolved
// tickets nobody touched for AUTO_CLOSE_DAYS are closed; attachment bytes no attachment uses go;
// the report counters of days past are folded into one row per day and key.
import type { Db } from '../db/client.js'
import { deleteStaleResetTokens } from '../modules/auth/password-reset.repository.js'
import { deleteDeadSessions } from '../modules/auth/session.repository.js'
import type { Notifier } from '../modules/notifications/notifier.js'
import { foldReportSlots } from '../modules/reports/report.repository.js'
import { pruneOrphanBlobs } from '../modules/tickets/attachment.service.js'
import { autoCloseResolved } from '../modules/tickets/ticket.service.js'
import { defineJob } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'
import { pruneStepRecords } from './steps.js'

export interface HousekeepingDeps {
  db: Db
  /** Step records older than this many days go (WORKFLOW_STEPS_RETENTION_DAYS). */
  stepRetentionDays: number
  /** Resolved tickets untouched this many days are closed (AUTO_CLOSE_DAYS); 0: never. */
  autoCloseDays: number
  notifier: Notifier
}

export const housekeeping = defineJob({
  queue: QUEUES.housekeeping,
  payload: JOB_PAYLOADS[QUEUES.housekeeping],
  async handle({ db, stepRetentionDays, autoCloseDays, notifier }: HousekeepingDeps) {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000)
    return {
      stepRecordsDeleted: await pruneStepRecords(db, daysAgo(stepRetentionDays)),
      sessionsDeleted: await deleteDeadSessions(db),
      resetTokensDeleted: await deleteStaleResetTokens(db),
      ticketsAutoClosed:
        autoCloseDays > 0 ? await autoCloseResolved(db, notifier, daysAgo(autoCloseDays)) : 0,
      attachmentBlobsDeleted: await pruneOrphanBlobs(db),
      reportRowsFolded: await foldReportSlots(db),
    }
  },
})
