// The rows a merge moves: a duplicate's comments, files and followers go to the ticket it duplicates.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { attachments, type TicketRow, ticketComments, ticketParticipants, tickets } from '../../db/schema.js'
import { STAFF_ROLES } from '../users/roles.js'

/** Both tickets, locked in id order: two merges of the same pair, either way round, cannot deadlock. */
export async function lockPair(db: DbOrTx, a: string, b: string): Promise<TicketRow[]> {
  return db
    .select()
    .from(tickets)
    .where(inArray(tickets.id, [a, b]))
    .orderBy(asc(tickets.id))
    .for('update')
}

/**
 * The duplicate's own words on the target, as a comment by its requester dated when it was filed,
 * so the target's thread reads in the order things happened. Gives the comment's id.
 */
export async function insertMergedDescription(
  db: DbOrTx,
  source: TicketRow,
  targetId: string,
): Promise<string> {
  const [row] = await db
    .insert(ticketComments)
    .values({
      ticketId: targetId,
      authorId: source.createdBy,
      body: `Merged from #${source.number} "${source.title}":\n\n${source.description}`,
      internal: false,
      createdAt: source.createdAt,
    })
    .returning({ id: ticketComments.id })
  if (!row) throw new Error('insert returned no row')
  return row.id
}

/** Moves every comment of `fromId` to `toId` (their files follow: see moveAttachments); gives how many. */
export async function moveComments(db: DbOrTx, fromId: string, toId: string): Promise<number> {
  const rows = await db
    .update(ticketComments)
    .set({ ticketId: toId })
    .where(eq(ticketComments.ticketId, fromId))
    .returning({ id: ticketComments.id })
  return rows.length
}

/**
 * Moves the files of `fromId` to `toId`. The requester's files filed with the ticket (on no
 * comment) go on `descriptionCommentId`, beside the words they came with; a staff upload no
 * comment has claimed yet stays unclaimed (it may be meant for an internal note). Gives how many.
 */
export async function moveAttachments(
  db: DbOrTx,
  fromId: string,
  toId: string,
  descriptionCommentId: string,
): Promise<number> {
  const staffUpload = sql`EXISTS (SELECT 1 FROM users u WHERE u.id = ${attachments.uploadedBy} AND u.role IN (${sql.join(
    STAFF_ROLES.map((r) => sql`${r}`),
    sql`, `,
  )}))`
  const withTicket = await db
    .update(attachments)
    .set({ ticketId: toId, commentId: descriptionCommentId })
    .where(and(eq(attachments.ticketId, fromId), isNull(attachments.commentId), sql`NOT ${staffUpload}`))
    .returning({ id: attachments.id })
  const rest = await db
    .update(attachments)
    .set({ ticketId: toId })
    .where(eq(attachments.ticketId, fromId))
    .returning({ id: attachments.id })
  return withTicket.length + rest.length
}

/** The people who follow `ticketId` (its participants). */
export async function participantIds(db: DbOrTx, ticketId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: ticketParticipants.userId })
    .from(ticketParticipants)
    .where(eq(ticketParticipants.ticketId, ticketId))
  return rows.map((r) => r.userId)
}

/** Marks the duplicate merged and closed; gives it as written. */
export async function closeAsMerged(db: DbOrTx, id: string, intoId: string): Promise<TicketRow> {
  const [row] = await db
    .update(tickets)
    .set({ mergedInto: intoId, status: 'closed', updatedAt: sql`now()` })
    .where(eq(tickets.id, id))
    .returning()
  if (!row) throw new Error(`ticket ${id} vanished inside its transaction`)
  return row
}

/**
 * Tickets merged earlier into the duplicate now point at its target: every merged ticket points at
 * one that is not merged, so "Merged into #N" always names a live ticket. Gives their numbers.
 */
export async function repointMergedInto(db: DbOrTx, fromId: string, toId: string): Promise<number[]> {
  const rows = await db
    .update(tickets)
    .set({ mergedInto: toId })
    .where(eq(tickets.mergedInto, fromId))
    .returning({ number: tickets.number })
  return rows.map((r) => r.number)
}

/** Touches the target: its thread changed. */
export async function touch(db: DbOrTx, id: string): Promise<TicketRow> {
  const [row] = await db.update(tickets).set({ updatedAt: sql`now()` }).where(eq(tickets.id, id)).returning()
  if (!row) throw new Error(`ticket ${id} vanished inside its transaction`)
  return row
}
