// Attachments: files on a ticket or a comment, uploaded or from email. Bytes are stored once per
// SHA-256; the type comes from the bytes (file-type), never from the client or the email.
import { createHash } from 'node:crypto'
import { fileTypeFromBuffer } from 'file-type'
import type { Db, DbOrTx, Tx } from '../../db/client.js'
import type { AttachmentRow } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { badRequest, notFound } from '../../errors.js'
import { isUuid } from '../../http/schemas.js'
import type { SessionUser } from '../auth/session.repository.js'
import { isStaff } from '../users/roles.js'
import * as repo from './attachment.repository.js'
import { isParticipant } from './participants.js'
import type { AttachmentDto } from './ticket.schemas.js'
import { loadVisibleTicket } from './ticket.service.js'

type Actor = Pick<SessionUser, 'id' | 'role'>

export const ATTACHMENT_NOT_FOUND = 'Attachment not found'

/** A file as it arrived: the name its sender gave and its bytes. */
export interface IncomingFile {
  filename: string | undefined
  content: Uint8Array
}

const MAX_FILENAME = 255

/**
 * A name safe to store and to send back in Content-Disposition: the last path segment only, no
 * control or bidi-override characters, at most 255 characters; "attachment" when nothing is left.
 */
export function sanitizeFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? ''
  // Control characters (C0, DEL, C1) and the bidi overrides that make "exe.txt" read as "txt.exe".
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim()
  const safe = cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned
  return [...safe].slice(0, MAX_FILENAME).join('')
}

/** Plain text: valid UTF-8 with no control characters but tab, newlines and form feed. */
function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.byteLength === 0) return false
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return false
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: binary content is what this detects
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)
}

/** What the bytes are: file-type's verdict, else text/plain for text, else application/octet-stream. */
export async function detectContentType(bytes: Uint8Array): Promise<string> {
  const detected = await fileTypeFromBuffer(bytes)
  if (detected) return detected.mime
  return looksLikeText(bytes) ? 'text/plain' : 'application/octet-stream'
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Stores files on a ticket (and comment) inside `tx`: each blob once, one row per file. */
export async function storeAttachments(
  tx: DbOrTx,
  target: { ticketId: string; commentId: string | null; uploadedBy: string | null },
  files: IncomingFile[],
): Promise<AttachmentRow[]> {
  const rows: repo.NewAttachment[] = []
  for (const file of files) {
    const sha256 = sha256Hex(file.content)
    await repo.insertBlob(tx, { sha256, content: file.content })
    rows.push({
      ...target,
      filename: sanitizeFilename(file.filename),
      contentType: await detectContentType(file.content),
      size: file.content.byteLength,
      sha256,
    })
  }
  return repo.insertAttachments(tx, rows)
}

/** Uploads by whoever may comment on the ticket; they stay unused until a comment claims them. */
export async function uploadAttachments(
  db: Db,
  user: Actor,
  ticketId: string,
  files: IncomingFile[],
): Promise<AttachmentDto[]> {
  if (files.length === 0) throw badRequest('send at least one file in a part named "file"')
  return inTransaction(db, async (tx) => {
    const ticket = await loadVisibleTicket(tx, user, ticketId)
    const rows = await storeAttachments(
      tx,
      { ticketId: ticket.id, commentId: null, uploadedBy: user.id },
      files,
    )
    return rows.map(repo.toAttachmentDto)
  })
}

/**
 * Gives a new comment the uploads it names: the author's own, on this ticket, not yet used by a
 * comment. Anything else is refused (400) and the comment with it (the caller's transaction).
 */
export async function attachToComment(
  tx: Tx,
  claim: { ids: string[]; ticketId: string; authorId: string; commentId: string },
): Promise<void> {
  const ids = [...new Set(claim.ids)]
  if (ids.length === 0) return
  const claimed = new Set(
    await repo.claimForComment(tx, {
      ids,
      ticketId: claim.ticketId,
      uploadedBy: claim.authorId,
      commentId: claim.commentId,
    }),
  )
  const refused = ids.filter((id) => !claimed.has(id))
  if (refused.length > 0) {
    throw badRequest(
      `attachment_ids must name files you uploaded to this ticket and have not attached yet: ${refused.join(', ')}`,
    )
  }
}

/**
 * An attachment and its bytes, for whoever may see its ticket (internal-note attachments: staff
 * only). Unknown and not allowed look alike (404): an id says nothing about what exists.
 */
export async function downloadAttachment(db: Db, user: Actor, id: string) {
  const found = isUuid(id) ? await repo.findWithAccess(db, id) : undefined
  if (!found) throw notFound(ATTACHMENT_NOT_FOUND)
  const { attachment, ticketCreatedBy, internal, uploaderRole } = found
  // Staff uploads no comment has claimed yet may be meant for an internal note: staff only until then.
  const unclaimedStaffUpload =
    attachment.commentId === null && uploaderRole !== null && isStaff({ role: uploaderRole })
  const allowed =
    isStaff(user) ||
    (internal !== true &&
      !unclaimedStaffUpload &&
      (ticketCreatedBy === user.id || (await isParticipant(db, attachment.ticketId, user.id))))
  if (!allowed) throw notFound(ATTACHMENT_NOT_FOUND)
  const content = await repo.findContent(db, attachment.sha256)
  if (!content) throw notFound(ATTACHMENT_NOT_FOUND)
  return { attachment, content }
}

/** Attachments with their bytes, for an outgoing email; ids that no longer exist are skipped. */
export async function attachmentFiles(
  db: DbOrTx,
  ids: string[],
): Promise<{ filename: string; contentType: string; content: Uint8Array }[]> {
  if (ids.length === 0) return []
  const rows = await repo.findByIds(db, ids)
  const contents = await repo.findContents(
    db,
    rows.map((r) => r.sha256),
  )
  return rows.flatMap((row) => {
    const content = contents.get(row.sha256)
    return content ? [{ filename: row.filename, contentType: row.contentType, content }] : []
  })
}

/**
 * Housekeeping: bytes no attachment uses any more go. Only those stored over an hour ago: a blob
 * just stored (or reused) may be about to get its attachment row in a transaction still open.
 */
export async function pruneOrphanBlobs(db: DbOrTx, now = new Date()): Promise<number> {
  return repo.deleteOrphanBlobs(db, new Date(now.getTime() - 3_600_000))
}

/** RFC 6266/5987: the UTF-8 name, percent-encoded, plus an ASCII fallback for old clients. */
export function contentDisposition(filename: string): string {
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
