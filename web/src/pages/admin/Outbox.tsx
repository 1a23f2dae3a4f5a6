import { emails } from '../../api/endpoints'
import type { Email } from '../../api/types'
import { type Column, DataTable } from '../../components/DataTable'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Link } from '../../components/Link'
import { Pagination, useClampPage } from '../../components/Pagination'
import { SearchBox } from '../../components/SearchBox'
import { EmptyState } from '../../components/States'
import { readPage } from '../../components/TicketFilters'
import { RelativeTime } from '../../components/Time'
import { formatNumber } from '../../lib/format'
import { useLiveRefetch } from '../../lib/live'
import { setQuery, useLocation } from '../../lib/router'
import { useAsync } from '../../lib/useAsync'

const PAGE_SIZE = 20

const STATUS_HELP: Record<Email['status'], string> = {
  pending: 'Pending',
  sent: 'Sent',
  failed: 'Failed',
  skipped: 'Not sent (no SMTP)',
  bounced: 'Bounced: a delivery report came back',
}

const COLUMNS: Column<Email>[] = [
  {
    label: 'Email',
    primary: true,
    cell: (e) => (
      <details class="email-details">
        <summary>
          <span class="row-title">{e.subject}</span>
          <span class="row-sub">to {e.to}</span>
        </summary>
        <pre class="email-text">{e.text}</pre>
        {e.ticket_id && (
          <p>
            <Link href={`/tickets/${e.ticket_id}`}>Open the ticket</Link>
          </p>
        )}
      </details>
    ),
  },
  {
    label: 'Delivery',
    cell: (e) => (
      <span class="stack">
        <span class={`badge email-${e.status}`}>
          {e.status === 'bounced' && (
            <span aria-hidden="true" class="badge-icon">
              ↩
            </span>
          )}
          {STATUS_HELP[e.status]}
        </span>
        {e.last_error && <span class="small muted">{e.last_error}</span>}
      </span>
    ),
  },
  { label: 'Attempts', cell: (e) => formatNumber(e.attempts), className: 'numeric' },
  { label: 'Recorded', cell: (e) => <RelativeTime iso={e.created_at} /> },
  {
    label: 'Sent',
    cell: (e) => (e.sent_at ? <RelativeTime iso={e.sent_at} /> : <span class="muted">—</span>),
  },
]

/** The outbox tab of the Email page: every email recorded, newest first. */
export function Outbox() {
  const { query } = useLocation()
  const to = query.get('to') ?? ''
  const page = readPage(query.get('page'))
  const list = useAsync(() => emails.list({ to: to || undefined, page, limit: PAGE_SIZE }), [to, page])
  // Emails are written with the ticket change that causes them: a ticket event may mean a new one.
  useLiveRefetch(
    () => true,
    () => void list.reload(),
    1500,
  )
  const total = list.data?.meta.total
  useClampPage(list.data?.meta, list.data?.items.length ?? 0, (p) => setQuery({ page: p }))
  return (
    <section aria-labelledby="outbox-title">
      <h2 id="outbox-title" class="section-title">
        Outbox{' '}
        <span class="section-count">
          {total === undefined
            ? ''
            : `${formatNumber(total)} email${total === 1 ? '' : 's'} recorded, newest first`}
        </span>
      </h2>
      <fieldset class="toolbar">
        <legend class="visually-hidden">Filters</legend>
        <SearchBox
          id="emails-to"
          label="Recipient"
          placeholder="name@example.com"
          value={to}
          onSearch={(text) => setQuery({ to: text, page: undefined })}
        />
      </fieldset>
      <ErrorMessage error={list.error} title="Could not load the outbox." />
      <DataTable
        caption="Emails"
        columns={COLUMNS}
        rows={list.data?.items}
        busy={list.loading && list.data !== undefined}
        empty={<EmptyState title={to ? `No emails to ${to}` : 'No emails yet'} />}
      />
      {list.data && <Pagination meta={list.data.meta} onPage={(p) => setQuery({ page: p })} />}
    </section>
  )
}
