// Who gets which email. Each method records the email in the caller's transaction (the outbox),
// so an email exists exactly when the change that causes it commits; a job then delivers it.
import type { DbOrTx } from '../../db/client.js'
import type { TicketRow, TicketStatus } from '../../db/schema.js'
import { type JobQueue, QUEUES } from '../../jobs/queue.js'
import { findUserById } from '../users/user.repository.js'
import { insertEmail } from './email.repository.js'
import {
  assignedEmail,
  commentEmail,
  type EmailContent,
  passwordResetEmail,
  STATUSES_THAT_EMAIL,
  statusEmail,
} from './email.templates.js'

export interface Notifier {
  /** Tells the assignee, at the address the assignment just read; returns the email's id. */
  ticketAssigned(tx: DbOrTx, ticket: TicketRow, assignee: { id: string; email: string }): Promise<string>
  /** A moderator/admin commented: tell the creator (unless the commenter is the creator). */
  staffCommented(
    tx: DbOrTx,
    ticket: TicketRow,
    authorId: string,
    authorName: string,
    body: string,
  ): Promise<void>
  /** Status became waiting_for_customer, resolved or closed: tell the creator (unless they made the change). */
  statusChanged(tx: DbOrTx, ticket: TicketRow, status: TicketStatus, actorId: string | null): Promise<void>
  /** A password reset link, to the address it was asked for. */
  passwordReset(tx: DbOrTx, to: string, link: string, validMinutes: number): Promise<void>
}

export function createNotifier(options: { queue: JobQueue; appUrl: string; smtpEnabled: boolean }): Notifier {
  const { queue, appUrl, smtpEnabled } = options

  async function recordTo(tx: DbOrTx, to: string, content: EmailContent, ticketId: string | null) {
    // Without SMTP the email is kept as `skipped`: listed for admins, never retried.
    const email = await insertEmail(tx, {
      to,
      ...content,
      ticketId,
      status: smtpEnabled ? 'pending' : 'skipped',
    })
    if (smtpEnabled)
      await queue.enqueue(tx, QUEUES.emailDelivery, { emailId: email.id }, { singletonKey: email.id })
    return email.id
  }

  async function record(tx: DbOrTx, userId: string, content: EmailContent, ticketId: string) {
    const recipient = await findUserById(tx, userId)
    if (recipient) await recordTo(tx, recipient.email, content, ticketId)
  }

  return {
    ticketAssigned: (tx, ticket, assignee) =>
      recordTo(tx, assignee.email, assignedEmail(appUrl, ticket), ticket.id),
    async staffCommented(tx, ticket, authorId, authorName, body) {
      if (authorId === ticket.createdBy) return
      await record(tx, ticket.createdBy, commentEmail(appUrl, ticket, authorName, body), ticket.id)
    },
    async statusChanged(tx, ticket, status, actorId) {
      if (!STATUSES_THAT_EMAIL.includes(status) || actorId === ticket.createdBy) return
      await record(tx, ticket.createdBy, statusEmail(appUrl, ticket, status), ticket.id)
    },
    async passwordReset(tx, to, link, validMinutes) {
      await recordTo(tx, to, passwordResetEmail(link, validMinutes), null)
    },
  }
}
