import type { Priority, ProcessingStatus, Role, TicketSla, TicketStatus } from '../api/types'
import { formatDateTime } from '../lib/format'
import { PRIORITY_LABEL, PROCESSING_LABEL, ROLE_LABEL, STATUS_LABEL } from '../lib/workflow'

export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span class={`badge status-${status}`}>{STATUS_LABEL[status]}</span>
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span class={`badge priority priority-${priority}`}>
      <span class="badge-dot" aria-hidden="true" />
      {PRIORITY_LABEL[priority]}
      <span class="visually-hidden"> priority</span>
    </span>
  )
}

export function ProcessingBadge({ state }: { state: ProcessingStatus }) {
  const busy = state === 'queued' || state === 'running'
  return (
    <span class={`badge processing processing-${state}`}>
      {busy && <span class="spinner spinner-small" aria-hidden="true" />}
      {PROCESSING_LABEL[state]}
    </span>
  )
}

export function RoleBadge({ role }: { role: Role }) {
  return <span class={`badge role-${role}`}>{ROLE_LABEL[role]}</span>
}

export function ActiveBadge({ active }: { active: boolean }) {
  return <span class={`badge ${active ? 'is-active' : 'is-inactive'}`}>{active ? 'Active' : 'Inactive'}</span>
}

/** Business minutes as people say them: "45m", "3h 20m", "52h". */
export function formatBusinessMinutes(minutes: number): string {
  const m = Math.max(0, Math.round(minutes))
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  return h >= 48 || m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`
}

/** What the badge says: time left in business time, paused, overdue or met. */
export function slaText(sla: TicketSla): string {
  const left = sla.business_minutes_left
  if (sla.state === 'met') return 'SLA met'
  if (left === undefined || left === null) return sla.state === 'breached' ? 'SLA breached' : 'SLA running'
  if (sla.paused)
    return left >= 0
      ? `Paused · ${formatBusinessMinutes(left)} left`
      : `Paused · ${formatBusinessMinutes(-left)} over`
  return left >= 0 ? `${formatBusinessMinutes(left)} left` : `${formatBusinessMinutes(-left)} overdue`
}

/** The ticket's service level: time left (business hours), paused, breached or met. */
export function SlaBadge({ sla }: { sla: TicketSla | null }) {
  if (!sla) return <span class="muted">No SLA</span>
  const tone = sla.paused && sla.state !== 'met' ? 'paused' : sla.state
  const title = sla.due_at ? `Due ${formatDateTime(sla.due_at)} (business time counts)` : undefined
  return (
    <span
      class={`badge sla sla-${tone}`}
      title={title}
      data-sla-state={sla.state}
      data-sla-paused={sla.paused}
    >
      <span class="visually-hidden">Service level: </span>
      {slaText(sla)}
      {sla.state === 'warning' && !sla.paused && <span class="visually-hidden"> (warning)</span>}
      {sla.state === 'breached' && <span class="visually-hidden"> (breached)</span>}
    </span>
  )
}
