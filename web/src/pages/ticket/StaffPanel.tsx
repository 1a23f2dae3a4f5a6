import { useEffect, useId, useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { type TicketPatch, tickets } from '../../api/endpoints'
import { PRIORITIES, type Priority, type Ticket, type TicketStatus, type User } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Select } from '../../components/Field'
import { announce } from '../../lib/announce'
import { personName } from '../../lib/format'
import { toApiError } from '../../lib/useAsync'
import {
  isFinal,
  MOVE_LABEL,
  NEXT_STATUSES,
  PRIORITY_LABEL,
  ROLE_LABEL,
  STATUS_LABEL,
} from '../../lib/workflow'
import { type Directory, nameOf } from './people'

interface Props {
  ticket: Ticket
  directory: Directory
  /** Active moderators and admins to assign to; undefined for moderators (they cannot list users). */
  staffList: User[] | undefined
  onUpdated: (ticket: Ticket) => void
  onDelete: () => void
}

export function StaffPanel({ ticket, directory, staffList, onUpdated, onDelete }: Props) {
  const viewer = directory.viewer
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [finalMove, setFinalMove] = useState<TicketStatus>()
  const [priority, setPriority] = useState<Priority>(ticket.priority)
  const [assignee, setAssignee] = useState(ticket.assigned_to ?? '')
  const headingId = useId()

  // A live update or another moderator's change resets the controls to what the ticket now is.
  useEffect(() => setPriority(ticket.priority), [ticket.priority])
  useEffect(() => setAssignee(ticket.assigned_to ?? ''), [ticket.assigned_to])

  const apply = async (patch: TicketPatch, done: string) => {
    setBusy(true)
    setError(undefined)
    try {
      onUpdated(await tickets.update(ticket.id, patch))
      announce(done, 'success')
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
      setFinalMove(undefined)
    }
  }

  const move = (status: TicketStatus) => apply({ status }, `Status changed to ${STATUS_LABEL[status]}.`)

  const next = NEXT_STATUSES[ticket.status]
  const triageChanged =
    priority !== ticket.priority || (staffList !== undefined && assignee !== (ticket.assigned_to ?? ''))

  return (
    <section class="card staff-panel" aria-labelledby={headingId}>
      <h2 id={headingId} class="card-title">
        Manage ticket
      </h2>
      <ErrorMessage error={error} title="The change was not saved." />

      <div class="panel-block">
        <h3 class="panel-label">Move to</h3>
        {next.length === 0 ? (
          <p class="muted">{STATUS_LABEL[ticket.status]} is final: no further moves.</p>
        ) : (
          <div class="button-row">
            {next.map((status) => (
              <button
                key={status}
                type="button"
                class={`button ${isFinal(status) ? 'button-secondary' : 'button-primary'}${status === 'cancelled' ? ' button-danger-text' : ''}`}
                disabled={busy}
                onClick={() => (isFinal(status) ? setFinalMove(status) : void move(status))}
              >
                {MOVE_LABEL[status]}
              </button>
            ))}
          </div>
        )}
      </div>

      <form
        class="panel-block"
        onSubmit={(event) => {
          event.preventDefault()
          const patch: TicketPatch = {}
          if (priority !== ticket.priority) patch.priority = priority
          if (staffList && assignee !== (ticket.assigned_to ?? '')) patch.assigned_to = assignee || null
          void apply(patch, 'Ticket updated.')
        }}
      >
        <Select
          id="ticket-priority"
          label="Priority"
          compact
          value={priority}
          options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABEL[p] }))}
          onChange={(value) => value && setPriority(value)}
        />
        {staffList && (
          <Select
            id="ticket-assignee"
            label="Assignee"
            compact
            value={assignee}
            options={[
              { value: '', label: 'Unassigned' },
              ...staffList.map((u) => ({ value: u.id, label: `${personName(u)} · ${ROLE_LABEL[u.role]}` })),
              ...(ticket.assigned_to && !staffList.some((u) => u.id === ticket.assigned_to)
                ? [{ value: ticket.assigned_to, label: nameOf(directory, ticket.assigned_to) }]
                : []),
            ]}
            onChange={setAssignee}
          />
        )}
        <button type="submit" class="button button-secondary" disabled={busy || !triageChanged}>
          Save changes
        </button>
      </form>

      {!staffList && (
        <div class="panel-block">
          <h3 class="panel-label">Assignment</h3>
          <div class="button-row">
            {ticket.assigned_to !== viewer.id && (
              <button
                type="button"
                class="button button-secondary"
                disabled={busy}
                onClick={() => void apply({ assigned_to: viewer.id }, 'Assigned to you.')}
              >
                Assign to me
              </button>
            )}
            {ticket.assigned_to && (
              <button
                type="button"
                class="button button-secondary"
                disabled={busy}
                onClick={() => void apply({ assigned_to: null }, 'Ticket unassigned.')}
              >
                Unassign
              </button>
            )}
          </div>
        </div>
      )}

      <div class="panel-block panel-danger">
        <button type="button" class="button button-danger-outline" onClick={onDelete} disabled={busy}>
          Delete ticket…
        </button>
      </div>

      <ConfirmDialog
        open={finalMove !== undefined}
        title={finalMove === 'cancelled' ? 'Cancel this ticket?' : 'Close this ticket?'}
        confirmLabel={finalMove ? MOVE_LABEL[finalMove] : ''}
        busy={busy}
        onCancel={() => setFinalMove(undefined)}
        onConfirm={() => finalMove && void move(finalMove)}
      >
        <p>
          {finalMove ? STATUS_LABEL[finalMove] : ''} is final: the ticket cannot be moved again afterwards.
        </p>
      </ConfirmDialog>
    </section>
  )
}
