import { type TicketQuery, tickets } from '../api/endpoints'
import { PRIORITIES, type StaffTicket, TICKET_STATUSES } from '../api/types'
import { PriorityBadge } from '../components/Badges'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, Skeleton } from '../components/States'
import { RelativeTime } from '../components/Time'
import { formatNumber } from '../lib/format'
import { useLiveRefetch } from '../lib/live'
import { useUser } from '../lib/session'
import { useAsync } from '../lib/useAsync'
import { PRIORITY_LABEL, STATUS_LABEL } from '../lib/workflow'

const OLDEST_COUNT = 8

/** meta.total of a one-row page: an exact count that costs the server one small query. */
const count = async (query: TicketQuery) => (await tickets.all({ ...query, limit: 1 })).meta.total

/**
 * The todo tickets waiting longest. Lists come newest first, so the oldest are on the last page;
 * the page before tops it up when the last page is short.
 */
async function oldestTodo(): Promise<StaffTicket[]> {
  const query = { status: 'todo' as const, limit: OLDEST_COUNT }
  const first = await tickets.all({ ...query, page: 1 })
  const lastPage = Math.ceil(first.meta.total / OLDEST_COUNT)
  if (lastPage <= 1) return first.items.reverse()
  const last = await tickets.all({ ...query, page: lastPage })
  const previous =
    last.items.length < OLDEST_COUNT ? (await tickets.all({ ...query, page: lastPage - 1 })).items : []
  return [...previous, ...last.items].reverse().slice(0, OLDEST_COUNT)
}

async function loadCounts(viewerId: string) {
  const [byStatus, byPriority, unassigned, mine] = await Promise.all([
    Promise.all(TICKET_STATUSES.map((status) => count({ status }))),
    Promise.all(PRIORITIES.map((priority) => count({ priority }))),
    count({ assigned_to: 'unassigned' }),
    count({ assigned_to: viewerId }),
  ])
  return { byStatus, byPriority, unassigned, mine }
}

function Tile(props: { label: string; value: number | undefined; href: string; tone: string }) {
  return (
    <li>
      <Link class={`tile tile-${props.tone}`} href={props.href}>
        <span class="tile-value">{props.value === undefined ? '–' : formatNumber(props.value)}</span>
        <span class="tile-label">{props.label}</span>
      </Link>
    </li>
  )
}

export function Dashboard() {
  const user = useUser()
  const counts = useAsync(() => loadCounts(user.id), [user.id])
  const oldest = useAsync(oldestTodo, [])
  useLiveRefetch(
    () => true,
    () => {
      void counts.reload()
      void oldest.reload()
    },
    1500,
  )
  const c = counts.data
  return (
    <section>
      <PageHeader title="Dashboard" subtitle="Every ticket at a glance. Updates live." />
      <ErrorMessage error={counts.error} title="Could not load the counts." />
      <h2 class="section-title">By status</h2>
      <ul class="tiles tiles-6">
        {TICKET_STATUSES.map((status, i) => (
          <Tile
            key={status}
            label={STATUS_LABEL[status]}
            value={c?.byStatus[i]}
            href={`/queue?status=${status}`}
            tone={`status-${status}`}
          />
        ))}
      </ul>
      <div class="dashboard-columns">
        <div>
          <h2 class="section-title">By priority</h2>
          <ul class="tiles tiles-3">
            {PRIORITIES.map((priority, i) => (
              <Tile
                key={priority}
                label={PRIORITY_LABEL[priority]}
                value={c?.byPriority[i]}
                href={`/queue?priority=${priority}`}
                tone={`priority-${priority}`}
              />
            ))}
          </ul>
          <h2 class="section-title">Assignment</h2>
          <ul class="tiles tiles-2">
            <Tile label="Unassigned" value={c?.unassigned} href="/queue?assigned=unassigned" tone="plain" />
            <Tile label="Assigned to me" value={c?.mine} href="/queue?assigned=mine" tone="accent" />
          </ul>
        </div>
        <section class="card oldest-card" aria-labelledby="oldest-title">
          <h2 id="oldest-title" class="card-title">
            Waiting longest
          </h2>
          <p class="muted card-intro">To-do tickets, oldest first.</p>
          <ErrorMessage error={oldest.error} title="Could not load the oldest tickets." />
          {!oldest.data && !oldest.error && (
            <Skeleton lines={OLDEST_COUNT} label="Loading the oldest tickets…" />
          )}
          {oldest.data?.length === 0 && <EmptyState title="Nothing is waiting. Nice work!" />}
          {oldest.data && oldest.data.length > 0 && (
            <ol class="oldest">
              {oldest.data.map((t) => (
                <li key={t.id}>
                  <Link href={`/tickets/${t.id}`} class="oldest-title">
                    {t.title}
                  </Link>
                  <span class="oldest-meta">
                    <PriorityBadge priority={t.priority} />
                    <span>
                      filed <RelativeTime iso={t.created_at} />
                    </span>
                    <span class="muted truncate">{t.assignee ? t.assignee.email : 'unassigned'}</span>
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </section>
  )
}
