// Who gets which email. Each method records the email in the caller's transaction (the outbox),
// so an email exists exactly when the change that causes it commits; a job then delivers it.
// Every email gets its Message-ID here, and the References of its ticket's thread, so mail
// clients thread them and replies find their ticket (src/modules/inbound).
import { randomUUID } from 'node:crypto'
import type { DbOrTx } from '../../db/client.js'
import type { TicketRow, TicketStatus, UserRow } from '../../db/schema.js'
import { type JobQueue, QUEUES } from '../../jobs/queue.js'
import { inboundThreadIds } from '../inbound/thread.js'
import { openSurvey, surveyLink } from '../satisfaction/satisfaction.service.js'
import { listParticipants } from '../tickets/participants.js'
import { hasNoPassword } from '../users/no-password.js'
import { findUserById } from '../users/user.repository.js'
import { insertEmail } from './email.repository.js'
import {
  acknowledgementEmail,
  assignedEmail,
  closedSurveyEmail,
  commentEmail,
  type EmailContent,
  mergedEmail,
  passwordResetEmail,
  STATUSES_THAT_EMAIL,
  slaEmail,
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
  /**
   * Status became waiting_for_customer or resolved: tell the creator (unless they made the
   * change). Closed: the creator gets the closing notice with the satisfaction survey, once,
   * whoever closed it (they too are asked how it went when they confirmed the fix).
   */
  statusChanged(tx: DbOrTx, ticket: TicketRow, status: TicketStatus, actorId: string | null): Promise<void>
  /**
   * A ticket filed by email: tell its requester (at the address they wrote from, the sender
   * already loaded by the intake) it arrived, and how to choose a password if they have none.
   */
  ticketAcknowledged(
    tx: DbOrTx,
    ticket: Pick<TicketRow, 'id' | 'number' | 'title'>,
    requester: Pick<UserRow, 'email' | 'passwordHash'>,
  ): Promise<void>
  /** An SLA warning or breach: to each of `recipients` (the assignee; at a breach also admins). */
  slaEscalated(
    tx: DbOrTx,
    ticket: TicketRow,
    event: 'warning' | 'breached',
    target: 'first_response' | 'resolution',
    dueAt: Date,
    recipients: string[],
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
      if (status === 'closed') {
        const token = await openSurvey(tx, ticket.id)
        if (token) {
          const links = { good: surveyLink(appUrl, token, 'good'), bad: surveyLink(appUrl, token, 'bad') }
          await record(tx, ticket.createdBy, closedSurveyEmail(appUrl, ticket, links), ticket.id)
          return
        }
      }
      if (!STATUSES_THAT_EMAIL.includes(status) || actorId === ticket.createdBy) return
      await record(tx, ticket.createdBy, statusEmail(appUrl, ticket, status), ticket.id)
    },
    async ticketAcknowledged(tx, ticket, requester) {
      const content = acknowledgementEmail(appUrl, ticket, {
        email: requester.email,
        needsPassword: hasNoPassword(requester),
      })
      await recordTo(tx, requester.email, content, ticket.id)
    },
    async slaEscalated(tx, ticket, event, target, dueAt, recipients) {
      const content = slaEmail(appUrl, ticket, event, target, dueAt)
      for (const to of new Set(recipients)) await recordTo(tx, to, content, ticket.id)
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
