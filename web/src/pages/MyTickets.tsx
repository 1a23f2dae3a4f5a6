import { tickets } from '../api/endpoints'
import type { Ticket } from '../api/types'
import { PriorityBadge, ProcessingBadge, StatusBadge } from '../components/Badges'
import { type Column, DataTable } from '../components/DataTable'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { PageHeader } from '../components/PageHeader'
import { Pagination, useClampPage } from '../components/Pagination'
import { EmptyState } from '../components/States'
import { readPage, readPriority, readStatus, StatusPriorityFilters } from '../components/TicketFilters'
import { RelativeTime } from '../components/Time'
import { formatNumber } from '../lib/format'
import { useLiveRefetch } from '../lib/live'
import { navigate, setQuery, useLocation } from '../lib/router'
import { useAsync } from '../lib/useAsync'

const PAGE_SIZE = 20

const COLUMNS: Column<Ticket>[] = [
  {
    label: 'Ticket',
    primary: true,
    cell: (t) => (
      <>
        <Link class="row-title" href={`/tickets/${t.id}`}>
          <span class="ticket-number">#{t.number}</span> {t.title}
        </Link>
        {t.summary && <span class="row-sub">{t.summary}</span>}
      </>
    ),
  },
  { label: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
  { label: 'Priority', cell: (t) => <PriorityBadge priority={t.priority} /> },
  {
    label: 'Agent',
    cell: (t) =>
      t.assigned_to ? (
        <span>Assigned</span>
      ) : t.processing_status === 'done' || t.processing_status === 'failed' ? (
        <span class="muted">Not yet assigned</span>
      ) : (
        <ProcessingBadge state={t.processing_status} />
      ),
  },
  { label: 'Updated', cell: (t) => <RelativeTime iso={t.updated_at} /> },
]

export function MyTickets() {
  const { query } = useLocation()
  const status = readStatus(query.get('status'))
  const priority = readPriority(query.get('priority'))
  const page = readPage(query.get('page'))
  const list = useAsync(
    () => tickets.mine({ status, priority, page, limit: PAGE_SIZE }),
    [status, priority, page],
  )
  // Users only receive events for their own tickets: any of them may change this list.
  useLiveRefetch(
    () => true,
    () => void list.reload(),
    500,
  )

  const filtered = status !== undefined || priority !== undefined
  const total = list.data?.meta.total
  useClampPage(list.data?.meta, list.data?.items.length ?? 0, (p) => setQuery({ page: p }))
  return (
    <section>
      <PageHeader
        title="My tickets"
        subtitle={
          total === undefined
            ? '\u00a0'
            : `${formatNumber(total)} ticket${total === 1 ? '' : 's'}${filtered ? ' match' : ''}`
        }
        actions={
          <Link class="button button-primary" href="/tickets/new">
            New ticket
          </Link>
        }
      />
      <fieldset class="toolbar">
        <legend class="visually-hidden">Filters</legend>
        <StatusPriorityFilters idPrefix="mine" status={status} priority={priority} />
      </fieldset>
      <ErrorMessage error={list.error} title="Could not load your tickets." />
      <DataTable
        caption="My tickets"
        columns={COLUMNS}
        rows={list.data?.items}
        busy={list.loading && list.data !== undefined}
        empty={
          filtered ? (
            <EmptyState title="No tickets match these filters">
              <button
                type="button"
                class="button button-secondary"
                onClick={() => setQuery({ status: '', priority: '', page: '' })}
              >
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="You have not filed any tickets yet">
              <p>Describe a problem and we will route it to the right person.</p>
              <button type="button" class="button button-primary" onClick={() => navigate('/tickets/new')}>
                File your first ticket
              </button>
            </EmptyState>
          )
        }
      />
      {list.data && <Pagination meta={list.data.meta} onPage={(p) => setQuery({ page: p })} />}
    </section>
  )
}
