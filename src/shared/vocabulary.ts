// The words the server and the browser share: roles, statuses, priorities and the status
// workflow. No imports, so the web UI (web/) can use this file as it is: one definition for both.

export const USER_ROLES = ['user', 'moderator', 'admin'] as const
export type UserRole = (typeof USER_ROLES)[number]

export const TICKET_STATUSES = [
  'todo',
  'in_progress',
  'waiting_for_customer',
  'resolved',
  'closed',
  'cancelled',
] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]

export const TICKET_PRIORITIES = ['low', 'medium', 'high'] as const
export type TicketPriority = (typeof TICKET_PRIORITIES)[number]

export const SATISFACTION_RATINGS = ['good', 'bad'] as const
export type SatisfactionRating = (typeof SATISFACTION_RATINGS)[number]

export const PROCESSING_STATUSES = ['queued', 'running', 'done', 'failed'] as const
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number]

// The status workflow of tickets-module.md ("Status Workflow"):
//
//   todo → in_progress → waiting_for_customer ↔ in_progress → resolved → closed
//     ↓                                                          ↑
//   cancelled ←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←←↩
//
// The diagram's cancel line runs under every state from todo to resolved, so each of those
// may be cancelled; closed and cancelled are final. "Resolved → in_progress" is not in the
// diagram: only the creator's reopen (api-contract.md) makes that move.
export const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  todo: ['in_progress', 'cancelled'],
  in_progress: ['waiting_for_customer', 'resolved', 'cancelled'],
  waiting_for_customer: ['in_progress', 'cancelled'],
  resolved: ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
}
