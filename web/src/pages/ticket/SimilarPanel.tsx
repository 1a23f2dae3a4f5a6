import { tickets } from '../../api/endpoints'
import type { SimilarTicket, Ticket } from '../../api/types'
import { StatusBadge } from '../../components/Badges'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Link } from '../../components/Link'
import { Skeleton } from '../../components/States'
import { useAsync } from '../../lib/useAsync'

/** The resolution's gist: one line, at most `max` characters. */
function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

const percent = (similarity: number) => `${Math.round(similarity * 100)} %`

/**
 * Staff only: the tickets most like this one (GET /api/tickets/:id/similar), each a link, with how
 * alike it is and, once resolved, how it was resolved. `onMerge` offers merging this ticket into one.
 */
export function SimilarPanel({
  ticket,
  onMerge,
}: {
  ticket: Ticket
  /** Opens the merge dialog, with a similar ticket as the target when one is given. */
  onMerge?: ((into?: SimilarTicket) => void) | undefined
}) {
  const similar = useAsync(() => tickets.similar(ticket.id, 5), [ticket.id, ticket.updated_at])
  return (
    <section class="card similar-panel" aria-labelledby="similar-title">
      <h2 id="similar-title" class="card-title">
        Similar tickets
      </h2>
      <ErrorMessage error={similar.error} title="Could not load similar tickets." />
      {!similar.data && !similar.error && <Skeleton lines={3} label="Looking for similar tickets…" />}
      {similar.data && similar.data.length === 0 && <p class="muted">No similar tickets.</p>}
      {similar.data && similar.data.length > 0 && (
        <ul class="similar-list">
          {similar.data.map((s) => (
            <li key={s.id} class="similar-item">
              <div class="similar-head">
                <Link href={`/tickets/${s.id}`}>
                  <span class="ticket-number">#{s.number}</span> {s.title}
                </Link>
                <span class="similar-score" title="How alike the two tickets are">
                  {percent(s.similarity)}
                  <span class="visually-hidden"> similar</span>
                </span>
              </div>
              <div class="similar-meta">
                <StatusBadge status={s.status} />
                {onMerge && !ticket.merged_into && !s.merged_into && (
                  <button type="button" class="button button-ghost button-small" onClick={() => onMerge(s)}>
                    Merge into #{s.number}…
                  </button>
                )}
              </div>
              {s.resolution && (
                <p class="similar-resolution">
                  <span class="similar-resolution-label">Resolution:</span> {excerpt(s.resolution)}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {onMerge && !ticket.merged_into && (
        <div class="panel-block similar-merge">
          <button type="button" class="button button-secondary button-small" onClick={() => onMerge()}>
            Merge into another ticket…
          </button>
        </div>
      )}
    </section>
  )
}
