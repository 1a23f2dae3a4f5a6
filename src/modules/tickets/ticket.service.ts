// Ticket use cases. Each change and its history events (and its job, on create) commit in one transaction.
import type { Db, DbOrTx, Tx } from '../../db/client.js'
import type { TicketRow } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError, badRequest, forbidden, notFound } from '../../errors.js'
import { isUuid } from '../../http/schemas.js'
import { type JobQueue, QUEUES } from '../../jobs/queue.js'
import type { SessionUser } from '../auth/session.repository.js'
import type { Notifier } from '../notifications/notifier.js'
import * as sla from '../sla/sla.service.js'
import { isStaff } from '../users/roles.js'
import { findUserById } from '../users/user.repository.js'
import * as attachmentRepo from './attachment.repository.js'
import { attachToComment, type IncomingFile, storeAttachments } from './attachment.service.js'
import { isParticipant, listParticipants } from './participants.js'
import * as repo from './ticket.repository.js'
import type {
  AllTicketsInput,
  CommentDto,
  CreateTicketInput,
  ThreadPageInput,
  TicketDto,
  TicketEventDto,
  TicketListInput,
  UpdateTicketInput,
} from './ticket.schemas.js'
import { canMove, describeAllowed } from './ticket.status.js'

/** Who is acting: the signed-in user's id and role. */
type Actor = Pick<SessionUser, 'id' | 'role'>

export const TICKET_NOT_FOUND = 'Ticket not found'
export const CANNOT_ACCESS = 'Forbidden - cannot access this ticket'

export async function createTicket(db: Db, queue: JobQueue, user: Actor, input: CreateTicketInput) {
  return inTransaction(db, (tx) => fileTicket(tx, queue, user, input))
}

/**
 * Files a ticket inside `tx`: the ticket, its history and its workflow commit together.
 * `details` go on the `created` event (an emailed ticket's channel, the ticket it follows up).
 */
export async function fileTicket(
  tx: Tx,
  queue: JobQueue,
  user: Actor,
  input: CreateTicketInput,
  details?: Record<string, unknown>,
) {
  // The SLA clock's due times go in with the row (computed from the transaction's timestamp).
  const clock = await sla.clockForNewTicket(tx)
  const row = await repo.insertTicket(tx, { ...input, createdBy: user.id, ...clock })
  await repo.insertEvents(tx, [
    { ticketId: row.id, actorId: user.id, type: 'created', toValue: row.status, details: details ?? null },
  ])
  // singletonKey: one live workflow per ticket.
  await queue.enqueue(tx, QUEUES.ticketWorkflow, { ticketId: row.id }, { singletonKey: row.id })
  return repo.toTicketDto(row)
}

/** History rows another module's change writes about a ticket, in the caller's transaction. */
export async function recordHistory(tx: Tx, events: repo.NewTicketEvent[]): Promise<void> {
  await repo.insertEvents(tx, events)
}

function pageWindow(query: TicketListInput) {
  const page = query.page ?? 1
  const limit = query.limit ?? 20
  return { page, limit, window: { offset: (page - 1) * limit, limit } }
}

export async function listOwnTickets(db: Db, user: Actor, query: TicketListInput) {
  const { page, limit, window } = pageWindow(query)
  const { rows, total } = await repo.listOwnTickets(db, user.id, query, window)
  return { rows: await sla.withTimeLeft(db, rows), meta: { total, page, limit } }
}

export async function listAllTickets(db: Db, query: AllTicketsInput) {
  const { page, limit, window } = pageWindow(query)
  const assignedTo = query.assigned_to === 'unassigned' ? repo.UNASSIGNED : query.assigned_to?.toLowerCase()
  const list = query.sort === 'due' ? repo.listAllTicketsByDue : repo.listAllTickets
  const { rows, total } = await list(
    db,
    { status: query.status, priority: query.priority, assignedTo },
    window,
  )
  return { rows: await sla.withTimeLeft(db, rows), meta: { total, page, limit } }
}

/**
 * The ticket if `user` may see it: its creator, a participant, or any moderator/admin.
 * Not a UUID → 404, as for a missing ticket.
 */
export async function loadVisibleTicket(
  db: DbOrTx,
  user: Actor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<TicketRow> {
  const row = isUuid(id) ? await repo.findTicket(db, id, options) : undefined
  if (!row) throw notFound(TICKET_NOT_FOUND)
  if (row.createdBy !== user.id && !isStaff(user) && !(await isParticipant(db, row.id, user.id)))
    throw forbidden(CANNOT_ACCESS)
  return row
}

export async function getTicket(db: Db, user: Actor, id: string): Promise<TicketDto> {
  const row = await loadVisibleTicket(db, user, id)
  const [dto] = await sla.withTimeLeft(db, [repo.toTicketDto(row)])
  return {
    ...(dto ?? repo.toTicketDto(row)),
    channel: await repo.findTicketChannel(db, row.id),
    participants: await listParticipants(db, row.id),
    attachments: (await attachmentRepo.listForTicket(db, row.id, { includeStaffUploads: isStaff(user) })).map(
      attachmentRepo.toAttachmentDto,
    ),
  }
}

function invalidTransition(from: TicketRow['status'], to: TicketRow['status']) {
  return new AppError(
    'INVALID_TRANSITION',
    'Invalid status transition',
    `Cannot move a ticket from ${from} to ${to}. Allowed next statuses: ${describeAllowed(from)}`,
  )
}

/** A moderator/admin edits status, notes, priority or assignee; each change becomes a history event. */
export async function updateTicket(
  db: Db,
  notifier: Notifier,
  user: Actor,
  id: string,
  input: UpdateTicketInput,
) {
  return withTimeLeft(
    db,
    await inTransaction(db, async (tx) => {
      const ticket = await loadVisibleTicket(tx, user, id, { forUpdate: true })
      const changes: Parameters<typeof repo.updateTicket>[2] = {}
      const events: repo.NewTicketEvent[] = []
      let assigneeEmail: string | null = null
      const event = (type: repo.NewTicketEvent['type'], from: string | null, to: string | null) =>
        events.push({ ticketId: ticket.id, actorId: user.id, type, fromValue: from, toValue: to })

      if (input.status !== undefined && input.status !== ticket.status) {
        if (!canMove(ticket.status, input.status)) throw invalidTransition(ticket.status, input.status)
        changes.status = input.status
        event('status_changed', ticket.status, input.status)
      }
      if (input.priority !== undefined) {
        // A person chose this priority: analysis must never overwrite it.
        changes.priorityManual = true
        if (input.priority !== ticket.priority) {
          changes.priority = input.priority
          event('priority_changed', ticket.priority, input.priority)
        }
      }
      if (input.helpful_notes !== undefined) {
        const notes = input.helpful_notes === '' ? null : input.helpful_notes
        if (notes !== ticket.helpfulNotes) {
          changes.helpfulNotes = notes
          event('notes_changed', ticket.helpfulNotes, notes)
        }
      }
      if (input.assigned_to !== undefined) {
        const assignee = input.assigned_to?.toLowerCase() ?? null
        if (assignee !== ticket.assignedTo) {
          assigneeEmail = assignee === null ? null : await assertAssignable(tx, assignee)
          changes.assignedTo = assignee
          event('assigned', ticket.assignedTo, assignee)
          // Who it went to, by email, as auto-assignment records it: history readers (moderators
          // cannot list users) see a person, not an id.
          const last = events.at(-1)
          if (last) last.details = { reason: 'manual', assignee_email: assigneeEmail }
        }
      }
      const updated =
        Object.keys(changes).length > 0 ? await repo.updateTicket(tx, ticket.id, changes) : ticket
      const row = await sla.afterTicketChange(tx, ticket, updated)
      await repo.insertEvents(tx, events)
      if (changes.status) await notifier.statusChanged(tx, row, changes.status, user.id)
      // The assignee's workload and "last assigned" are kept by the tickets trigger (migration 0007).
      if (changes.assignedTo && assigneeEmail)
        await notifier.ticketAssigned(tx, row, { id: changes.assignedTo, email: assigneeEmail })
      return repo.toTicketDto(row)
    }),
  )
}

/** The ticket with its business time left, read after the transaction (PGlite has one connection). */
async function withTimeLeft(db: Db, ticket: TicketDto): Promise<TicketDto> {
  const [shown] = await sla.withTimeLeft(db, [ticket])
  return shown ?? ticket
}

/** The assignee's email, if they are an active moderator or admin; 400 otherwise. */
async function assertAssignable(tx: Tx, userId: string): Promise<string> {
  const assignee = await findUserById(tx, userId)
  if (!assignee?.isActive || !isStaff(assignee)) {
    throw badRequest('assigned_to must be an active moderator or admin')
  }
  return assignee.email
}

export async function deleteTicket(db: Db, user: Actor, id: string): Promise<void> {
  await loadVisibleTicket(db, user, id)
  if (!(await repo.deleteTicket(db, id))) throw notFound(TICKET_NOT_FOUND)
}

/** A ticket's comments and history come in pages too: one ticket may gather thousands of them. */
function threadWindow(query: ThreadPageInput) {
  const page = query.page ?? 1
  const limit = query.limit ?? 50
  return { page, limit, window: { offset: (page - 1) * limit, limit } }
}

export async function listHistory(db: Db, user: Actor, id: string, query: ThreadPageInput = {}) {
  const ticket = await loadVisibleTicket(db, user, id)
  const { page, limit, window } = threadWindow(query)
  const staff = isStaff(user)
  const { rows, total } = await repo.listEvents(db, ticket.id, { includeInternal: staff }, window)
  return { rows: staff ? rows : rows.map(forRequester), meta: { total, page, limit } }
}

/**
 * An assignment's reasons (scores, other moderators' workloads, matched skills) are staff matters:
 * the requester sees who took the ticket and when, not why.
 */
function forRequester(event: TicketEventDto): TicketEventDto {
  if (event.type !== 'assigned' || !event.details) return event
  const { assignee_email } = event.details
  return { ...event, details: assignee_email === undefined ? null : { assignee_email } }
}

export async function listComments(db: Db, user: Actor, id: string, query: ThreadPageInput = {}) {
  const ticket = await loadVisibleTicket(db, user, id)
  const { page, limit, window } = threadWindow(query)
  const { rows, total } = await repo.listComments(db, ticket.id, { includeInternal: isStaff(user) }, window)
  return { rows: await withAttachments(db, rows), meta: { total, page, limit } }
}

/** The page's comments with their attachments: one statement for the whole page. */
async function withAttachments(db: DbOrTx, comments: CommentDto[]): Promise<CommentDto[]> {
  const files = await attachmentRepo.listForComments(
    db,
    comments.map((c) => c.id),
  )
  const byComment = new Map<string, CommentDto['attachments']>()
  for (const file of files) {
    if (!file.commentId) continue
    const list = byComment.get(file.commentId) ?? []
    list.push(attachmentRepo.toAttachmentDto(file))
    byComment.set(file.commentId, list)
  }
  return comments.map((c) => ({ ...c, attachments: byComment.get(c.id) ?? [] }))
}

export const INTERNAL_NOTES_STAFF_ONLY = 'Only moderators and admins can write internal notes'
export const COMMENT_ON_MERGED = 'Ticket was merged into another ticket'

/**
 * Adds a comment. The creator's reply to a ticket waiting for them moves it back to in_progress:
 * the ball is in the moderators' court again. An internal note (staff only) is for staff alone:
 * it moves nothing and emails nobody.
 */
export async function addComment(
  db: Db,
  notifier: Notifier,
  user: Actor,
  id: string,
  body: string,
  internal = false,
  attachmentIds: string[] = [],
): Promise<CommentDto> {
  if (internal && !isStaff(user)) throw forbidden(INTERNAL_NOTES_STAFF_ONLY)
  return inTransaction(db, async (tx) => {
    const ticket = await loadVisibleTicket(tx, user, id, { forUpdate: true })
    // Its conversation moved: a comment here would be read by nobody.
    if (ticket.mergedInto) {
      const target = await repo.findTicket(tx, ticket.mergedInto)
      throw new AppError('CONFLICT', COMMENT_ON_MERGED, `comment on #${target?.number ?? '?'} instead`)
    }
    return postComment(tx, notifier, user, ticket, body, {
      internal,
      channel: 'web',
      reopenResolved: false,
      attach: (commentId) =>
        attachToComment(tx, { ids: attachmentIds, ticketId: ticket.id, authorId: user.id, commentId }),
    })
  })
}

/**
 * A reply by email, inside the caller's transaction (the inbound message's record commits with
 * it). The caller has decided the sender belongs to the ticket. A customer's reply also reopens a
 * resolved ticket: answering "it still doesn't work" to the resolution notice means exactly that.
 */
export async function commentFromEmail(
  tx: Tx,
  notifier: Notifier,
  user: Actor,
  ticketId: string,
  body: string,
  files: IncomingFile[] = [],
): Promise<CommentDto> {
  const ticket = await repo.findTicket(tx, ticketId, { forUpdate: true })
  if (!ticket) throw notFound(TICKET_NOT_FOUND)
  return postComment(tx, notifier, user, ticket, body, {
    internal: false,
    channel: 'email',
    reopenResolved: true,
    attach: async (commentId) => {
      await storeAttachments(tx, { ticketId: ticket.id, commentId, uploadedBy: user.id }, files)
    },
  })
}

/**
 * The comment, its history, the status it resumes, and its emails. An internal note moves nothing
 * and emails nobody; a public staff reply goes to the requester and the participants.
 */
async function postComment(
  tx: Tx,
  notifier: Notifier,
  user: Actor,
  ticket: TicketRow,
  body: string,
  options: {
    internal: boolean
    channel: CommentDto['channel']
    reopenResolved: boolean
    /** Puts the comment's files on it (uploads it names, or an email's attachments). */
    attach: (commentId: string) => Promise<void>
  },
): Promise<CommentDto> {
  const { internal, channel } = options
  const comment = await repo.insertComment(tx, {
    ticketId: ticket.id,
    authorId: user.id,
    body,
    internal,
    channel,
  })
  await options.attach(comment.id)
  const events: repo.NewTicketEvent[] = [
    {
      ticketId: ticket.id,
      actorId: user.id,
      type: 'commented',
      // The history of a requester leaves out entries marked internal (repo.listEvents).
      details: internal ? { comment_id: comment.id, internal: true } : { comment_id: comment.id },
    },
  ]
  const customer = !isStaff(user)
  const resumes =
    !internal &&
    ((ticket.status === 'waiting_for_customer' &&
      (ticket.createdBy === user.id || (customer && options.reopenResolved))) ||
      (ticket.status === 'resolved' && customer && options.reopenResolved))
  if (resumes) {
    await sla.afterTicketChange(tx, ticket, await repo.updateTicket(tx, ticket.id, { status: 'in_progress' }))
    events.push({
      ticketId: ticket.id,
      actorId: user.id,
      type: 'status_changed',
      fromValue: ticket.status,
      toValue: 'in_progress',
      ...(ticket.status === 'resolved' ? { details: { reason: 'reopened_by_reply' } } : {}),
    })
  }
  await repo.insertEvents(tx, events)
  // A public reply by staff other than the requester answers the ticket (first response).
  if (isStaff(user) && !internal && user.id !== ticket.createdBy && ticket.firstRespondedAt === null) {
    const current = await repo.findTicket(tx, ticket.id)
    if (current) await sla.recordPublicStaffReply(tx, current, comment.createdAt)
  }
  const found = await repo.findComment(tx, comment.id)
  if (!found) throw new Error('comment vanished inside its transaction')
  const [created] = await withAttachments(tx, [found])
  if (!created) throw new Error('comment vanished inside its transaction')
  if (isStaff(user) && !internal) {
    await notifier.staffCommented(
      tx,
      ticket,
      user.id,
      created.author.name ?? created.author.email,
      body,
      created.attachments.map((a) => a.id),
    )
  }
  return created
}

/** The creator's last word on a resolved ticket: confirm (→ closed) or reopen (→ in_progress). */
export async function creatorDecision(
  db: Db,
  notifier: Notifier,
  user: Actor,
  id: string,
  decision: 'confirm' | 'reopen',
) {
  return withTimeLeft(
    db,
    await inTransaction(db, async (tx) => {
      const ticket = await loadVisibleTicket(tx, user, id, { forUpdate: true })
      if (ticket.createdBy !== user.id) {
        throw forbidden(
          decision === 'confirm'
            ? "Only the ticket's creator can confirm the fix"
            : "Only the ticket's creator can reopen the ticket",
        )
      }
      const to = decision === 'confirm' ? 'closed' : 'in_progress'
      if (ticket.status !== 'resolved') {
        throw new AppError(
          'INVALID_TRANSITION',
          'Invalid status transition',
          `Only a resolved ticket can be ${decision === 'confirm' ? 'confirmed' : 'reopened'}; this one is ${ticket.status}`,
        )
      }
      const row = await sla.afterTicketChange(
        tx,
        ticket,
        await repo.updateTicket(tx, ticket.id, { status: to }),
      )
      await repo.insertEvents(tx, [
        {
          ticketId: ticket.id,
          actorId: user.id,
          type: 'status_changed',
          fromValue: ticket.status,
          toValue: to,
        },
      ])
      await notifier.statusChanged(tx, row, to, user.id)
      return repo.toTicketDto(row)
    }),
  )
}

/**
 * Auto-close (AUTO_CLOSE_DAYS): tickets resolved and untouched since `before` are closed by the
 * system, in batches of `batchSize`; each batch's tickets, history events and "closed" emails
 * commit together. Batches of 1,000 keep each transaction short, and one statement closes a
 * batch, so the count triggers and live updates cost per batch (one `bulk` event), not per ticket.
 */
export async function autoCloseResolved(
  db: Db,
  notifier: Notifier,
  before: Date,
  batchSize = 1_000,
): Promise<number> {
  let closed = 0
  for (;;) {
    const count = await inTransaction(db, async (tx) => {
      const rows = await repo.closeStaleResolved(tx, before, batchSize)
      await repo.insertEvents(
        tx,
        rows.map((row) => ({
          ticketId: row.id,
          actorId: null,
          type: 'status_changed' as const,
          fromValue: 'resolved',
          toValue: 'closed',
          details: { reason: 'auto_close' },
        })),
      )
      for (const row of rows) await notifier.statusChanged(tx, row, 'closed', null)
      return rows.length
    })
    closed += count
    if (count < batchSize) return closed
  }
}

/**
 * The ticket a `[#number]` subject token names, for the email intake. It says nothing about who
 * may use it: the intake threads by it only when the sender belongs to the ticket (belongsToTicket).
 */
export async function ticketIdByNumber(db: DbOrTx, number: number): Promise<string | undefined> {
  // The column is an integer: a larger number names no ticket (and must not reach PostgreSQL).
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return undefined
  return repo.findTicketIdByNumber(db, number)
}

/** A ticket by id inside `tx`, locked: the email intake decides what a reply does to it. */
export async function lockTicket(tx: Tx, id: string): Promise<TicketRow | undefined> {
  return repo.findTicket(tx, id, { forUpdate: true })
}

/** Whether `user` belongs to the ticket: its requester, a participant, or staff. */
export async function belongsToTicket(tx: DbOrTx, ticket: TicketRow, user: Actor): Promise<boolean> {
  return ticket.createdBy === user.id || isStaff(user) || isParticipant(tx, ticket.id, user.id)
}
