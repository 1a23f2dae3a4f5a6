// Inbound messages and the mailbox poller's state. Every function takes `db` or a transaction first.
import { and, count, desc, eq, gt, inArray, isNotNull, or, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import {
  type InboundChannel,
  type InboundMessageRow,
  type InboundOutcome,
  inboundFetchState,
  inboundMessages,
  ticketComments,
  tickets,
} from '../../db/schema.js'

export interface NewInboundMessage {
  messageId: string | null
  fromAddress: string | null
  subject: string | null
  receivedVia: InboundChannel
  contentHash: string
  raw: Buffer
}

/**
 * Records a message as being filed (its outcome is set before the transaction commits). Undefined
 * when the same message (Message-ID, or content hash) is already recorded: the unique indexes
 * decide, so of two deliveries racing each other exactly one gets here with a row.
 */
export async function claimMessage(
  db: DbOrTx,
  message: NewInboundMessage,
): Promise<InboundMessageRow | undefined> {
  const [row] = await db
    .insert(inboundMessages)
    .values({ ...message, outcome: 'rejected', error: 'being filed' })
    .onConflictDoNothing()
    .returning()
  return row
}

/**
 * The statement that stores a message as `pending` under `id` (chosen by the caller, so its
 * filing job can name it in the same statement: JobQueue.enqueueWith). It returns the id, or no
 * row when the same message (Message-ID, or content hash) is already recorded, pending or filed:
 * the unique indexes decide, as in `claimMessage`. Plain SQL: this is the SMTP listener's hot
 * path, run for every message, and needs no query building.
 */
export function acceptStatement(id: string, message: NewInboundMessage): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO inbound_messages (id, message_id, from_address, subject, received_via, content_hash, raw, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')
           ON CONFLICT DO NOTHING
           RETURNING id`,
    values: [
      id,
      message.messageId,
      message.fromAddress,
      message.subject,
      message.receivedVia,
      message.contentHash,
      message.raw,
    ],
  }
}

/**
 * Locks a pending message for filing and reads its bytes; undefined once it was filed (or never
 * existed). A worker filing it at the same moment holds the lock: this waits for its commit and
 * then finds it filed. The filing's commit need not wait for the disk (`set_config`, local to
 * the transaction, in the same round trip): the message is on disk already, stored pending with
 * its job before the 250, and pg-boss marks the job complete afterwards in a synchronous commit,
 * which flushes the log up to and including the filing's. Were the server to crash before that,
 * the filing and the job's completion vanish together; the job is retried and finds the message
 * still pending (as with the workflow's steps, jobs/steps.ts).
 */
export async function lockPendingForFiling(tx: DbOrTx, id: string) {
  const [row] = await tx
    .select({
      raw: inboundMessages.raw,
      asyncCommit: sql<string>`set_config('synchronous_commit', 'off', true)`,
    })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.id, id), eq(inboundMessages.outcome, 'pending')))
    .for('update')
  return row
}

/**
 * Locks a pending message (to record it rejected): true while it is still pending. A worker
 * filing it at the same moment holds the lock; this waits for its commit and then finds it filed.
 */
export async function lockPending(tx: DbOrTx, id: string): Promise<boolean> {
  const rows = await tx
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.id, id), eq(inboundMessages.outcome, 'pending')))
    .for('update')
  return rows.length > 0
}

/** The pending messages with these Message-IDs, oldest first (a reply's original waiting to be filed). */
export async function pendingWithMessageIds(db: DbOrTx, messageIds: string[]): Promise<string[]> {
  if (messageIds.length === 0) return []
  const rows = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(inArray(inboundMessages.messageId, messageIds), eq(inboundMessages.outcome, 'pending')))
    .orderBy(inboundMessages.receivedAt, inboundMessages.id)
  return rows.map((r) => r.id)
}

/** The first recording of a message, by Message-ID or content hash. */
export async function findOriginal(db: DbOrTx, messageId: string | null, contentHash: string) {
  const [row] = await db
    .select({ id: inboundMessages.id, ticketId: inboundMessages.ticketId })
    .from(inboundMessages)
    .where(
      and(
        sql`${inboundMessages.outcome} <> 'duplicate'`,
        messageId === null
          ? eq(inboundMessages.contentHash, contentHash)
          : or(eq(inboundMessages.messageId, messageId), eq(inboundMessages.contentHash, contentHash)),
      ),
    )
    .limit(1)
  return row
}

export async function recordMessage(
  db: DbOrTx,
  message: NewInboundMessage & { outcome: InboundOutcome; ticketId: string | null; error: string | null },
): Promise<InboundMessageRow> {
  const [row] = await db.insert(inboundMessages).values(message).returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

export async function finishMessage(
  db: DbOrTx,
  id: string,
  result: { outcome: InboundOutcome; ticketId: string | null; error: string | null; commentId?: string },
): Promise<void> {
  await db.update(inboundMessages).set(result).where(eq(inboundMessages.id, id))
}

/** How many tickets and comments this sender's mail filed since `since`. */
export async function countFiledSince(db: DbOrTx, fromAddress: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.fromAddress, fromAddress),
        gt(inboundMessages.receivedAt, since),
        inArray(inboundMessages.outcome, ['ticket_created', 'comment_added']),
      ),
    )
  return row?.n ?? 0
}

/** Message-ID → ticket id, for messages we received and filed with these ids. */
export async function ticketsOfReceivedMessages(
  db: DbOrTx,
  messageIds: string[],
): Promise<Map<string, string>> {
  if (messageIds.length === 0) return new Map()
  const rows = await db
    .select({ messageId: inboundMessages.messageId, ticketId: inboundMessages.ticketId })
    .from(inboundMessages)
    .where(and(inArray(inboundMessages.messageId, messageIds), isNotNull(inboundMessages.ticketId)))
  return new Map(rows.flatMap((r) => (r.messageId && r.ticketId ? [[r.messageId, r.ticketId] as const] : [])))
}

export async function listMessages(db: DbOrTx, page: { offset: number; limit: number }) {
  const [counted] = await db.select({ n: count() }).from(inboundMessages)
  const total = counted?.n ?? 0
  if (page.offset >= total) return { rows: [], total }
  const rows = await db
    .select({
      id: inboundMessages.id,
      messageId: inboundMessages.messageId,
      fromAddress: inboundMessages.fromAddress,
      subject: inboundMessages.subject,
      receivedVia: inboundMessages.receivedVia,
      outcome: inboundMessages.outcome,
      ticketId: inboundMessages.ticketId,
      // The number admins know the ticket by; a join on the primary key, one row per message.
      ticketNumber: tickets.number,
      error: inboundMessages.error,
      receivedAt: inboundMessages.receivedAt,
    })
    .from(inboundMessages)
    .leftJoin(tickets, eq(tickets.id, inboundMessages.ticketId))
    .orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id))
    .limit(page.limit)
    .offset(page.offset)
  return { rows, total }
}

export async function recordFetch(db: DbOrTx, source: string, error: string | null): Promise<void> {
  const values =
    error === null
      ? { lastFetchAt: sql`now()` }
      : { lastErrorAt: sql`now()`, lastError: error.slice(0, 1000) }
  await db
    .insert(inboundFetchState)
    .values({ source, ...values })
    .onConflictDoUpdate({ target: inboundFetchState.source, set: values })
}

export async function listFetchStates(db: DbOrTx) {
  return db.select().from(inboundFetchState).orderBy(inboundFetchState.source)
}

const originalColumns = {
  id: inboundMessages.id,
  messageId: inboundMessages.messageId,
  receivedVia: inboundMessages.receivedVia,
  receivedAt: inboundMessages.receivedAt,
  raw: inboundMessages.raw,
}

/**
 * The message a ticket was opened by, with its original bytes; undefined when the ticket came
 * another way (the web, the API).
 */
export async function findOpeningMessage(db: DbOrTx, ticketId: string) {
  const [row] = await db
    .select(originalColumns)
    .from(inboundMessages)
    .where(and(eq(inboundMessages.ticketId, ticketId), eq(inboundMessages.outcome, 'ticket_created')))
    .orderBy(inboundMessages.receivedAt)
    .limit(1)
  return row
}

/** The message a comment of this ticket was filed from; undefined for a comment written on the web. */
export async function findCommentMessage(db: DbOrTx, ticketId: string, commentId: string) {
  const [row] = await db
    .select(originalColumns)
    .from(inboundMessages)
    // Through the comment: the ticket it is on now is the one that counts.
    .innerJoin(ticketComments, eq(ticketComments.id, inboundMessages.commentId))
    .where(and(eq(inboundMessages.commentId, commentId), eq(ticketComments.ticketId, ticketId)))
    .limit(1)
  return row
}
