import type { TicketEvent, TicketStatus } from '../../api/types'
import { EarlierButton } from '../../components/EarlierButton'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Skeleton } from '../../components/States'
import { RelativeTime } from '../../components/Time'
import type { Thread } from '../../lib/useThread'
import { PRIORITY_LABEL, STATUS_LABEL } from '../../lib/workflow'
import { capitalise, type Directory, nameOf } from './people'

function statusLabel(value: string | null): string {
  return value && value in STATUS_LABEL ? STATUS_LABEL[value as TicketStatus] : (value ?? '—')
}

function priorityLabel(value: string | null): string {
  return value && value in PRIORITY_LABEL
    ? PRIORITY_LABEL[value as keyof typeof PRIORITY_LABEL]
    : (value ?? '—')
}

function targetLabel(target: unknown): string {
  return target === 'first_response' ? 'first response' : target === 'resolution' ? 'resolution' : 'target'
}

function sentence(event: TicketEvent, directory: Directory): string {
  const who = event.actor ? capitalise(nameOf(directory, event.actor.id, event.actor.email)) : 'The system'
  const d = event.details ?? {}
  switch (event.type) {
    case 'created':
      return `${who} filed the ticket`
    case 'analysed': {
      const skills = Array.isArray(d.related_skills) ? d.related_skills.join(', ') : ''
      return `Analysed${skills ? ` — skills: ${skills}` : ''}`
    }
    case 'assigned': {
      if (!event.to) return `${who} removed the assignee`
      const target = nameOf(directory, event.to)
      const matched = Array.isArray(d.matched_skills) ? d.matched_skills.join(', ') : ''
      const why =
        d.reason === 'skills' && matched
          ? ` (matching skills: ${matched})`
          : d.reason === 'workload'
            ? ' (least busy)'
            : ''
      return event.actor ? `${who} assigned it to ${target}` : `Assigned to ${target}${why}`
    }
    case 'status_changed':
      return `${who} moved it from ${statusLabel(event.from)} to ${statusLabel(event.to)}`
    case 'priority_changed':
      return `${who} changed the priority from ${priorityLabel(event.from)} to ${priorityLabel(event.to)}`
    case 'notes_changed':
      return `${who} ${event.to ? 'edited' : 'cleared'} the helpful notes`
    case 'merged':
      return d.direction === 'into'
        ? `${who} merged this ticket into #${String(d.ticket_number ?? '?')}`
        : `${who} merged #${String(d.ticket_number ?? '?')} into this ticket`
    case 'commented':
      return event.details?.internal === true ? `${who} added an internal note` : `${who} commented`
    case 'sla_warning':
      return `Service level: ${targetLabel(d.target)} due soon (80 % of the time used)`
    case 'sla_breached':
      return `Service level: ${targetLabel(d.target)} overdue`
    case 'satisfaction_rated':
      return `${who} rated the support ${event.to === 'good' ? 'good' : event.to === 'bad' ? 'bad' : (event.to ?? '')}${
        event.from ? ` (was ${event.from})` : ''
      }`
    default:
      return `${who}: ${event.type}`
  }
}

export function History({ history, directory }: { history: Thread<TicketEvent>; directory: Directory }) {
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title" class="card-title">
        History
      </h2>
      <ErrorMessage error={history.error} title="Could not load the history." />
      {!history.data && !history.error && <Skeleton lines={4} label="Loading history…" />}
      <EarlierButton thread={history} what="events" />
      {history.data && (
        <ol class="timeline">
          {history.data.map((event) => (
            <li key={event.id} class={`timeline-item event-${event.type}`}>
              <span class="timeline-dot" aria-hidden="true" />
              <p class="timeline-text">{sentence(event, directory)}</p>
              <p class="timeline-time">
                <RelativeTime iso={event.created_at} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
