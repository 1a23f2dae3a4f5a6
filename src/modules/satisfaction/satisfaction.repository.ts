// Satisfaction surveys (one per closed ticket) and the answer, kept on the ticket's row.
import { createHash, randomBytes } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { type SatisfactionRating, satisfactionSurveys, tickets } from '../../db/schema.js'

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** 32 random bytes, base64url: 43 characters. */
export const newSurveyToken = () => randomBytes(32).toString('base64url')

/** Records the ticket's survey; false when it already has one (a ticket is surveyed once). */
export async function insertSurvey(db: DbOrTx, ticketId: string, token: string): Promise<boolean> {
  const rows = await db
    .insert(satisfactionSurveys)
    .values({ ticketId, tokenHash: hashToken(token) })
    .onConflictDoNothing({ target: satisfactionSurveys.ticketId })
    .returning({ ticketId: satisfactionSurveys.ticketId })
  return rows.length > 0
}

/** The survey a token opens, with its ticket's answer; locked when the caller is about to answer. */
export async function findSurveyByToken(db: DbOrTx, token: string, options: { forUpdate?: boolean } = {}) {
  const query = db
    .select({
      ticketId: satisfactionSurveys.ticketId,
      createdAt: satisfactionSurveys.createdAt,
      firstRatedAt: satisfactionSurveys.firstRatedAt,
      number: tickets.number,
      title: tickets.title,
      requesterId: tickets.createdBy,
      rating: tickets.satisfactionRating,
      comment: tickets.satisfactionComment,
      ratedAt: tickets.satisfactionRatedAt,
      now: sql<Date>`now()`.mapWith((v: string | Date) => new Date(v)),
    })
    .from(satisfactionSurveys)
    .innerJoin(tickets, eq(tickets.id, satisfactionSurveys.ticketId))
    .where(eq(satisfactionSurveys.tokenHash, hashToken(token)))
  const [row] = options.forUpdate ? await query.for('update', { of: satisfactionSurveys }) : await query
  return row
}

export type SurveyRow = NonNullable<Awaited<ReturnType<typeof findSurveyByToken>>>

/** Stores the answer on the ticket; the survey remembers when it was first answered. */
export async function saveRating(
  db: DbOrTx,
  ticketId: string,
  answer: { rating: SatisfactionRating; comment: string | null },
): Promise<void> {
  await db
    .update(tickets)
    .set({
      satisfactionRating: answer.rating,
      satisfactionComment: answer.comment,
      satisfactionRatedAt: sql`now()`,
    })
    .where(eq(tickets.id, ticketId))
  await db
    .update(satisfactionSurveys)
    .set({ firstRatedAt: sql`coalesce(${satisfactionSurveys.firstRatedAt}, now())` })
    .where(eq(satisfactionSurveys.ticketId, ticketId))
}
