// The statements one POST /api/tickets sends to PostgreSQL, captured by running the app's own
// code (session lookup, then createTicket's transaction with its event and pg-boss job).
import type { Database } from '../src/db/client.js'
import { createJobQueue } from '../src/jobs/queue.js'
import { findSessionUser } from '../src/modules/auth/session.repository.js'
import { createTicket } from '../src/modules/tickets/ticket.service.js'
import { type CapturedQuery, openCapturingDb } from './capture.js'
import { TICKET_BODY } from './config.js'

export interface CreateRequestSql {
  /** Everything, in order: the authenticate hook's lookup, BEGIN, three inserts, COMMIT. */
  all: CapturedQuery[]
  /** The ticket INSERT … RETURNING alone: the brief's single-row yardstick. */
  ticketInsert: CapturedQuery
  /** The id of the ticket the capture created (its later statements refer to it). */
  ticketId: string
}

export async function captureCreateRequest(
  database: Database,
  sessionToken: string,
): Promise<CreateRequestSql> {
  if (database.native.driver !== 'postgres') throw new Error('the benchmark needs PostgreSQL')
  const capturing = openCapturingDb(database.native.url)
  try {
    const user = await findSessionUser(capturing.db, sessionToken)
    if (!user) throw new Error('session token does not resolve to a user')
    // Never started: send() runs on the transaction it is given, so it needs no connection of its own.
    const queue = createJobQueue(database)
    const ticket = await createTicket(capturing.db, queue, user, TICKET_BODY)
    const all = capturing.take()
    const ticketInsert = all.find((q) => /^insert into "tickets"/i.test(q.sql))
    if (!ticketInsert)
      throw new Error(`no ticket insert among: ${all.map((q) => q.sql.slice(0, 40)).join(' | ')}`)
    return { all, ticketInsert, ticketId: ticket.id }
  } finally {
    await capturing.close()
  }
}
