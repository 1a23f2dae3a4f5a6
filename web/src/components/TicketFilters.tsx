import { PRIORITIES, type Priority, TICKET_STATUSES, type TicketStatus } from '../api/types'
import { setQuery } from '../lib/router'
import { PRIORITY_LABEL, STATUS_LABEL } from '../lib/workflow'
import { Select } from './Field'

export const STATUS_OPTIONS = [
  { value: '' as const, label: 'Any status' },
  ...TICKET_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] })),
]
export const PRIORITY_OPTIONS = [
  { value: '' as const, label: 'Any priority' },
  ...PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABEL[p] })),
]

export function readStatus(value: string | null): TicketStatus | undefined {
  return TICKET_STATUSES.find((s) => s === value)
}
export function readPriority(value: string | null): Priority | undefined {
  return PRIORITIES.find((p) => p === value)
}
export function readPage(value: string | null): number {
  const n = Number(value)
  return Number.isInteger(n) && n >= 1 ? n : 1
}

/** Status and priority filters kept in the address (?status=…&priority=…), so back/forward and bookmarks work. */
export function StatusPriorityFilters(props: {
  idPrefix: string
  status?: TicketStatus
  priority?: Priority
}) {
  return (
    <>
      <Select
        id={`${props.idPrefix}-status`}
        label="Status"
        compact
        value={props.status ?? ''}
        options={STATUS_OPTIONS}
        onChange={(value) => setQuery({ status: value, page: undefined })}
      />
      <Select
        id={`${props.idPrefix}-priority`}
        label="Priority"
        compact
        value={props.priority ?? ''}
        options={PRIORITY_OPTIONS}
        onChange={(value) => setQuery({ priority: value, page: undefined })}
      />
    </>
  )
}
