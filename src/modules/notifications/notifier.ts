// Who gets which email. Each method records the email in the caller's transaction (the outbox),
// so an email exists exactly when the change that causes it commits; a job then delivers it.
// Every email gets its Message-ID here, and the References of its ticket's thread, so mail
// clients thread them and replies find their ticket (src/modules/inbound).
import { randomUUID } from 'node:crypto'
import type { DbOrTx } from '../../db/client.js'
import type { TicketRow, TicketStatus } from '../../db/schema.js'
import { type JobQueue, QUEUES } from '../../jobs/queue.js'
import { inboundThreadIds } from '../inbound/thread.js'
import { listParticipants } from '../tickets/participants.js'
import { findUserById } from '../users/user.repository.js'
import { insertEmail } from './email.repository.js'
import {
  acknowledgementEmail,
  assignedEmail,
  commentEmail,
  type EmailContent,
  mergedEmail,
  passwordResetEmail,
  STATUSES_THAT_EMAIL,
  statusEmail,
} from './email.templates.js'
import { emailMessageId, ticketRootMessageId } from './message-ids.js'

export interface Notifier {
  /** Tells the assignee, at the address the assignment just read; returns the email's id. */
  ticketAssigned(tx: DbOrTx, ticket: TicketRow, assignee: { id: string; email: string }): Promise<string>
  /** A moderator/admin commented: tell the creator and participants (never the commenter). */
  staffCommented(
    tx: DbOrTx,
    ticket: TicketRow,
    authorId: string,
    authorName: string,
    body: string,
    /** The comment's files: they go with the email. */
    attachmentIds?: string[],
  ): Promise<void>
  /** Status became waiting_for_customer, resolved or closed: tell the creator (unless they made the change). */
  statusChanged(tx: DbOrTx, ticket: TicketRow, status: TicketStatus, actorId: string | null): Promise<void>
  /** A ticket filed by email: tell its requester it arrived (an automatic notice). */
  ticketAcknowledged(
    tx: DbOrTx,
    ticket: Pick<TicketRow, 'id' | 'number' | 'title' | 'createdBy'>,
  ): Promise<void>
  /**
   * A duplicate was merged into `target`: tell its requester (unless they merged it themselves)
   * where it went. The email belongs to the target's thread, so a reply lands there.
   */
  ticketMerged(
    tx: DbOrTx,
    source: Pick<TicketRow, 'id' | 'number' | 'title' | 'createdBy'>,
    target: Pick<TicketRow, 'id' | 'number' | 'title'>,
    actorId: string,
  ): Promise<void>
  /** A password reset link, to the address it was asked for. */
  passwordReset(tx: DbOrTx, to: string, link: string, validMinutes: number): Promise<void>
}

export function createNotifier(options: {
  queue: JobQueue
  appUrl: string
  smtpEnabled: boolean
  /** The domain of our Message-IDs (see message-ids.ts); a neutral one when omitted. */
  messageDomain?: string
}): Notifier {
  const { queue, appUrl, smtpEnabled } = options
  const domain = options.messageDomain ?? 'smart-ticket-system.invalid'

  async function recordTo(
    tx: DbOrTx,
    to: string,
    content: EmailContent,
    ticketId: string | null,
    autoSubmitted = true,
    attachmentIds: string[] = [],
  ) {
    const id = randomUUID()
    // An email about no ticket (a password reset) starts no thread.
    const references =
      ticketId === null
        ? []
        : [ticketRootMessageId(ticketId, domain), ...(await inboundThreadIds(tx, ticketId))]
    // Without SMTP the email is kept as `skipped`: listed for admins, never retried.
    const email = await insertEmail(tx, {
      id,
      to,
      ...content,
      ticketId,
      messageId: emailMessageId(id, domain),
      references,
      autoSubmitted,
      ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
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
    async staffCommented(tx, ticket, authorId, authorName, body, attachmentIds = []) {
      const content = commentEmail(appUrl, ticket, authorName, body)
      const requester = ticket.createdBy === authorId ? undefined : await findUserById(tx, ticket.createdBy)
      const others = (await listParticipants(tx, ticket.id)).filter((p) => p.id !== authorId)
      const addresses = new Set([...(requester ? [requester.email] : []), ...others.map((p) => p.email)])
      // A person's reply, not an automatic notice: no Auto-Submitted (RFC 3834 §5).
      for (const to of addresses) await recordTo(tx, to, content, ticket.id, false, attachmentIds)
    },
    async statusChanged(tx, ticket, status, actorId) {
      if (!STATUSES_THAT_EMAIL.includes(status) || actorId === ticket.createdBy) return
      await record(tx, ticket.createdBy, statusEmail(appUrl, ticket, status), ticket.id)
    },
    async ticketAcknowledged(tx, ticket) {
      await record(tx, ticket.createdBy, acknowledgementEmail(appUrl, ticket), ticket.id)
    },
    async ticketMerged(tx, source, target, actorId) {
      if (actorId === source.createdBy) return
      await record(tx, source.createdBy, mergedEmail(appUrl, source, target), target.id)
    },
    async passwordReset(tx, to, link, validMinutes) {
      await recordTo(tx, to, passwordResetEmail(link, validMinutes), null)
    },
  }
}
