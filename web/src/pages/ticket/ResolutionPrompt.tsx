import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { tickets } from '../../api/endpoints'
import type { Ticket } from '../../api/types'
import { ErrorMessage } from '../../components/ErrorMessage'
import { announce } from '../../lib/announce'
import { toApiError } from '../../lib/useAsync'

/** The creator's last word on a resolved ticket (api-contract.md): confirm → closed, reopen → in progress. */
export function ResolutionPrompt({ ticket, onUpdated }: { ticket: Ticket; onUpdated: (t: Ticket) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()

  const decide = async (decision: 'confirm' | 'reopen') => {
    setBusy(true)
    setError(undefined)
    try {
      onUpdated(await tickets.decide(ticket.id, decision))
      announce(decision === 'confirm' ? 'Thanks! The ticket is closed.' : 'Ticket reopened.', 'success')
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card card-highlight" aria-labelledby="resolution-title">
      <h2 id="resolution-title" class="card-title">
        Is your problem fixed?
      </h2>
      <p>
        Support marked this ticket as resolved. Confirm the fix to close it, or reopen it if the problem is
        still there.
      </p>
      <ErrorMessage error={error} />
      <div class="button-row">
        <button
          type="button"
          class="button button-primary"
          disabled={busy}
          onClick={() => void decide('confirm')}
        >
          Confirm fix
        </button>
        <button
          type="button"
          class="button button-secondary"
          disabled={busy}
          onClick={() => void decide('reopen')}
        >
          Reopen
        </button>
      </div>
    </section>
  )
}
