import { useMemo, useRef, useState } from 'preact/hooks'
import type { ApiError } from '../../api/client'
import { tickets, users } from '../../api/endpoints'
import type { Ticket, User } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorMessage } from '../../components/ErrorMessage'
import { Link } from '../../components/Link'
import { PageHeader } from '../../components/PageHeader'
import { Skeleton } from '../../components/States'
import { RelativeTime } from '../../components/Time'
import { announce } from '../../lib/announce'
import { useLiveRefetch } from '../../lib/live'
import { navigate } from '../../lib/router'
import { useUser } from '../../lib/session'
import { toApiError, useAsync } from '../../lib/useAsync'
import { useThread } from '../../lib/useThread'
import { isStaff } from '../../lib/workflow'
import { Comments } from './Comments'
import { describeChange } from './changes'
import { FoldedText, ShowOriginal } from './EmailText'
import { History } from './History'
import { MergeDialog, type MergeSuggestion } from './MergeDialog'
import { type Directory, learnPeople, nameOf } from './people'
import { ResolutionPrompt } from './ResolutionPrompt'
import { SimilarPanel } from './SimilarPanel'
import { StaffPanel } from './StaffPanel'
import { AnalysisCard, DetailsCard } from './TicketDetails'

/** Active moderators and admins, for an admin's assignee picker (GET /api/users is admin-only). */
async function loadStaff(): Promise<User[]> {
  const [moderators, admins] = await Promise.all([
    users.list({ role: 'moderator', limit: 100 }),
    users.list({ role: 'admin', limit: 100 }),
  ])
  return [...moderators.items, ...admins.items].filter((u) => u.is_active)
}

export function TicketPage({ id }: { id: string }) {
  const viewer = useUser()
  const staff = isStaff(viewer.role)
  const ticket = useAsync(() => tickets.get(id), [id])
  const comments = useThread((n, limit) => tickets.comments(id, n, limit), [id])
  const history = useThread((n, limit) => tickets.history(id, n, limit), [id])
  const staffList = useAsync(async () => (viewer.role === 'admin' ? loadStaff() : undefined), [viewer.role])
  const [deleted, setDeleted] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const [deleteError, setDeleteError] = useState<ApiError>()
  const shown = useRef<Ticket | undefined>(undefined)
  const [merging, setMerging] = useState(false)
  const [mergeSuggestion, setMergeSuggestion] = useState<MergeSuggestion>()
  const mergedInto = ticket.data?.merged_into ?? null
  // A merged ticket names where its conversation went: "Merged into #N".
  const mergeTarget = useAsync(async () => (mergedInto ? tickets.get(mergedInto) : undefined), [mergedInto])

  const directory: Directory = useMemo(
    () => ({
      viewer,
      staff: new Map((staffList.data ?? []).map((u) => [u.id, u])),
      known: learnPeople(history.data, comments.data),
    }),
    [viewer, staffList.data, history.data, comments.data],
  )

  const reloadAll = async (announceChanges: boolean) => {
    const before = shown.current
    const [after, thread, events] = await Promise.all([ticket.reload(), comments.reload(), history.reload()])
    if (announceChanges && before && after) {
      const names = { ...directory, known: learnPeople(events, thread) }
      const text = describeChange(before, after, (who) => nameOf(names, who))
      if (text) announce(text)
    }
  }

  useLiveRefetch(
    (event) => event.ticket_id === id,
    (event) => {
      if (event.kind === 'ticket.deleted') {
        setDeleted(true)
        announce('This ticket was deleted.', 'error')
        return
      }
      void reloadAll(true)
    },
  )

  const onUpdated = (patched: Ticket) => {
    // A PATCH answers the ticket without its single-ticket fields (files, participants, channel).
    const next = { ...ticket.data, ...patched }
    ticket.setData(next)
    shown.current = next
    void history.reload()
  }

  const remove = async () => {
    setDeleting(true)
    setDeleteError(undefined)
    try {
      await tickets.remove(id)
      setConfirmDelete(false)
      announce('Ticket deleted.', 'success')
      navigate('/queue')
    } catch (e) {
      setDeleteError(toApiError(e))
      setDeleting(false)
    }
  }

  if (ticket.error && !ticket.data) {
    const status = ticket.error.status
    return (
      <section>
        <PageHeader title={status === 404 ? 'Ticket not found' : status === 403 ? 'Not allowed' : 'Ticket'} />
        <ErrorMessage error={ticket.error} />
        <p>
          <Link href={staff ? '/queue' : '/tickets'}>← Back to {staff ? 'the queue' : 'my tickets'}</Link>
        </p>
      </section>
    )
  }

  const t = ticket.data
  shown.current = t
  const mine = t?.created_by === viewer.id
  const creator = t ? (mine ? 'you' : nameOf(directory, t.created_by, history.data ? 'a customer' : '…')) : ''
  return (
    <section class="ticket-page">
      <p class="breadcrumb">
        <Link href={staff ? '/queue' : '/tickets'}>← {staff ? 'Queue' : 'My tickets'}</Link>
      </p>
      <PageHeader
        title={t?.title ?? 'Loading ticket…'}
        documentTitle={t ? `#${t.number} ${t.title}` : 'Ticket'}
        subtitle={
          t ? (
            <>
              Filed <RelativeTime iso={t.created_at} /> by {creator} ·{' '}
              <span class="ticket-number">#{t.number}</span>
              {t.channel === 'email' && ' · by email'}
            </>
          ) : (
            '\u00a0'
          )
        }
      />
      {deleted && (
        <div class="alert alert-error" role="alert">
          <strong class="alert-title">This ticket has been deleted.</strong>{' '}
          <Link href={staff ? '/queue' : '/tickets'}>Back to the list</Link>
        </div>
      )}
      {t?.merged_into && (
        <div class="alert alert-warning merged-banner" role="status">
          <strong class="alert-title">
            Merged into{' '}
            <Link href={`/tickets/${t.merged_into}`}>
              {mergeTarget.data ? `#${mergeTarget.data.number} ${mergeTarget.data.title}` : 'another ticket'}
            </Link>
          </strong>
          <p class="alert-detail">This ticket is closed; its conversation continues there.</p>
        </div>
      )}
      {!t ? (
        <div class="ticket-layout">
          <div class="ticket-main card">
            <Skeleton lines={8} label="Loading ticket…" />
          </div>
          <div class="ticket-side card">
            <Skeleton lines={6} label="" />
          </div>
        </div>
      ) : (
        <div class="ticket-layout">
          <div class="ticket-main">
            {mine && t.status === 'resolved' && !deleted && (
              <ResolutionPrompt ticket={t} onUpdated={onUpdated} />
            )}
            <section class="card" aria-labelledby="description-title">
              <h2 id="description-title" class="card-title">
                Description
              </h2>
              {t.channel === 'email' ? (
                <FoldedText class="prewrap description" text={t.description} />
              ) : (
                <p class="prewrap description">{t.description}</p>
              )}
              {t.channel === 'email' && staff && <ShowOriginal ticketId={t.id} />}
            </section>
            <AnalysisCard ticket={t} canEdit={staff && !deleted} onUpdated={onUpdated} />
            <Comments
              ticket={t}
              comments={comments}
              onPosted={() => void Promise.all([ticket.reload(), history.reload()])}
            />
          </div>
          <aside class="ticket-side" aria-label="Ticket details">
            <DetailsCard ticket={t} directory={directory} />
            {staff && !deleted && (
              <StaffPanel
                ticket={t}
                directory={directory}
                staffList={viewer.role === 'admin' ? (staffList.data ?? []) : undefined}
                onUpdated={onUpdated}
                onDelete={() => setConfirmDelete(true)}
              />
            )}
            {staff && !deleted && (
              <SimilarPanel
                ticket={t}
                onMerge={(into) => {
                  setMergeSuggestion(into ? { number: into.number, title: into.title } : undefined)
                  setMerging(true)
                }}
              />
            )}
            <History history={history} directory={directory} />
          </aside>
        </div>
      )}
      {t && staff && (
        <MergeDialog
          ticket={t}
          open={merging}
          suggested={mergeSuggestion}
          onClose={() => setMerging(false)}
          onMerged={(merged) => {
            setMerging(false)
            onUpdated(merged)
            void comments.reload()
          }}
        />
      )}
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this ticket?"
        confirmLabel="Delete ticket"
        busy={deleting}
        error={deleteError}
        onCancel={() => {
          setConfirmDelete(false)
          setDeleteError(undefined)
        }}
        onConfirm={() => void remove()}
      >
        <p>
          “{t?.title}” and its conversation and history will be removed for everyone. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  )
}
