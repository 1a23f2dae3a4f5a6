// The ticket workflow as the server enforces it (the same NEXT_STATUSES, from src/shared): the UI
// offers only the moves the server accepts, so a moderator never meets a 409 by choice.

import { NEXT_STATUSES } from '../../../src/shared/vocabulary'
import type { Priority, ProcessingStatus, Role, TicketStatus } from '../api/types'

export { NEXT_STATUSES }

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
