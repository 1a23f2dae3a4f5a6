// Delivers one recorded email over SMTP. Retries with backoff; after the last attempt the email
// is marked failed with its error (the change that caused it stays done).
import type { Db } from '../db/client.js'
import {
  findEmail,
  markEmailAttemptFailed,
  markEmailSent,
} from '../modules/notifications/email.repository.js'
import type { Mailer } from '../modules/notifications/mailer.js'
import { attachmentFiles } from '../modules/tickets/attachment.service.js'
import { defineJob, isLastAttempt } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'

export interface EmailDeps {
  db: Db
  mailer: Mailer | undefined
}

export const emailDelivery = defineJob({
  queue: QUEUES.emailDelivery,
  payload: JOB_PAYLOADS[QUEUES.emailDelivery],
  async handle({ db, mailer }: EmailDeps, job) {
    const email = await findEmail(db, job.payload.emailId)
    if (email?.status !== 'pending') return { outcome: 'nothing to send' }
    if (!mailer) throw new Error('SMTP is not configured in this worker (set SMTP_URL)')
    try {
      // Read at sending time: a file whose ticket was deleted since is simply not sent.
      await mailer.send(email, await attachmentFiles(db, email.attachmentIds ?? []))
    } catch (error) {
      const final = isLastAttempt(job)
      await markEmailAttemptFailed(
        db,
        email.id,
        error instanceof Error ? error.message : String(error),
        final,
      )
      if (!final) throw error
      return { outcome: 'failed' }
    }
    await markEmailSent(db, email.id)
    return { outcome: 'sent' }
  },
})
