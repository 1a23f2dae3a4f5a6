// A ticket whose assignee stopped being staff goes back through automatic assignment: the same
// choice as the workflow's assign-moderator step (skills, workload), its history row (actor:
// system) and the new assignee's email, in one transaction. Enqueued by the demotion itself
// (users service), in the demotion's transaction.
import type { Db } from '../db/client.js'
import { inTransaction } from '../db/transaction.js'
import { autoAssign } from '../modules/assignment/assignment.service.js'
import type { Notifier } from '../modules/notifications/notifier.js'
import { defineJob } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'

export interface ReassignmentDeps {
  db: Db
  notifier: Notifier
}

export const ticketReassignment = defineJob({
  queue: QUEUES.ticketReassignment,
  payload: JOB_PAYLOADS[QUEUES.ticketReassignment],
  async handle({ db, notifier }: ReassignmentDeps, job) {
    return inTransaction(db, async (tx) => {
      const { result, ticket } = await autoAssign(tx, job.payload.ticketId)
      if (result.assignedTo && ticket)
        await notifier.ticketAssigned(tx, ticket, { id: result.assignedTo, email: result.email })
      return result
    })
  },
})
