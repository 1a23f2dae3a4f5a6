// What other modules may ask of the outbox: which tickets our sent mail belongs to, and bounces.
import type { DbOrTx } from '../../db/client.js'
import { findEmailsByMessageIds, markEmailsBounced } from './email.repository.js'

/** Message-ID → ticket id, for the emails we sent with these ids. */
export async function ticketsOfSentMessages(db: DbOrTx, messageIds: string[]): Promise<Map<string, string>> {
  const rows = await findEmailsByMessageIds(db, messageIds)
  return new Map(rows.flatMap((r) => (r.messageId && r.ticketId ? [[r.messageId, r.ticketId] as const] : [])))
}

/** Marks the sent emails a delivery report names as bounced; returns how many it found. */
export async function markBounced(db: DbOrTx, messageIds: string[], reason: string): Promise<number> {
  return (await markEmailsBounced(db, messageIds, reason)).length
}
