import { useEffect, useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { tickets } from '../../api/endpoints'
import type { Ticket } from '../../api/types'
import { AttachmentList } from '../../components/Attachments'
import { PriorityBadge, ProcessingBadge, SlaBadge, StatusBadge } from '../../components/Badges'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field, lengthProblem } from '../../components/Field'
import { DateTime, RelativeTime } from '../../components/Time'
import { announce } from '../../lib/announce'
import { toApiError } from '../../lib/useAsync'
import { isProcessing } from '../../lib/workflow'
import { capitalise, type Directory, nameOf } from './people'

export function DetailsCard({ ticket, directory }: { ticket: Ticket; directory: Directory }) {
  const assignee = ticket.assigned_to ? capitalise(nameOf(directory, ticket.assigned_to)) : undefined
  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title" class="card-title">
        Details
      </h2>
      <dl class="details">
        <dt>Status</dt>
        <dd data-testid="ticket-status">
          <StatusBadge status={ticket.status} />
        </dd>
        <dt>Priority</dt>
        <dd data-testid="ticket-priority">
          <PriorityBadge priority={ticket.priority} />
        </dd>
        <dt>Service level</dt>
        <dd data-testid="ticket-sla">
          <SlaBadge sla={ticket.sla} />
          {ticket.sla?.due_at && (
            <span class="muted small">
              {' '}
              due <DateTime iso={ticket.sla.due_at} />
            </span>
          )}
        </dd>
        <dt>Assignee</dt>
        <dd data-testid="ticket-assignee">
          {assignee ?? (
            <span class="muted">
              {isProcessing(ticket.processing_status) ? 'Being decided…' : 'Unassigned'}
            </span>
          )}
        </dd>
        <dt>Analysis</dt>
        <dd data-testid="ticket-processing">
          <ProcessingBadge state={ticket.processing_status} />
        </dd>
        <dt>Channel</dt>
        <dd data-testid="ticket-channel">
          {ticket.channel === 'email' ? 'Email' : ticket.channel === 'web' ? 'Web or API' : '—'}
        </dd>
        <dt>Filed</dt>
        <dd>
          <DateTime iso={ticket.created_at} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <RelativeTime iso={ticket.updated_at} />
        </dd>
        {ticket.satisfaction && (
          <>
            <dt>Satisfaction</dt>
            <dd data-testid="ticket-satisfaction">
              <span class={`badge satisfaction-${ticket.satisfaction.rating}`}>
                {ticket.satisfaction.rating === 'good' ? 'Good' : 'Bad'}
              </span>
              {ticket.satisfaction.comment && (
                <q class="satisfaction-comment">{ticket.satisfaction.comment}</q>
              )}
              <span class="small muted">
                {' '}
                <RelativeTime iso={ticket.satisfaction.rated_at} />
              </span>
            </dd>
          </>
        )}
        {ticket.attachments && ticket.attachments.length > 0 && (
          <>
            <dt>Attachments</dt>
            <dd data-testid="ticket-attachments">
              <AttachmentList attachments={ticket.attachments} label="Files on this ticket" />
            </dd>
          </>
        )}
      </dl>
    </section>
  )
}

const NOTES_RULE = { min: 0, max: 2000 }

function NotesEditor(props: { ticket: Ticket; onUpdated: (t: Ticket) => void; onDone: () => void }) {
  const [notes, setNotes] = useState(props.ticket.helpful_notes ?? '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const problem = lengthProblem('Helpful notes', notes, NOTES_RULE)

  const save = async (event: Event) => {
    event.preventDefault()
    if (problem) return
    setBusy(true)
    setError(undefined)
    try {
      props.onUpdated(await tickets.update(props.ticket.id, { helpful_notes: notes.trim() }))
      announce('Helpful notes saved.', 'success')
      props.onDone()
    } catch (e) {
      setError(toApiError(e))
      setBusy(false)
    }
  }

  return (
    <form class="notes-editor" onSubmit={save} noValidate>
      <ErrorMessage error={error} title="Could not save the notes." />
      <Field
        id="helpful-notes"
        label="Helpful notes"
        multiline
        rows={6}
        value={notes}
        onInput={setNotes}
        rule={NOTES_RULE}
        error={problem}
        showError
        hint="Visible to the customer. Leave empty to remove the notes."
      />
      <div class="form-actions">
        <button type="button" class="button button-secondary" onClick={props.onDone} disabled={busy}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" disabled={busy || problem !== undefined}>
          {busy ? 'Saving…' : 'Save notes'}
        </button>
      </div>
    </form>
  )
}

/** The background analysis: summary, notes, skills. Keeps its size while the analysis runs. */
export function AnalysisCard(props: { ticket: Ticket; canEdit: boolean; onUpdated: (t: Ticket) => void }) {
  const { ticket } = props
  const [editing, setEditing] = useState(false)
  const busy = isProcessing(ticket.processing_status)
  useEffect(() => {
    if (busy) setEditing(false)
  }, [busy])

  return (
    <section class="card analysis" aria-labelledby="analysis-title" aria-busy={busy}>
      <div class="card-title-row">
        <h2 id="analysis-title" class="card-title">
          <svg class="sparkle" viewBox="0 0 20 20" aria-hidden="true">
            <path d="M10 2l1.8 5.2L17 9l-5.2 1.8L10 16l-1.8-5.2L3 9l5.2-1.8z" />
          </svg>
          Analysis
        </h2>
        <ProcessingBadge state={ticket.processing_status} />
      </div>
      {busy ? (
        <div class="analysis-pending">
          <p>Reading your ticket and finding the right person. This page updates by itself.</p>
          <span class="skeleton-line" />
          <span class="skeleton-line" />
          <span class="skeleton-line short" />
        </div>
      ) : (
        <>
          {ticket.processing_status === 'failed' && (
            <p class="alert alert-warning">
              The automatic analysis failed; a moderator will triage this ticket.
            </p>
          )}
          <h3 class="field-label">Summary</h3>
          <p data-testid="ticket-summary">{ticket.summary ?? <span class="muted">No summary.</span>}</p>
          <div class="card-title-row">
            <h3 class="field-label">Helpful notes</h3>
            {props.canEdit && !editing && (
              <button
                type="button"
                class="button button-small button-secondary"
                onClick={() => setEditing(true)}
              >
                Edit notes
              </button>
            )}
          </div>
          {editing ? (
            <NotesEditor ticket={ticket} onUpdated={props.onUpdated} onDone={() => setEditing(false)} />
          ) : (
            <p class="prewrap" data-testid="ticket-notes">
              {ticket.helpful_notes ?? <span class="muted">None yet.</span>}
            </p>
          )}
          <h3 class="field-label">Related skills</h3>
          {ticket.related_skills && ticket.related_skills.length > 0 ? (
            <ul class="chips" data-testid="ticket-skills">
              {ticket.related_skills.map((s) => (
                <li key={s} class="chip">
                  {s}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">None identified.</p>
          )}
        </>
      )}
    </section>
  )
}
