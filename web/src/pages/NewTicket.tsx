import { useEffect, useState } from 'preact/hooks'
import type { ApiError } from '../api/client'
import { tickets } from '../api/endpoints'
import type { SimilarTicket } from '../api/types'
import { FilePicker } from '../components/Attachments'
import { ErrorMessage } from '../components/ErrorMessage'
import { Field, lengthProblem } from '../components/Field'
import { Link } from '../components/Link'
import { PageHeader } from '../components/PageHeader'
import { announce } from '../lib/announce'
import { navigate } from '../lib/router'
import { toApiError } from '../lib/useAsync'

// The server's rules (tickets-module.md), applied to the trimmed text as the server does.
export const TITLE_RULE = { min: 5, max: 200 }
export const DESCRIPTION_RULE = { min: 10, max: 5000 }

export function NewTicket() {
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  // Problems show once a submit was tried (or a limit is passed): a message appearing on blur
  // would move the submit button away from under the pointer.
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [files, setFiles] = useState<File[]>([])

  const similar = useOwnSimilar(title, description)
  const titleProblem = lengthProblem('Title', title, TITLE_RULE)
  const descriptionProblem = lengthProblem('Description', description, DESCRIPTION_RULE)

  const submit = async (event: Event) => {
    event.preventDefault()
    setTried(true)
    if (titleProblem) return document.getElementById('ticket-title')?.focus()
    if (descriptionProblem) return document.getElementById('ticket-description')?.focus()
    setBusy(true)
    setError(undefined)
    try {
      const ticket = await tickets.create({ title: title.trim(), description: description.trim() })
      // The ticket exists now: files are uploaded to it, and a failed upload does not undo it.
      let uploadProblem: string | undefined
      if (files.length > 0) {
        try {
          await tickets.uploadAttachments(ticket.id, files)
        } catch (e) {
          const problem = toApiError(e)
          uploadProblem = problem.detail ?? problem.message
        }
      }
      if (uploadProblem) announce(`Ticket filed, but the files were not attached: ${uploadProblem}`, 'error')
      else announce('Ticket filed. Analysis has started.', 'success')
      navigate(`/tickets/${ticket.id}`)
    } catch (e) {
      setError(toApiError(e))
      setBusy(false)
    }
  }

  return (
    <section class="narrow">
      <PageHeader
        title="New ticket"
        subtitle="Tell us what is wrong. We read every ticket, summarise it and route it to the right person."
      />
      <form class="card form" onSubmit={submit} noValidate>
        <ErrorMessage error={error} title="Could not file the ticket." />
        <Field
          id="ticket-title"
          label="Title"
          value={title}
          onInput={setTitle}
          rule={TITLE_RULE}
          hint="A short headline, e.g. “VPN disconnects every few minutes”."
          error={titleProblem}
          showError={tried || title.trim().length > TITLE_RULE.max}
          required
        />
        <Field
          id="ticket-description"
          label="Description"
          multiline
          rows={8}
          value={description}
          onInput={setDescription}
          rule={DESCRIPTION_RULE}
          hint="What happened, what you expected, and any error messages you saw."
          error={descriptionProblem}
          showError={tried || description.trim().length > DESCRIPTION_RULE.max}
          required
        />
        <div aria-live="polite" class="similar-warning-region">
          {similar.length > 0 && (
            <div class="alert alert-warning similar-warning">
              <strong class="alert-title">
                You filed something similar:{' '}
                {similar.map((s, i) => (
                  <span key={s.id}>
                    {i > 0 && ', '}
                    <Link href={`/tickets/${s.id}`}>#{s.number}</Link>
                  </span>
                ))}
              </strong>
              <p class="alert-detail">
                {similar.length === 1 ? `“${similar[0]?.title}” is still open. ` : 'They are still open. '}
                Add to it instead of filing a new ticket, if it is the same problem.
              </p>
            </div>
          )}
        </div>
        <FilePicker
          id="ticket-files"
          label="Attach files"
          files={files}
          onChange={setFiles}
          disabled={busy}
        />
        <div class="form-actions">
          <Link class="button button-secondary" href="/tickets">
            Cancel
          </Link>
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Filing…' : 'File ticket'}
          </button>
        </div>
      </form>
    </section>
  )
}

/**
 * The requester's own open tickets that look like what they are typing (GET
 * /api/tickets/own-similar), asked 500 ms after they stop typing; a failed check shows nothing
 * (it is advice, and must never stand in the way of filing).
 */
function useOwnSimilar(title: string, description: string): SimilarTicket[] {
  const [found, setFound] = useState<SimilarTicket[]>([])
  useEffect(() => {
    const t = title.trim()
    if (t.length < TITLE_RULE.min) {
      setFound([])
      return
    }
    let current = true
    const timer = setTimeout(() => {
      tickets
        .ownSimilar(t.slice(0, TITLE_RULE.max), description.trim().slice(0, DESCRIPTION_RULE.max))
        .then((list) => current && setFound(list))
        .catch(() => current && setFound([]))
    }, 500)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [title, description])
  return found
}
