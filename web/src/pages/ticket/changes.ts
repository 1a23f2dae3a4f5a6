import type { Ticket } from '../../api/types'
import { PRIORITY_LABEL, STATUS_LABEL } from '../../lib/workflow'

/**
 * What changed between two versions of a ticket, in one sentence for the live-update toast
 * (and screen readers): "Analysis finished. Assigned to maria@example.com."
 */
export function describeChange(
  before: Ticket,
  after: Ticket,
  nameOf: (id: string) => string,
): string | undefined {
  const parts: string[] = []
  if (before.processing_status !== after.processing_status && after.processing_status === 'done')
    parts.push('Analysis finished.')
  if (before.processing_status !== after.processing_status && after.processing_status === 'failed')
    parts.push('Analysis failed.')
  if (before.assigned_to !== after.assigned_to)
    parts.push(after.assigned_to ? `Assigned to ${nameOf(after.assigned_to)}.` : 'Unassigned.')
  if (before.status !== after.status) parts.push(`Status is now ${STATUS_LABEL[after.status]}.`)
  if (before.priority !== after.priority) parts.push(`Priority is now ${PRIORITY_LABEL[after.priority]}.`)
  if (before.helpful_notes !== after.helpful_notes && after.processing_status === before.processing_status)
    parts.push('Helpful notes updated.')
  return parts.length > 0 ? parts.join(' ') : undefined
}
