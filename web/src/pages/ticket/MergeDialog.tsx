import { useEffect, useId, useRef, useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { tickets } from '../../api/endpoints'
import type { Ticket } from '../../api/types'
import { ErrorMessage } from '../../components/ErrorMessage'
import { announce } from '../../lib/announce'
import { toApiError } from '../../lib/useAsync'

/** A target the dialog starts from: a similar ticket's "Merge into" button. */
export interface MergeSuggestion {
  number: number
  title: string
}

interface Props {
  ticket: Ticket
  open: boolean
  suggested?: MergeSuggestion | undefined
  onClose: () => void
  onMerged: (ticket: Ticket) => void
}

/**
 * Merge this ticket into another, chosen by number, on the native <dialog> (focus stays inside,
 * Escape cancels). The number field has focus first; a second step names both tickets and asks to
 * confirm, since a merge cannot be undone. The server's refusals (unknown number, a merged
 * ticket) show in the dialog.
 */
export function MergeDialog({ ticket, open, suggested, onClose, onMerged }: Props) {
  const dialog = useRef<HTMLDialogElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const mergeButton = useRef<HTMLButtonElement>(null)
  const opener = useRef<HTMLElement | null>(null)
  const [number, setNumber] = useState('')
  const [target, setTarget] = useState<number>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [problem, setProblem] = useState<string>()
  const titleId = useId()

  useEffect(() => {
    const d = dialog.current
    if (!d) return
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
      setNumber(suggested ? String(suggested.number) : '')
      setTarget(undefined)
      setError(undefined)
      setProblem(undefined)
      d.showModal()
      input.current?.focus()
    } else if (!open && d.open) {
      d.close()
      if (opener.current?.isConnected) opener.current.focus()
    }
  }, [open, suggested])

  // The confirmation step: focus its action, so Enter confirms and Tab reaches "Back".
  useEffect(() => {
    if (target !== undefined) mergeButton.current?.focus()
    else if (open) input.current?.focus()
  }, [target])

  const cancel = () => {
    if (!busy) onClose()
  }

  const next = (event: Event) => {
    event.preventDefault()
    setError(undefined)
    const n = Number(number.trim().replace(/^#/, ''))
    if (!Number.isInteger(n) || n < 1) return setProblem('Enter a ticket number, like 1042')
    if (n === ticket.number) return setProblem('A ticket cannot be merged into itself')
    setProblem(undefined)
    setTarget(n)
  }

  const merge = async () => {
    if (target === undefined) return
    setBusy(true)
    setError(undefined)
    try {
      const merged = await tickets.merge(ticket.id, target)
      announce(`Ticket #${ticket.number} merged into #${target}.`, 'success')
      onMerged(merged)
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  const targetTitle = suggested && suggested.number === target ? ` “${suggested.title}”` : ''
  return (
    <dialog
      ref={dialog}
      class="dialog merge-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault()
        cancel()
      }}
    >
      <h2 id={titleId} class="dialog-title">
        Merge #{ticket.number} into another ticket
      </h2>
      {target === undefined ? (
        <form onSubmit={next} noValidate>
          <div class="dialog-body">
            <div class={`field${problem ? ' has-error' : ''}`}>
              <div class="field-top">
                <label for="merge-target">Target ticket number</label>
              </div>
              <input
                ref={input}
                id="merge-target"
                type="text"
                inputMode="numeric"
                autoComplete="off"
                placeholder="e.g. 1042"
                value={number}
                aria-describedby="merge-target-hint"
                aria-invalid={problem ? 'true' : undefined}
                onInput={(e) => setNumber((e.currentTarget as HTMLInputElement).value)}
              />
              <p id="merge-target-hint" class={problem ? 'field-error' : 'field-hint'}>
                {problem ??
                  'The ticket this one duplicates. This ticket is closed and its conversation moves there.'}
              </p>
            </div>
          </div>
          <div class="dialog-actions">
            <button type="button" class="button button-secondary" onClick={cancel}>
              Cancel
            </button>
            <button type="submit" class="button button-primary">
              Next
            </button>
          </div>
        </form>
      ) : (
        <>
          <div class="dialog-body">
            <p>
              Merge <strong>#{ticket.number}</strong> “{ticket.title}” into <strong>#{target}</strong>
              {targetTitle}?
            </p>
            <p>
              #{ticket.number} will be closed. Its description, comments and files move to #{target}, and its
              requester follows #{target} and is told by email. This cannot be undone.
            </p>
          </div>
          <ErrorMessage error={error} title="Could not merge." />
          <div class="dialog-actions">
            <button
              type="button"
              class="button button-secondary"
              onClick={() => setTarget(undefined)}
              disabled={busy}
            >
              Back
            </button>
            <button
              ref={mergeButton}
              type="button"
              class="button button-danger"
              onClick={() => void merge()}
              disabled={busy}
            >
              {busy ? 'Merging…' : `Merge into #${target}`}
            </button>
          </div>
        </>
      )}
    </dialog>
  )
}
