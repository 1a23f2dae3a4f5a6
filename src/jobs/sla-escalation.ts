// SLA escalation, every minute (a pg-boss schedule: one run per tick however many processes run;
// the run itself is safe to overlap too, see src/modules/sla/escalation.ts).
import type { Db } from '../db/client.js'
import type { Notifier } from '../modules/notifications/notifier.js'
import { runEscalation } from '../modules/sla/escalation.js'
import { defineJob } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'

export interface SlaEscalationDeps {
  db: Db
  notifier: Notifier
}

export const slaEscalation = defineJob({
  queue: QUEUES.slaEscalation,
  payload: JOB_PAYLOADS[QUEUES.slaEscalation],
  handle: ({ db, notifier }: SlaEscalationDeps) => runEscalation(db, notifier),
})
