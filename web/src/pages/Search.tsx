// /search?q=…: every match, ranked, with the matching words highlighted, and the list filters.
import { useEffect, useState } from 'preact/hooks'
import { search } from '../api/endpoints'
import type { SearchHit } from '../api/types'
import { PriorityBadge, StatusBadge } from '../components/Badges'
import { ErrorMessage } from '../components/ErrorMessage'
import { Select } from '../components/Field'
import { Highlighted } from '../components/Highlighted'
import { Link } from '../components/Link'
import { PageHeader } from '../components/PageHeader'
import { Pagination, useClampPage } from '../components/Pagination'
import { EmptyState, Skeleton } from '../components/States'
import { readPage, readPriority, readStatus, StatusPriorityFilters } from '../components/TicketFilters'
import { RelativeTime } from '../components/Time'
import { formatNumber } from '../lib/format'
import { setQuery, useLocation } from '../lib/router'
import { useUser } from '../lib/session'
import { useAsync } from '../lib/useAsync'
import { isStaff } from '../lib/workflow'

const PAGE_SIZE = 20

function Result({ hit }: { hit: SearchHit }) {
  return (
    <li class="search-result">
      <Link class="search-result-title" href={`/tickets/${hit.id}`}>
        <span class="ticket-number">#{hit.number}</span> <Highlighted html={hit.highlight.title} />
      </Link>
      <p class="search-result-body">
        <Highlighted html={hit.highlight.body} />
      </p>
      <p class="search-result-meta">
        <StatusBadge status={hit.status} /> <PriorityBadge priority={hit.priority} /> Filed{' '}
        <RelativeTime iso={hit.created_at} />
      </p>
    </li>
  )
}

export function Search() {
  const user = useUser()
  const staff = isStaff(user.role)
  const { query } = useLocation()
  const q = (query.get('q') ?? '').trim()
  const status = readStatus(query.get('status'))
  const priority = readPriority(query.get('priority'))
  const page = readPage(query.get('page'))
  const assignedParam = query.get('assigned')
  const assigned = staff && (assignedParam === 'mine' || assignedParam === 'unassigned') ? assignedParam : ''
  const assignedTo = assigned === 'mine' ? user.id : assigned === 'unassigned' ? 'unassigned' : undefined
  const [text, setText] = useState(q)
  useEffect(() => setText(q), [q])

  const results = useAsync(
    async () =>
      q === ''
        ? undefined
        : search.tickets({ q, status, priority, assigned_to: assignedTo, page, limit: PAGE_SIZE }),
    [q, status, priority, assignedTo, page],
  )
  const meta = results.data?.meta
  useClampPage(meta, results.data?.items.length ?? 0, (p) => setQuery({ page: p }))
  const filtered = status !== undefined || priority !== undefined || assigned !== ''

  return (
    <section>
      <PageHeader
        title="Search"
        subtitle={
          meta === undefined
            ? 'Words, "exact phrases", -excluded, or; #1042 finds a ticket by number'
            : `${formatNumber(meta.total)} ticket${meta.total === 1 ? '' : 's'} for “${q}” · best matches first`
        }
      />
      <form
        class="search-page-form"
        onSubmit={(event) => {
          event.preventDefault()
          setQuery({ q: text.trim(), page: undefined })
        }}
      >
        <label for="search-page-q">Search for</label>
        <input
          id="search-page-q"
          type="search"
          value={text}
          maxLength={200}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <button type="submit" class="button">
          Search
        </button>
      </form>
      <fieldset class="toolbar">
        <legend class="visually-hidden">Filters</legend>
        <StatusPriorityFilters idPrefix="search" status={status} priority={priority} />
        {staff && (
          <Select
            id="search-assigned"
            label="Assigned"
            compact
            value={assigned}
            options={[
              { value: '', label: 'Anyone' },
              { value: 'mine', label: 'Assigned to me' },
              { value: 'unassigned', label: 'Unassigned' },
            ]}
            onChange={(value) => setQuery({ assigned: value, page: undefined })}
          />
        )}
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
      {meta?.fuzzy && (
        <p class="notice" role="status">
          No ticket has these exact words; showing tickets with similar words.
        </p>
      )}
      <ErrorMessage error={results.error} title="Could not search." />
      {q === '' ? (
        <EmptyState title="Type what you are looking for above" />
      ) : results.data === undefined ? (
        results.error ? null : (
          <Skeleton lines={4} />
        )
      ) : results.data.items.length === 0 ? (
        <EmptyState
          title={filtered ? 'No tickets match these words and filters' : 'No tickets match these words'}
        />
      ) : (
        <ol class="search-results" aria-label="Search results" aria-busy={results.loading}>
          {results.data.items.map((hit) => (
            <Result key={hit.id} hit={hit} />
          ))}
        </ol>
      )}
      {results.data && <Pagination meta={results.data.meta} onPage={(p) => setQuery({ page: p })} />}
    </section>
  )
}
