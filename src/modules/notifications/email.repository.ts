import { and, count, desc, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { type EmailRow, type EmailStatus, emails } from '../../db/schema.js'

export async function insertEmail(
  db: DbOrTx,
  email: {
    to: string
    subject: string
    text: string
    html: string
    ticketId: string | null
    status: EmailStatus
    id?: string
    messageId?: string
    references?: string[]
    autoSubmitted?: boolean
    attachmentIds?: string[]
  },
): Promise<EmailRow> {
  const [row] = await db.insert(emails).values(email).returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

export async function findEmail(db: DbOrTx, id: string): Promise<EmailRow | undefined> {
  const [row] = await db.select().from(emails).where(eq(emails.id, id))
  return row
}

export async function markEmailSent(db: DbOrTx, id: string): Promise<void> {
  await db
    .update(emails)
    .set({ status: 'sent', sentAt: sql`now()`, attempts: sql`${emails.attempts} + 1`, lastError: null })
    .where(eq(emails.id, id))
}

/** Records a failed delivery; `final` marks the email failed for good (no retries left). */
export async function markEmailAttemptFailed(
  db: DbOrTx,
  id: string,
  error: string,
  final: boolean,
): Promise<void> {
  await db
    .update(emails)
    .set({
      attempts: sql`${emails.attempts} + 1`,
      lastError: error.slice(0, 1000),
      ...(final ? { status: 'failed' } : {}),
    })
    .where(eq(emails.id, id))
}

export async function listEmails(
  db: DbOrTx,
  filter: { to?: string | undefined },
  page: { offset: number; limit: number },
) {
  const where = filter.to ? eq(emails.to, filter.to.trim().toLowerCase()) : undefined
  const [counted] = await db.select({ n: count() }).from(emails).where(and(where))
  const total = counted?.n ?? 0
  if (page.offset >= total) return { rows: [], total }
  const rows = await db
    .select()
    .from(emails)
    .where(where)
    .orderBy(desc(emails.createdAt), desc(emails.id))
    .limit(page.limit)
    .offset(page.offset)
  return { rows, total }
}

/** Marks the emails with these Message-IDs bounced (a delivery status notification named them). */
export async function markEmailsBounced(
  db: DbOrTx,
  messageIds: string[],
  reason: string,
): Promise<EmailRow[]> {
  if (messageIds.length === 0) return []
  return db
    .update(emails)
    .set({ status: 'bounced', lastError: reason.slice(0, 1000) })
    .where(inArray(emails.messageId, messageIds))
    .returning()
}

/** The emails we sent with any of these Message-IDs (a reply's In-Reply-To/References). */
export async function findEmailsByMessageIds(db: DbOrTx, messageIds: string[]) {
  if (messageIds.length === 0) return []
  return db
    .select({ id: emails.id, messageId: emails.messageId, ticketId: emails.ticketId })
    .from(emails)
    .where(inArray(emails.messageId, messageIds))
}
