import { useState } from 'preact/hooks'
import type { ApiError } from '../api/client'
import { tickets } from '../api/endpoints'
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
