// The status workflow (the rules themselves live in src/shared/vocabulary.ts, shared with the UI).
import { NEXT_STATUSES, type TicketStatus } from '../../shared/vocabulary.js'

export const canMove = (from: TicketStatus, to: TicketStatus) => NEXT_STATUSES[from].includes(to)

export function describeAllowed(from: TicketStatus): string {
  const next = NEXT_STATUSES[from]
  return next.length > 0 ? next.join(', ') : `none (${from} is final)`
}
