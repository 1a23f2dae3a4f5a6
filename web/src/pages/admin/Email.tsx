// The admin's Email page: how mail comes in (listener, mailbox, relay) with the mailbox's last
// fetch and error, every incoming message with what it became, and the outbox, as two tabs.
import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'
import { inbound } from '../../api/endpoints'
import type { InboundMessage, InboundOutcome, InboundStatus } from '../../api/types'
import { type Column, DataTable } from '../../components/DataTable'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Link } from '../../components/Link'
import { PageHeader } from '../../components/PageHeader'
import { Pagination, useClampPage } from '../../components/Pagination'
import { EmptyState, Skeleton } from '../../components/States'
import { readPage } from '../../components/TicketFilters'
import { RelativeTime } from '../../components/Time'
import { formatNumber } from '../../lib/format'
import { useLiveRefetch } from '../../lib/live'
import { setQuery, useLocation } from '../../lib/router'
import { useAsync } from '../../lib/useAsync'
import { Outbox } from './Outbox'

export type EmailTab = 'incoming' | 'outbox'

const PAGE_SIZE = 20

const OUTCOMES: Record<InboundOutcome, string> = {
  ticket_created: 'Ticket created',
  comment_added: 'Comment added',
  ignored_auto_reply: 'Ignored: auto-reply',
  ignored_loop: 'Ignored: our own mail',
  bounce: 'Bounce',
  rejected: 'Rejected',
  duplicate: 'Duplicate',
  pending: 'Pending: being filed',
}

const VIA: Record<InboundMessage['received_via'], string> = {
  smtp: 'SMTP listener',
  imap: 'mailbox',
  http: 'relay',
}

const COLUMNS: Column<InboundMessage>[] = [
  {
    label: 'Email',
    primary: true,
    cell: (m) => (
      <span class="stack">
        <span class="row-title">{m.subject ?? <span class="muted">(no subject)</span>}</span>
        <span class="row-sub">
          from {m.from ?? 'an unknown sender'} · by {VIA[m.received_via]}
        </span>
      </span>
    ),
  },
  {
    label: 'Outcome',
    cell: (m) => (
      <span class="stack">
        <span class={`badge inbound-${m.outcome}`}>{OUTCOMES[m.outcome]}</span>
        {m.error && <span class="small muted">{m.error}</span>}
      </span>
    ),
  },
  {
    label: 'Ticket',
    cell: (m) =>
      m.ticket_id ? (
        <Link href={`/tickets/${m.ticket_id}`}>
          {m.ticket_number === null ? 'Open the ticket' : `#${m.ticket_number}`}
        </Link>
      ) : (
        <span class="muted">—</span>
      ),
  },
  { label: 'Received', cell: (m) => <RelativeTime iso={m.received_at} /> },
]

function OnOff({ on, children }: { on: boolean; children: ComponentChildren }) {
  return (
    <span class="inline-list">
      <span class={`badge ${on ? 'is-active' : 'is-inactive'}`}>{on ? 'On' : 'Off'}</span>
      <span>{children}</span>
    </span>
  )
}

function Mailbox({ imap }: { imap: InboundStatus['imap'] }) {
  if (!imap) return <OnOff on={false}>No mailbox configured (IMAP_URL)</OnOff>
  return (
    <span class="stack">
      <span class="inline-list">
        <span class={`badge ${imap.connected ? 'is-active' : 'email-failed'}`} data-testid="imap-state">
          {imap.connected ? 'Connected' : 'Not connected'}
        </span>
        <span class="mono">{imap.mailbox}</span>
      </span>
      <span class="small">
        Last fetch: {imap.last_fetch_at ? <RelativeTime iso={imap.last_fetch_at} /> : 'never'} · checked every{' '}
        {formatNumber(imap.poll_seconds)} s, at once on new mail where the server announces it
      </span>
      {imap.last_error && (
        <span class="small">
          Last error
          {imap.last_error_at && (
            <>
              {' '}
              (<RelativeTime iso={imap.last_error_at} />)
            </>
          )}
          : <span class="mono">{imap.last_error}</span>
        </span>
      )}
    </span>
  )
}

/** The mailbox's state moves without any ticket event (a fetch, a lost connection): look again. */
const STATUS_REFRESH_MS = 30_000

function StatusCard() {
  const status = useAsync(() => inbound.status(), [])
  const { reload } = status
  useEffect(() => {
    const timer = setInterval(() => void reload(), STATUS_REFRESH_MS)
    return () => clearInterval(timer)
  }, [reload])
  const s = status.data
  return (
    <section class="card" aria-labelledby="inbound-status-title">
      <h2 id="inbound-status-title" class="card-title">
        How mail comes in
      </h2>
      <ErrorMessage error={status.error} title="Could not load the inbound settings." />
      {!s && !status.error && <Skeleton lines={4} label="Loading the inbound settings…" />}
      {s && (
        <dl class="details" data-testid="inbound-status">
          <dt>Support address</dt>
          <dd>{s.address ?? <span class="muted">Not set (INBOUND_ADDRESS)</span>}</dd>
          <dt>SMTP listener</dt>
          <dd>
            {s.smtp_listener ? (
              <OnOff on>
                listening on{' '}
                <span class="mono">
                  {s.smtp_listener.host}:{s.smtp_listener.port}
                </span>{' '}
                for {s.address}
              </OnOff>
            ) : (
              <OnOff on={false}>INBOUND_SMTP_PORT is not set</OnOff>
            )}
          </dd>
          <dt>Mailbox (IMAP)</dt>
          <dd>
            <Mailbox imap={s.imap} />
          </dd>
          <dt>Relay endpoint</dt>
          <dd>
            {s.http_endpoint ? (
              <OnOff on>
                <span class="mono">POST /api/inbound/email</span>, token configured (INBOUND_TOKEN)
              </OnOff>
            ) : (
              <OnOff on={false}>no token configured (INBOUND_TOKEN)</OnOff>
            )}
          </dd>
        </dl>
      )}
    </section>
  )
}

function Incoming() {
  const { query } = useLocation()
  const page = readPage(query.get('page'))
  const list = useAsync(() => inbound.list({ page, limit: PAGE_SIZE }), [page])
  // What comes in files tickets and comments: a ticket event may mean a new message here.
  useLiveRefetch(
    () => true,
    () => void list.reload(),
    1500,
  )
  useClampPage(list.data?.meta, list.data?.items.length ?? 0, (p) => setQuery({ page: p }))
  const total = list.data?.meta.total
  return (
    <>
      <StatusCard />
      <section aria-labelledby="inbound-title">
        <h2 id="inbound-title" class="section-title">
          Incoming{' '}
          <span class="section-count">
            {total === undefined
              ? ''
              : `${formatNumber(total)} message${total === 1 ? '' : 's'} received, newest first`}
          </span>
        </h2>
        <ErrorMessage error={list.error} title="Could not load the incoming email." />
        <DataTable
          caption="Incoming email"
          columns={COLUMNS}
          rows={list.data?.items}
          busy={list.loading && list.data !== undefined}
          empty={<EmptyState title="No email received yet" />}
        />
        {list.data && <Pagination meta={list.data.meta} onPage={(p) => setQuery({ page: p })} />}
      </section>
    </>
  )
}

export function EmailPage({ tab }: { tab: EmailTab }) {
  const tabs: { id: EmailTab; href: string; label: string }[] = [
    { id: 'incoming', href: '/admin/email', label: 'Incoming' },
    { id: 'outbox', href: '/admin/emails', label: 'Outbox' },
  ]
  return (
    <section class="email-page">
      <PageHeader
        title="Email"
        documentTitle={tab === 'outbox' ? 'Email outbox' : 'Incoming email'}
        subtitle="Mail that comes in and what it became; mail we send and whether it went."
      />
      <nav class="tabs" aria-label="Email">
        {tabs.map((t) => (
          <Link
            key={t.id}
            href={t.href}
            class={`tab${t.id === tab ? ' tab-current' : ''}`}
            aria-current={t.id === tab ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === 'incoming' ? <Incoming /> : <Outbox />}
    </section>
  )
}
