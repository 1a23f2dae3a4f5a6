import { tickets } from '../api/endpoints'
import type { StaffTicket } from '../api/types'
import { PriorityBadge, ProcessingBadge, SlaBadge, StatusBadge } from '../components/Badges'
import { type Column, DataTable } from '../components/DataTable'
import { ErrorMessage } from '../components/ErrorMessage'
import { Select } from '../components/Field'
import { Link } from '../components/Link'
import { PageHeader } from '../components/PageHeader'
import { Pagination, useClampPage } from '../components/Pagination'
import { EmptyState } from '../components/States'
import { readPage, readPriority, readStatus, StatusPriorityFilters } from '../components/TicketFilters'
import { RelativeTime } from '../components/Time'
import { formatNumber } from '../lib/format'
import { useLiveRefetch } from '../lib/live'
import { setQuery, useLocation } from '../lib/router'
import { useUser } from '../lib/session'
import { useAsync } from '../lib/useAsync'

const PAGE_SIZE = 20

type Assignment = '' | 'mine' | 'unassigned'

type Sort = '' | 'due'

const SORT_OPTIONS: { value: Sort; label: string }[] = [
  { value: '', label: 'Newest first' },
  { value: 'due', label: 'Due soonest' },
]

const ASSIGNMENT_OPTIONS: { value: Assignment; label: string }[] = [
  { value: '', label: 'Anyone' },
  { value: 'mine', label: 'Assigned to me' },
  { value: 'unassigned', label: 'Unassigned' },
]

function columns(viewerId: string): Column<StaffTicket>[] {
  return [
    {
      label: 'Ticket',
      primary: true,
      cell: (t) => (
        <>
          <Link class="row-title" href={`/tickets/${t.id}`}>
            <span class="ticket-number">#{t.number}</span> {t.title}
          </Link>
          <span class="row-sub">{t.creator.email}</span>
        </>
      ),
    },
    { label: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
    { label: 'Priority', cell: (t) => <PriorityBadge priority={t.priority} /> },
    { label: 'Due', cell: (t) => <SlaBadge sla={t.sla} /> },
    {
      label: 'Assignee',
      cell: (t) =>
        t.assigned_to === viewerId ? (
          <strong>You</strong>
        ) : t.assignee ? (
          <span class="truncate">{t.assignee.email}</span>
        ) : t.processing_status === 'queued' || t.processing_status === 'running' ? (
          <ProcessingBadge state={t.processing_status} />
        ) : (
          <span class="muted">Unassigned</span>
        ),
    },
    { label: 'Filed', cell: (t) => <RelativeTime iso={t.created_at} /> },
  ]
}

export function Queue() {
  const user = useUser()
  const { query } = useLocation()
  const status = readStatus(query.get('status'))
  const priority = readPriority(query.get('priority'))
  const page = readPage(query.get('page'))
  const assignmentParam = query.get('assigned')
  const assignment: Assignment =
    assignmentParam === 'mine' || assignmentParam === 'unassigned' ? assignmentParam : ''
  const assignedTo = assignment === 'mine' ? user.id : assignment === 'unassigned' ? 'unassigned' : undefined
  const sort: Sort = query.get('sort') === 'due' ? 'due' : ''

  const list = useAsync(
    () =>
      tickets.all({
        status,
        priority,
        assigned_to: assignedTo,
        page,
        limit: PAGE_SIZE,
        ...(sort === 'due' ? { sort } : {}),
      }),
    [status, priority, assignedTo, page, sort],
  )
  // Staff receive every ticket's events; one refetch per burst keeps the queue current.
  useLiveRefetch(
    () => true,
    () => void list.reload(),
    700,
  )

  const filtered = status !== undefined || priority !== undefined || assignment !== ''
  const total = list.data?.meta.total
  useClampPage(list.data?.meta, list.data?.items.length ?? 0, (p) => setQuery({ page: p }))
  return (
    <section>
      <PageHeader
        title="Queue"
        subtitle={
          total === undefined
            ? '\u00a0'
            : `${formatNumber(total)} ticket${total === 1 ? '' : 's'}${filtered ? ' match' : ''} · ${sort === 'due' ? 'due soonest first' : 'newest first'} · updates live`
        }
      />
      <fieldset class="toolbar">
        <legend class="visually-hidden">Filters</legend>
        <StatusPriorityFilters idPrefix="queue" status={status} priority={priority} />
        <Select
          id="queue-assigned"
          label="Assigned"
          compact
          value={assignment}
          options={ASSIGNMENT_OPTIONS}
          onChange={(value) => setQuery({ assigned: value, page: undefined })}
        />
        <Select
          id="queue-sort"
          label="Sort"
          compact
          value={sort}
          options={SORT_OPTIONS}
          onChange={(value) => setQuery({ sort: value, page: undefined })}
        />
        {filtered && (
          <button
            type="button"
            class="button button-ghost toolbar-clear"
            onClick={() => setQuery({ status: '', priority: '', assigned: '', page: '' })}
          >
            Clear filters
          </button>
        )}
      </fieldset>
      <ErrorMessage error={list.error} title="Could not load the queue." />
      <DataTable
        caption="Tickets in the queue"
        columns={columns(user.id)}
        rows={list.data?.items}
        busy={list.loading && list.data !== undefined}
        empty={<EmptyState title={filtered ? 'No tickets match these filters' : 'The queue is empty'} />}
      />
      {list.data && <Pagination meta={list.data.meta} onPage={(p) => setQuery({ page: p })} />}
    </section>
  )
}
