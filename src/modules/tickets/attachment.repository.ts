// Attachment rows and their content-addressed bytes. Every function takes `db` or a transaction first.
import { and, asc, eq, inArray, isNull, lt, notExists, notInArray, or, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import {
  type AttachmentRow,
  attachmentBlobs,
  attachments,
  ticketComments,
  tickets,
  users,
} from '../../db/schema.js'
import { STAFF_ROLES } from '../users/roles.js'
import type { AttachmentDto } from './ticket.schemas.js'

export function toAttachmentDto(row: AttachmentRow): AttachmentDto {
  return {
    id: row.id,
    ticket_id: row.ticketId,
    comment_id: row.commentId,
    filename: row.filename,
    content_type: row.contentType,
    size: row.size,
    sha256: row.sha256,
    created_at: row.createdAt,
  }
}

/**
 * Stores the bytes once. A second copy only renews `created_at` (the bytes stay): that row lock
 * and the newer time keep housekeeping (deleteOrphanBlobs) from removing a blob being reused.
 */
export async function insertBlob(db: DbOrTx, blob: { sha256: string; content: Uint8Array }): Promise<void> {
  await db
    .insert(attachmentBlobs)
    .values({ sha256: blob.sha256, size: blob.content.byteLength, content: blob.content })
    .onConflictDoUpdate({ target: attachmentBlobs.sha256, set: { createdAt: sql`now()` } })
}

/** Blobs no attachment uses any more (their tickets were deleted), last stored before `before`. */
export async function deleteOrphanBlobs(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db
    .delete(attachmentBlobs)
    .where(
      and(
        lt(attachmentBlobs.createdAt, before),
        notExists(
          db.select({ one: sql`1` }).from(attachments).where(eq(attachments.sha256, attachmentBlobs.sha256)),
        ),
      ),
    )
    .returning({ sha256: attachmentBlobs.sha256 })
  return rows.length
}

export interface NewAttachment {
  ticketId: string
  commentId?: string | null
  uploadedBy: string | null
  filename: string
  contentType: string
  size: number
  sha256: string
}

export async function insertAttachments(db: DbOrTx, rows: NewAttachment[]): Promise<AttachmentRow[]> {
  if (rows.length === 0) return []
  return db.insert(attachments).values(rows).returning()
}

/**
 * Gives the uploads `ids` to a comment: only the author's own, on that ticket, not yet used.
 * Returns the ids it claimed; the caller compares them with what was asked for.
 */
export async function claimForComment(
  db: DbOrTx,
  claim: { ids: string[]; ticketId: string; uploadedBy: string; commentId: string },
): Promise<string[]> {
  if (claim.ids.length === 0) return []
  const rows = await db
    .update(attachments)
    .set({ commentId: claim.commentId })
    .where(
      and(
        inArray(attachments.id, claim.ids),
        eq(attachments.ticketId, claim.ticketId),
        eq(attachments.uploadedBy, claim.uploadedBy),
        isNull(attachments.commentId),
      ),
    )
    .returning({ id: attachments.id })
  return rows.map((r) => r.id)
}

/** The attachments of these comments, in one statement, oldest first. */
export async function listForComments(db: DbOrTx, commentIds: string[]): Promise<AttachmentRow[]> {
  if (commentIds.length === 0) return []
  return db
    .select()
    .from(attachments)
    .where(inArray(attachments.commentId, commentIds))
    .orderBy(asc(attachments.createdAt), asc(attachments.id))
}

export async function findByIds(db: DbOrTx, ids: string[]): Promise<AttachmentRow[]> {
  if (ids.length === 0) return []
  return db
    .select()
    .from(attachments)
    .where(inArray(attachments.id, ids))
    .orderBy(asc(attachments.createdAt), asc(attachments.id))
}

/**
 * The ticket's own attachments (on no comment), oldest first. Without `includeStaffUploads`, files
 * staff uploaded and no comment has claimed yet are left out: they may be meant for an internal
 * note, and only the comment that claims them decides who sees them.
 */
export async function listForTicket(
  db: DbOrTx,
  ticketId: string,
  options: { includeStaffUploads: boolean },
): Promise<AttachmentRow[]> {
  const rows = await db
    .select({ attachment: attachments })
    .from(attachments)
    .leftJoin(users, eq(users.id, attachments.uploadedBy))
    .where(
      and(
        eq(attachments.ticketId, ticketId),
        isNull(attachments.commentId),
        options.includeStaffUploads
          ? undefined
          : or(isNull(users.role), notInArray(users.role, [...STAFF_ROLES])),
      ),
    )
    .orderBy(asc(attachments.createdAt), asc(attachments.id))
  return rows.map((r) => r.attachment)
}

/** An attachment with what decides who may read it: its ticket's requester and its comment's visibility. */
export async function findWithAccess(db: DbOrTx, id: string) {
  const [row] = await db
    .select({
      attachment: attachments,
      ticketCreatedBy: tickets.createdBy,
      internal: ticketComments.internal,
      uploaderRole: users.role,
    })
    .from(attachments)
    .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
    .leftJoin(users, eq(users.id, attachments.uploadedBy))
    .leftJoin(ticketComments, eq(ticketComments.id, attachments.commentId))
    .where(eq(attachments.id, id))
  return row
}

export async function findContent(db: DbOrTx, sha256: string): Promise<Uint8Array | undefined> {
  const [row] = await db
    .select({ content: attachmentBlobs.content })
    .from(attachmentBlobs)
    .where(eq(attachmentBlobs.sha256, sha256))
  return row?.content
}

/** Bytes of several blobs at once (an email's attachments). */
export async function findContents(db: DbOrTx, sha256s: string[]): Promise<Map<string, Uint8Array>> {
  if (sha256s.length === 0) return new Map()
  const rows = await db
    .select({ sha256: attachmentBlobs.sha256, content: attachmentBlobs.content })
    .from(attachmentBlobs)
    .where(inArray(attachmentBlobs.sha256, sha256s))
  return new Map(rows.map((r) => [r.sha256, r.content]))
}
