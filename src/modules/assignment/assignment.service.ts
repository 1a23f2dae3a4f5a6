// Auto-assignment: the workflow's assign-moderator step.
import type { Tx } from '../../db/client.js'
import type { TicketRow } from '../../db/schema.js'
import { findTicket, insertEvents, type RecordHistory, recordNow } from '../tickets/ticket.repository.js'
import {
  assignTicket,
  chooseAssignee,
  type ResolverHint,
  releaseOpenTickets,
} from './assignment.repository.js'

export type AssignmentResult =
  | { assignedTo: string; email: string; reason: 'skills' | 'workload' }
  | {
      assignedTo: null
      reason: 'ticket deleted' | 'already assigned' | 'ticket closed' | 'no active moderator'
    }

const OPEN = new Set(['todo', 'in_progress', 'waiting_for_customer'])

/** Choices made on counts that moved before the assignment, at most; then the last one stands. */
const RECHOICES = 5

/**
 * Assigns the ticket to the best-suited active moderator, unless a person assigned it meanwhile.
 * Concurrent assignments run in parallel: chooseAssignee locks only the moderator it picks.
 * `locked`: the ticket as the caller already holds it, locked, in `tx` (spares reading it again).
 * `record`: where the history row goes (written at once unless the caller collects them).
 * Gives the ticket as it now stands, too.
 */
export async function autoAssign(
  tx: Tx,
  ticketId: string,
  options: {
    locked?: TicketRow | undefined
    record?: RecordHistory
    resolver?: ResolverHint | undefined
  } = {},
): Promise<{ result: AssignmentResult; ticket: TicketRow | undefined }> {
  const { record = recordNow(tx) } = options
  const ticket = options.locked ?? (await findTicket(tx, ticketId, { forUpdate: true }))
  const unassigned = (reason: Exclude<AssignmentResult['reason'], 'skills' | 'workload'>) => ({
    result: { assignedTo: null, reason } as const,
    ticket,
  })
  if (!ticket) return unassigned('ticket deleted')
  if (ticket.assignedTo) return unassigned('already assigned')
  if (!OPEN.has(ticket.status)) return unassigned('ticket closed')

  for (let choice = 1; ; choice++) {
    const candidate = await chooseAssignee(tx, ticket.relatedSkills ?? [], options.resolver)
    if (!candidate) return unassigned('no active moderator')
    // Their workload and "last assigned" follow from this update (the tickets trigger, at commit).
    const last = choice >= RECHOICES
    const assigned = await assignTicket(tx, ticket.id, candidate, { evenIfCountsMoved: last })
    if (!assigned) {
      // Only moved counts refuse an assignment: the ticket itself is locked by this transaction.
      if (last) throw new Error(`ticket ${ticket.id} vanished inside its transaction`)
      continue
    }
    const reason = candidate.matchedSkills.length > 0 ? 'skills' : 'workload'
    await record([
      {
        ticketId: ticket.id,
        actorId: null,
        type: 'assigned',
        fromValue: null,
        toValue: candidate.userId,
        details: {
          reason,
          assignee_email: candidate.email,
          score: Math.round(candidate.score * 1000) / 1000,
          relevance: Math.round(candidate.relevance * 1000) / 1000,
          open_tickets: candidate.openTickets,
          matched_skills: candidate.matchedSkills,
          // Score breakdown: relevance − workload + resolver bonus (RESOLVER_BONUS × similarity,
          // for whoever resolved the closest similar ticket; 0 for anyone else).
          ...(options.resolver
            ? {
                resolver_bonus: Math.round(candidate.resolverBonus * 1000) / 1000,
                similar_ticket: {
                  number: options.resolver.ticketNumber,
                  similarity: options.resolver.similarity,
                },
              }
            : {}),
        },
      },
    ])
    return { result: { assignedTo: candidate.userId, email: candidate.email, reason }, ticket: assigned }
  }
}

/**
 * A moderator who stops being staff (demoted to user, or deactivated) hands back their open
 * tickets: each is unassigned, with a history row naming `actorId` (the admin) and why, and
 * `reassign` sends it back through automatic assignment (a job enqueued in `tx`, so it happens
 * exactly when the demotion commits). Gives the released tickets' ids.
 */
export async function releaseTicketsOf(
  tx: Tx,
  userId: string,
  actorId: string | null,
  reason: 'assignee demoted' | 'assignee deactivated',
  reassign: (ticketId: string) => Promise<void>,
): Promise<string[]> {
  const ids = await releaseOpenTickets(tx, userId)
  await insertEvents(
    tx,
    ids.map((ticketId) => ({
      ticketId,
      actorId,
      type: 'assigned' as const,
      fromValue: userId,
      toValue: null,
      details: { reason },
    })),
  )
  for (const id of ids) await reassign(id)
  return ids
}
