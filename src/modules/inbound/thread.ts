// The Message-IDs of a ticket's email thread, for outgoing mail's References/In-Reply-To.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { inboundMessages } from '../../db/schema.js'

/**
 * The messages that came in for a ticket and that our next email about it continues: the one
 * that opened it (if it came by email) and the latest one, oldest first.
 */
export async function inboundThreadIds(db: DbOrTx, ticketId: string): Promise<string[]> {
  const filed = and(
    eq(inboundMessages.ticketId, ticketId),
    inArray(inboundMessages.outcome, ['ticket_created', 'comment_added']),
  )
  const pick = (order: 'first' | 'last') =>
    db
      .select({
        messageId: inboundMessages.messageId,
        last: sql<boolean>`${sql.raw(order === 'last' ? 'true' : 'false')}`.as('last'),
      })
      .from(inboundMessages)
      .where(filed)
      .orderBy(
        order === 'first' ? asc(inboundMessages.receivedAt) : desc(inboundMessages.receivedAt),
        order === 'first' ? asc(inboundMessages.id) : desc(inboundMessages.id),
      )
      .limit(1)
  // Both ends in one round trip: every email about a ticket asks this (bench/inbound-smtp.ts).
  const rows = await pick('first').unionAll(pick('last'))
  const first = rows.find((row) => !row.last)
  const last = rows.find((row) => row.last)
  const ids = [first?.messageId, last?.messageId].filter((id): id is string => Boolean(id))
  return [...new Set(ids)]
}
