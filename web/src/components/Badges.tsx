import type { Priority, ProcessingStatus, Role, TicketStatus } from '../api/types'
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
