// An emailed ticket's or comment's text with its quoted history folded, and for staff the
// original email (headers and the whole text, signature and quotes included) on request.
import { useState } from 'preact/hooks'
import { tickets } from '../../api/endpoints'
import { ErrorMessage } from '../../components/ErrorMessage'
import { DateTime } from '../../components/Time'
import { splitQuoted } from '../../lib/quoted'
import { useAsync } from '../../lib/useAsync'

const lineCount = (text: string) => {
  const n = text.split('\n').length
  return `${n} line${n === 1 ? '' : 's'}`
}

/** Text as written, with quoted parts folded behind a "Quoted text" toggle. */
export function FoldedText({ text, class: className }: { text: string; class: string }) {
  const parts = splitQuoted(text)
  if (!parts.some((p) => p.quoted)) return <p class={className}>{text}</p>
  return (
    <div class={className}>
      {parts.map((part, index) =>
        part.quoted ? (
          <details key={index} class="quoted">
            <summary>Quoted text ({lineCount(part.text)})</summary>
            <div class="quoted-text">{part.text}</div>
          </details>
        ) : (
          <p key={index} class="folded-part">
            {part.text}
          </p>
        ),
      )}
    </div>
  )
}

function OriginalPanel({ ticketId, commentId }: { ticketId: string; commentId?: string }) {
  const original = useAsync(() => tickets.original(ticketId, commentId), [ticketId, commentId])
  const o = original.data
  if (original.error) return <ErrorMessage error={original.error} title="Could not load the original." />
  if (!o) return <p class="muted small">Loading the original email…</p>
  return (
    <div class="original-email" data-testid="original-email">
      <dl class="details">
        <dt>From</dt>
        <dd>{o.from ?? '—'}</dd>
        <dt>To</dt>
        <dd>{o.to.join(', ') || '—'}</dd>
        {o.cc.length > 0 && (
          <>
            <dt>Cc</dt>
            <dd>{o.cc.join(', ')}</dd>
          </>
        )}
        <dt>Subject</dt>
        <dd>{o.subject ?? '—'}</dd>
        <dt>Sent</dt>
        <dd>{o.date ? <DateTime iso={o.date} /> : '—'}</dd>
      </dl>
      <details class="original-headers">
        <summary>All headers</summary>
        <pre class="email-text">{o.headers}</pre>
      </details>
      <h3 class="field-label">The whole text</h3>
      <pre class="email-text">{o.text || '(no text)'}</pre>
    </div>
  )
}

/** "Show original" (staff): loads the email when first opened. */
export function ShowOriginal({ ticketId, commentId }: { ticketId: string; commentId?: string }) {
  const [open, setOpen] = useState(false)
  const panelId = `original-${commentId ?? ticketId}`
  return (
    <div class="show-original">
      <button
        type="button"
        class="button button-small button-secondary"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? 'Hide original' : 'Show original'}
      </button>
      <div id={panelId} hidden={!open}>
        {open && <OriginalPanel ticketId={ticketId} commentId={commentId} />}
      </div>
    </div>
  )
}
