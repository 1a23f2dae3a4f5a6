// "Show original" for staff: the email a ticket or an emailed comment was filed from. The ticket
// shows the reply without its quoted history and signature; this is everything that came.
import { type AddressObject, simpleParser } from 'mailparser'
import type { DbOrTx } from '../../db/client.js'
import { notFound } from '../../errors.js'
import { isUuid } from '../../http/schemas.js'
import type { SessionUser } from '../auth/session.repository.js'
import { loadVisibleTicket } from '../tickets/ticket.service.js'
import * as repo from './inbound.repository.js'
import type { OriginalEmailDto } from './inbound.schemas.js'

export const ORIGINAL_NOT_FOUND = 'No original email: this was not filed by email'
/** Enough for any real header section; a message built to have megabytes of them is cut. */
const HEADERS_MAX = 65_536

type Actor = Pick<SessionUser, 'id' | 'role'>

/** The original of the ticket itself (`commentId` null) or of one of its comments. */
export async function originalEmail(
  db: DbOrTx,
  user: Actor,
  ticketId: string,
  commentId: string | null,
): Promise<OriginalEmailDto> {
  const ticket = await loadVisibleTicket(db, user, ticketId)
  const row =
    commentId === null
      ? await repo.findOpeningMessage(db, ticket.id)
      : isUuid(commentId)
        ? await repo.findCommentMessage(db, ticket.id, commentId)
        : undefined
  if (!row) throw notFound(ORIGINAL_NOT_FOUND)
  const raw = Buffer.from(row.raw)
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true })
  return {
    id: row.id,
    message_id: row.messageId,
    from: addresses(parsed.from)[0] ?? null,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? null,
    date: parsed.date ?? null,
    received_via: row.receivedVia,
    received_at: row.receivedAt,
    headers: headerSection(raw),
    text: (parsed.text ?? '').replace(/\r\n?/g, '\n'),
  }
}

/** "Name <address>" as written, one per address. */
const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((group) => group.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((a) => (a.name && a.address ? `${a.name} <${a.address}>` : (a.address ?? a.name)))
    .filter((a) => a !== '')

function headerSection(raw: Buffer): string {
  const head = raw.subarray(0, HEADERS_MAX).toString('utf8')
  const end = head.search(/\r?\n\r?\n/)
  return (end === -1 ? head : head.slice(0, end)).replace(/\r\n/g, '\n')
}
