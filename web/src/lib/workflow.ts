// The ticket workflow as the server enforces it. Mirror of src/modules/tickets/ticket.status.ts:
// the UI offers only the moves the server accepts, so a moderator never meets a 409 by choice.
import type { Priority, ProcessingStatus, Role, TicketStatus } from '../api/types'

export const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  todo: ['in_progress', 'cancelled'],
  in_progress: ['waiting_for_customer', 'resolved', 'cancelled'],
  waiting_for_customer: ['in_progress', 'cancelled'],
  resolved: ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
}

export const STATUS_LABEL: Record<TicketStatus, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  waiting_for_customer: 'Waiting for customer',
  resolved: 'Resolved',
  closed: 'Closed',
  cancelled: 'Cancelled',
}

/** What the button that makes the move says. */
export const MOVE_LABEL: Record<TicketStatus, string> = {
  todo: 'Back to to do',
  in_progress: 'Start work',
  waiting_for_customer: 'Ask the customer',
  resolved: 'Mark resolved',
  closed: 'Close',
  cancelled: 'Cancel ticket',
}

export const PRIORITY_LABEL: Record<Priority, string> = { low: 'Low', medium: 'Medium', high: 'High' }

export const PROCESSING_LABEL: Record<ProcessingStatus, string> = {
  queued: 'Waiting for analysis',
  running: 'Analysing…',
  done: 'Analysed',
  failed: 'Analysis failed',
}

export const ROLE_LABEL: Record<Role, string> = { user: 'User', moderator: 'Moderator', admin: 'Admin' }

export const isStaff = (role: Role | undefined) => role === 'moderator' || role === 'admin'

export const isFinal = (status: TicketStatus) => NEXT_STATUSES[status].length === 0

export const isProcessing = (status: ProcessingStatus) => status === 'queued' || status === 'running'
