import { useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { tickets } from '../../api/endpoints'
import type { Comment, Ticket } from '../../api/types'
import { AttachmentList, FilePicker } from '../../components/Attachments'
import { EarlierButton } from '../../components/EarlierButton'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Field, lengthProblem } from '../../components/Field'
import { Skeleton } from '../../components/States'
import { RelativeTime } from '../../components/Time'
import { announce } from '../../lib/announce'
import { personName } from '../../lib/format'
import { useUser } from '../../lib/session'
import { toApiError } from '../../lib/useAsync'
import type { Thread } from '../../lib/useThread'
import { isStaff } from '../../lib/workflow'
import { FoldedText, ShowOriginal } from './EmailText'

const BODY_RULE = { min: 1, max: 5000 }

function CommentItem(props: { comment: Comment; mine: boolean; ticketId: string; viewerIsStaff: boolean }) {
  const { comment, mine } = props
  const staff = isStaff(comment.author.role)
  const emailed = comment.channel === 'email'
  const kind = comment.internal ? ' comment-internal' : staff ? ' comment-staff' : ''
  return (
    <li class={`comment${kind}${mine ? ' comment-mine' : ''}`}>
      <div class="comment-head">
        <span class="comment-author">{mine ? 'You' : personName(comment.author)}</span>
        {/* Said in words, not only by the background: the customer never sees this one. */}
        {comment.internal && <span class="badge badge-internal">Internal note · staff only</span>}
        {staff && !comment.internal && <span class="badge role-moderator">Support</span>}
        {emailed && <span class="badge channel-email">By email</span>}
        <span class="comment-time">
          <RelativeTime iso={comment.created_at} />
        </span>
      </div>
      {emailed ? (
        <FoldedText class="comment-body" text={comment.body} />
      ) : (
        <p class="comment-body">{comment.body}</p>
      )}
      <AttachmentList attachments={comment.attachments} label="Attached files" />
      {emailed && props.viewerIsStaff && <ShowOriginal ticketId={props.ticketId} commentId={comment.id} />}
    </li>
  )
}

export function Comments(props: { ticket: Ticket; comments: Thread<Comment>; onPosted: () => void }) {
  const { ticket, comments } = props
  const user = useUser()
  const [body, setBody] = useState('')
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [internal, setInternal] = useState(false)
  const [files, setFiles] = useState<File[]>([])
  // Bumped after a post so the file input starts empty again.
  const [pickerKey, setPickerKey] = useState(0)
  const staffUser = isStaff(user.role)
  const asNote = staffUser && internal
  const problem = lengthProblem(asNote ? 'Note' : 'Reply', body, BODY_RULE)
  const creatorReplyResumes =
    !asNote && ticket.created_by === user.id && ticket.status === 'waiting_for_customer'

  const submit = async (event: Event) => {
    event.preventDefault()
    setTried(true)
    if (problem) return
    setBusy(true)
    setError(undefined)
    try {
      // Files first: the reply then names them, and a failed upload posts nothing.
      const uploaded = files.length > 0 ? await tickets.uploadAttachments(ticket.id, files) : []
      const comment = await tickets.addComment(
        ticket.id,
        body.trim(),
        asNote,
        uploaded.map((a) => a.id),
      )
      comments.setData([...(comments.data ?? []), comment])
      setBody('')
      setFiles([])
      setPickerKey((k) => k + 1)
      setTried(false)
      announce(asNote ? 'Internal note added.' : 'Reply posted.', 'success')
      props.onPosted()
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  const count = comments.data && comments.earlier + comments.data.length
  return (
    <section class="card" aria-labelledby="comments-title">
      <h2 id="comments-title" class="card-title">
        Conversation {count ? <span class="count">{count}</span> : null}
      </h2>
      <ErrorMessage error={comments.error} title="Could not load the comments." />
      {!comments.data && !comments.error && <Skeleton lines={3} label="Loading comments…" />}
      {comments.data?.length === 0 && <p class="muted">No messages yet.</p>}
      <EarlierButton thread={comments} what="messages" />
      {comments.data && comments.data.length > 0 && (
        <ol class="comments">
          {comments.data.map((c) => (
            <CommentItem
              key={c.id}
              comment={c}
              mine={c.author.id === user.id}
              ticketId={ticket.id}
              viewerIsStaff={staffUser}
            />
          ))}
        </ol>
      )}
      <form class={`reply${asNote ? ' reply-internal' : ''}`} onSubmit={submit} noValidate>
        <ErrorMessage
          error={error}
          title={asNote ? 'Could not add the note.' : 'Could not post the reply.'}
        />
        {staffUser && (
          <label class="check">
            <input
              type="checkbox"
              checked={internal}
              onChange={(e) => setInternal((e.currentTarget as HTMLInputElement).checked)}
            />
            Internal note <span class="muted">(staff only; the customer is not told)</span>
          </label>
        )}
        <Field
          id="reply-body"
          label={
            asNote
              ? 'Internal note'
              : staffUser && ticket.created_by !== user.id
                ? 'Reply to the customer'
                : 'Your reply'
          }
          multiline
          rows={3}
          value={body}
          onInput={setBody}
          rule={BODY_RULE}
          error={problem}
          showError={tried || body.trim().length > BODY_RULE.max}
          hint={
            creatorReplyResumes
              ? 'Support is waiting for you: replying moves the ticket back to In progress.'
              : undefined
          }
        />
        <FilePicker
          key={pickerKey}
          id="reply-files"
          label="Attach files"
          files={files}
          onChange={setFiles}
          disabled={busy}
        />
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Posting…' : asNote ? 'Add internal note' : 'Post reply'}
          </button>
        </div>
      </form>
    </section>
  )
}
