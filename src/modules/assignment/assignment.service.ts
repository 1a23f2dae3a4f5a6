// Auto-assignment: the workflow's assign-moderator step.
import type { Tx } from '../../db/client.js'
import type { TicketRow } from '../../db/schema.js'
import { findTicket, insertEvents, updateTicket } from '../tickets/ticket.repository.js'
import { chooseAssignee } from './assignment.repository.js'

export type AssignmentResult =
  | { assignedTo: string; email: string; reason: 'skills' | 'workload' }
  | {
      assignedTo: null
      reason: 'ticket deleted' | 'already assigned' | 'ticket closed' | 'no active moderator'
    }

const OPEN = new Set(['todo', 'in_progress', 'waiting_for_customer'])

/**
 * Assigns the ticket to the best-suited active moderator, unless a person assigned it meanwhile.
 * Concurrent assignments run in parallel: chooseAssignee locks only the moderator it picks.
 * `locked`: the ticket as the caller already holds it, locked, in `tx` (spares reading it again).
 * Gives the ticket as it now stands, too.
 */
export async function autoAssign(
  tx: Tx,
  ticketId: string,
  locked?: TicketRow,
): Promise<{ result: AssignmentResult; ticket: TicketRow | undefined }> {
  const ticket = locked ?? (await findTicket(tx, ticketId, { forUpdate: true }))
  const unassigned = (reason: Exclude<AssignmentResult['reason'], 'skills' | 'workload'>) => ({
    result: { assignedTo: null, reason } as const,
    ticket,
  })
  if (!ticket) return unassigned('ticket deleted')
  if (ticket.assignedTo) return unassigned('already assigned')
  if (!OPEN.has(ticket.status)) return unassigned('ticket closed')

  const candidate = await chooseAssignee(tx, ticket.relatedSkills ?? [])
  if (!candidate) return unassigned('no active moderator')

  // Their workload and "last assigned" follow from this update (the tickets trigger, at commit).
  const assigned = await updateTicket(tx, ticket.id, { assignedTo: candidate.userId })
  const reason = candidate.matchedSkills.length > 0 ? 'skills' : 'workload'
  await insertEvents(tx, [
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
      },
    },
  ])
  return { result: { assignedTo: candidate.userId, email: candidate.email, reason }, ticket: assigned }
}
