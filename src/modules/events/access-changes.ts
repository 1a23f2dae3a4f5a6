// When what a user may see changes (their role, their account, one of their sessions), their open
// event streams must not keep sending on the old rights. The change is announced on the ticket
// change channel itself, inside the transaction that makes it: it reaches every process when the
// change commits, and, one channel on one connection, in commit order with the ticket changes,
// so no ticket event committed after a demotion can reach a stream before the demotion does.
import { sql } from 'drizzle-orm'
import Type, { type Static } from 'typebox'
import type { DbOrTx } from '../../db/client.js'
import { TICKET_CHANGES_CHANNEL } from './ticket-change-bus.js'

export const AccessChangeSchema = Type.Object({
  kind: Type.Literal('access'),
  user_id: Type.String(),
  /** Set when one session ended (a logout): only that session's streams close. */
  session_id: Type.Optional(Type.String()),
})
export type AccessChange = Static<typeof AccessChangeSchema>

/** Announces, when `tx` commits, that `userId`'s rights (or one of their sessions) changed. */
export async function announceAccessChange(
  tx: DbOrTx,
  change: { userId: string; sessionId?: string },
): Promise<void> {
  const payload: AccessChange = {
    kind: 'access',
    user_id: change.userId,
    ...(change.sessionId ? { session_id: change.sessionId } : {}),
  }
  await tx.execute(sql`SELECT pg_notify(${TICKET_CHANGES_CHANNEL}, ${JSON.stringify(payload)})`)
}
