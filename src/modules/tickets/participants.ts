// Participants: people other than the requester who follow a ticket (an email's Cc). They may see
// the ticket, its comments and its history, and they get its public emails.
import { and, asc, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { ticketParticipants, users } from '../../db/schema.js'

export interface ParticipantDto {
  id: string
  email: string
  name: string | null
}

export async function addParticipants(db: DbOrTx, ticketId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return
  await db
    .insert(ticketParticipants)
    .values(userIds.map((userId) => ({ ticketId, userId })))
    .onConflictDoNothing()
}

export async function listParticipants(db: DbOrTx, ticketId: string): Promise<ParticipantDto[]> {
  return db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(ticketParticipants)
    .innerJoin(users, eq(users.id, ticketParticipants.userId))
    .where(eq(ticketParticipants.ticketId, ticketId))
    .orderBy(asc(ticketParticipants.createdAt), asc(users.email))
}

export async function isParticipant(db: DbOrTx, ticketId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(ticketParticipants)
    .where(and(eq(ticketParticipants.ticketId, ticketId), eq(ticketParticipants.userId, userId)))
  return row !== undefined
}

/** The tickets a user follows without having filed them (the live stream's visibility). */
export async function participatingTicketIds(db: DbOrTx, userId: string): Promise<Set<string>> {
  const rows = await db
    .select({ ticketId: ticketParticipants.ticketId })
    .from(ticketParticipants)
    .where(eq(ticketParticipants.userId, userId))
  return new Set(rows.map((r) => r.ticketId))
}
