// Merging a duplicate into the ticket it duplicates (api-contract.md, "Similar tickets and merge").
//
// The duplicate's comments and files are MOVED to the target, not copied: the conversation goes on
// in one place, each message exists once (search, counts and exports see it once), a file keeps
// its id (an email that carried it still names it), and deleting the closed duplicate later loses
// nothing. The duplicate keeps its title, description and history, and says where it went
// (merged_into); its description also goes to the target, as a comment by its requester dated when
// it was filed. Everything commits in one transaction with the history of both tickets and the
// requester's email.
import type { Db, Tx } from '../../db/client.js'
import type { TicketRow } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError, notFound } from '../../errors.js'
import { isUuid } from '../../http/schemas.js'
import type { SessionUser } from '../auth/session.repository.js'
import type { Notifier } from '../notifications/notifier.js'
import * as mergeRepo from './merge.repository.js'
import { addParticipants } from './participants.js'
import * as repo from './ticket.repository.js'
import type { MergeTicketInput, TicketDto } from './ticket.schemas.js'
import { TICKET_NOT_FOUND } from './ticket.service.js'

type Actor = Pick<SessionUser, 'id' | 'role'>

export const TARGET_NOT_FOUND = 'Target ticket not found'
export const MERGE_INTO_ITSELF = 'Cannot merge a ticket into itself'
export const ALREADY_MERGED = 'Ticket is already merged'
export const TARGET_MERGED = 'Cannot merge into a merged ticket'
export const MERGE_CYCLE = 'Merging would create a cycle'

const conflict = (message: string, detail?: string) => new AppError('CONFLICT', message, detail)

/** The target's id, from a UUID or a ticket number; undefined when no such ticket exists. */
async function targetId(tx: Tx, into: MergeTicketInput['into']): Promise<string | undefined> {
  if (typeof into === 'number') return repo.findTicketIdByNumber(tx, into)
  return isUuid(into) ? into.toLowerCase() : undefined
}

export async function mergeTicket(
  db: Db,
  notifier: Notifier,
  user: Actor,
  id: string,
  input: MergeTicketInput,
): Promise<TicketDto> {
  return inTransaction(db, async (tx) => {
    if (!isUuid(id)) throw notFound(TICKET_NOT_FOUND)
    const sourceId = id.toLowerCase()
    const intoId = await targetId(tx, input.into)
    if (intoId === sourceId) throw conflict(MERGE_INTO_ITSELF)
    const locked = intoId ? await mergeRepo.lockPair(tx, sourceId, intoId) : []
    const source = locked.find((t) => t.id === sourceId) ?? (await repo.findTicket(tx, sourceId))
    if (!source) throw notFound(TICKET_NOT_FOUND)
    const target = locked.find((t) => t.id === intoId)
    if (!target) throw notFound(TARGET_NOT_FOUND)
    await assertMergeable(tx, source, target)
    return merge(tx, notifier, user, source, target)
  })
}

/** 409 unless `source` may go into `target`: neither is merged, and target does not lead back to source. */
async function assertMergeable(tx: Tx, source: TicketRow, target: TicketRow): Promise<void> {
  if (source.mergedInto) {
    const into = await repo.findTicket(tx, source.mergedInto)
    throw conflict(ALREADY_MERGED, `#${source.number} was merged into #${into?.number ?? '?'}`)
  }
  if (target.mergedInto) {
    const into = await repo.findTicket(tx, target.mergedInto)
    throw conflict(
      TARGET_MERGED,
      `#${target.number} was merged into #${into?.number ?? '?'}; merge into that ticket instead`,
    )
  }
  // With both unmerged no chain exists yet; this guards the rule itself, should data ever hold a
  // chain (merged_into set by hand, an import): follow the target's chain and refuse a loop.
  const seen = new Set<string>([target.id])
  let next = target.mergedInto
  while (next) {
    if (next === source.id || seen.has(next)) throw conflict(MERGE_CYCLE)
    seen.add(next)
    next = (await repo.findTicket(tx, next))?.mergedInto ?? null
  }
}

async function merge(
  tx: Tx,
  notifier: Notifier,
  user: Actor,
  source: TicketRow,
  target: TicketRow,
): Promise<TicketDto> {
  const descriptionId = await mergeRepo.insertMergedDescription(tx, source, target.id)
  const comments = await mergeRepo.moveComments(tx, source.id, target.id)
  const files = await mergeRepo.moveAttachments(tx, source.id, target.id, descriptionId)
  // The requester (and whoever followed the duplicate) now follow the target.
  const followers = [source.createdBy, ...(await mergeRepo.participantIds(tx, source.id))].filter(
    (userId, i, all) => userId !== target.createdBy && all.indexOf(userId) === i,
  )
  await addParticipants(tx, target.id, followers)
  const repointed = await mergeRepo.repointMergedInto(tx, source.id, target.id)
  const merged = await mergeRepo.closeAsMerged(tx, source.id, target.id)
  const touched = await mergeRepo.touch(tx, target.id)
  const events: repo.NewTicketEvent[] = [
    {
      ticketId: source.id,
      actorId: user.id,
      type: 'merged',
      fromValue: null,
      toValue: target.id,
      details: { direction: 'into', ticket_id: target.id, ticket_number: target.number },
    },
  ]
  if (source.status !== 'closed')
    events.push({
      ticketId: source.id,
      actorId: user.id,
      type: 'status_changed',
      fromValue: source.status,
      toValue: 'closed',
      details: { reason: 'merged' },
    })
  events.push({
    ticketId: target.id,
    actorId: user.id,
    type: 'merged',
    fromValue: source.id,
    toValue: null,
    details: {
      direction: 'from',
      ticket_id: source.id,
      ticket_number: source.number,
      comments_moved: comments,
      attachments_moved: files,
      participants_added: followers,
      ...(repointed.length > 0 ? { also_merged: repointed } : {}),
    },
  })
  await repo.insertEvents(tx, events)
  await notifier.ticketMerged(tx, source, touched, user.id)
  return repo.toTicketDto(merged)
}
