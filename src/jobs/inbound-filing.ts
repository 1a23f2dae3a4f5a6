// Files a message the SMTP listener or the mailbox accepted (stored `pending` with this job, in
// one transaction, before the 250 or the \Seen). Idempotent: a message no longer pending (an
// earlier attempt committed, or a reply filed it ahead of itself) is left alone. A failure is
// retried; the last attempt records the message `rejected` with why, so it is never lost silently.
import type { IntakeDeps } from '../modules/inbound/intake.js'
import { fileAccepted, rejectAccepted } from '../modules/inbound/intake.js'
import { defineJob, isLastAttempt } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'

export const inboundFiling = defineJob({
  queue: QUEUES.inboundFiling,
  payload: JOB_PAYLOADS[QUEUES.inboundFiling],
  async handle(deps: IntakeDeps, job) {
    try {
      const result = await fileAccepted(deps, job.payload.inboundId)
      return { outcome: result?.outcome ?? 'no longer pending' }
    } catch (error) {
      if (!isLastAttempt(job)) throw error
      const result = await rejectAccepted(deps, job.payload.inboundId, error)
      return { outcome: result?.outcome ?? 'no longer pending' }
    }
  },
})
