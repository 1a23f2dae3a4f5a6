// The status workflow of tickets-module.md ("Status Workflow"):
//
//   todo → in_progress → waiting_for_customer ↔ in_progress → resolved → closed
//     ↓                                                          ↑
//   cancelled ←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←↩
//
// The diagram's cancel line runs under every state from todo to resolved, so each of those
// may be cancelled; closed and cancelled are final. "Resolved → in_progress" is not in the
// diagram: only the creator's reopen (api-contract.md) makes that move.
import type { TicketStatus } from '../../db/schema.js'

export const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  todo: ['in_progress', 'cancelled'],
  in_progress: ['waiting_for_customer', 'resolved', 'cancelled'],
  waiting_for_customer: ['in_progress', 'cancelled'],
  resolved: ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
}

export const canMove = (from: TicketStatus, to: TicketStatus) => NEXT_STATUSES[from].includes(to)

export function describeAllowed(from: TicketStatus): string {
  const next = NEXT_STATUSES[from]
  return next.length > 0 ? next.join(', ') : `none (${from} is final)`
}
