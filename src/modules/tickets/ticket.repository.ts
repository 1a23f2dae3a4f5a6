// Ticket rows, their comments and their history. Every function takes `db` or a transaction first.
import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { DbOrTx } from '../../db/client.js'
import {
  type TicketEventType,
  type TicketPriority,
  type TicketRow,
  type TicketStatus,
  ticketComments,
  ticketCounts,
  ticketEvents,
  tickets,
  users,
} from '../../db/schema.js'
import type { CommentDto, TicketDto, TicketEventDto, TicketWithPeopleDto } from './ticket.schemas.js'

export const UNASSIGNED = '00000000-0000-0000-0000-000000000000'

export function toTicketDto(row: TicketRow): TicketDto {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    created_by: row.createdBy,
    assigned_to: row.assignedTo,
    summary: row.summary,
    helpful_notes: row.helpfulNotes,
    related_skills: row.relatedSkills,
    processing_status: row.processingStatus,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  }
}

export async function insertTicket(
  db: DbOrTx,
  ticket: { title: string; description: string; createdBy: string },
): Promise<TicketRow> {
  const [row] = await db.insert(tickets).values(ticket).returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

export async function findTicket(db: DbOrTx, id: string, options: { forUpdate?: boolean } = {}) {
  const query = db.select().from(tickets).where(eq(tickets.id, id))
  const [row] = options.forUpdate ? await query.for('update') : await query
  return row
}

export async function updateTicket(
  db: DbOrTx,
  id: string,
  changes: Partial<Pick<TicketRow, 'status' | 'priority' | 'priorityManual' | 'helpfulNotes' | 'assignedTo'>>,
): Promise<TicketRow> {
  const [row] = await db
    .update(tickets)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(tickets.id, id))
    .returning()
  if (!row) throw new Error(`ticket ${id} vanished inside its transaction`)
  return row
}

/**
 * Closes up to `limit` tickets resolved and untouched since `before` (oldest first), in one
 * statement; rows another transaction holds are left for the next run. Returns them as closed.
 */
export async function closeStaleResolved(db: DbOrTx, before: Date, limit: number): Promise<TicketRow[]> {
  const stale = db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.status, 'resolved'), sql`${tickets.updatedAt} < ${before.toISOString()}`))
    .orderBy(asc(tickets.updatedAt))
    .limit(limit)
    .for('update', { skipLocked: true })
  return db
    .update(tickets)
    .set({ status: 'closed', updatedAt: sql`now()` })
    .where(sql`${tickets.id} IN (${stale})`)
    .returning()
}

/** The background workflow's state; deliberately leaves updated_at alone (nothing a person sees changed). */
export async function setProcessingStatus(db: DbOrTx, id: string, status: TicketRow['processingStatus']) {
  await db.update(tickets).set({ processingStatus: status }).where(eq(tickets.id, id))
}

export async function deleteTicket(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(tickets).where(eq(tickets.id, id)).returning({ id: tickets.id })
  return rows.length > 0
}

export interface TicketFilter {
  status?: TicketStatus | undefined
  priority?: TicketPriority | undefined
  /** A user id, or UNASSIGNED. */
  assignedTo?: string | undefined
}

export interface PageWindow {
  offset: number
  limit: number
}

// Newest first; id breaks ties so pages never overlap or skip when timestamps are equal.
const newestFirst = [desc(tickets.createdAt), desc(tickets.id)]

function filterConditions(filter: TicketFilter): SQL[] {
  const conditions: SQL[] = []
  if (filter.status) conditions.push(eq(tickets.status, filter.status))
  if (filter.priority) conditions.push(eq(tickets.priority, filter.priority))
  if (filter.assignedTo === UNASSIGNED) conditions.push(sql`${tickets.assignedTo} IS NULL`)
  else if (filter.assignedTo) conditions.push(eq(tickets.assignedTo, filter.assignedTo))
  return conditions
}

/** A user's own tickets. A user's tickets are few enough that counting them is an index range scan. */
export async function listOwnTickets(db: DbOrTx, userId: string, filter: TicketFilter, page: PageWindow) {
  const where = and(eq(tickets.createdBy, userId), ...filterConditions({ ...filter, assignedTo: undefined }))
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where)
  const total = counted?.n ?? 0
  if (page.offset >= total) return { rows: [] as TicketDto[], total }
  const ids = pageOfIds(db, where, page)
  const rows = await db
    .select({ ticket: tickets })
    .from(ids)
    .innerJoin(tickets, eq(tickets.id, ids.id))
    .orderBy(desc(ids.createdAt), desc(ids.id))
  return { rows: rows.map((r) => toTicketDto(r.ticket)), total }
}

/**
 * The page's ids first, whole rows after: skipping `offset` rows then walks the index alone
 * instead of fetching (and joining) every skipped ticket. Deep pages cost a fraction as much.
 */
function pageOfIds(db: DbOrTx, where: SQL | undefined, page: PageWindow) {
  return db
    .select({ id: tickets.id, createdAt: tickets.createdAt })
    .from(tickets)
    .where(where)
    .orderBy(...newestFirst)
    .limit(page.limit)
    .offset(page.offset)
    .as('page')
}

/**
 * Every ticket, with the assignee's and creator's emails joined in the same query. The total
 * comes from ticket_counts (kept exact by triggers), so it costs the same at 1M tickets as at 10.
 */
export async function listAllTickets(db: DbOrTx, filter: TicketFilter, page: PageWindow) {
  const total = await countAllTickets(db, filter)
  if (page.offset >= total) return { rows: [] as TicketWithPeopleDto[], total }
  const assignee = alias(users, 'assignee')
  const creator = alias(users, 'creator')
  const ids = pageOfIds(db, and(...filterConditions(filter)), page)
  const rows = await db
    .select({ ticket: tickets, assigneeEmail: assignee.email, creatorEmail: creator.email })
    .from(ids)
    .innerJoin(tickets, eq(tickets.id, ids.id))
    .leftJoin(assignee, eq(assignee.id, tickets.assignedTo))
    .innerJoin(creator, eq(creator.id, tickets.createdBy))
    .orderBy(desc(ids.createdAt), desc(ids.id))
  return {
    rows: rows.map(({ ticket, assigneeEmail, creatorEmail }) => ({
      ...toTicketDto(ticket),
      assignee: assigneeEmail === null ? null : { email: assigneeEmail },
      creator: { email: creatorEmail },
    })),
    total,
  }
}

export async function countAllTickets(db: DbOrTx, filter: TicketFilter): Promise<number> {
  const conditions: SQL[] = []
  if (filter.status) conditions.push(eq(ticketCounts.status, filter.status))
  if (filter.priority) conditions.push(eq(ticketCounts.priority, filter.priority))
  if (filter.assignedTo) conditions.push(eq(ticketCounts.assignedTo, filter.assignedTo))
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${ticketCounts.n}), 0)::int` })
    .from(ticketCounts)
    .where(and(...conditions))
  return row?.n ?? 0
}

export interface NewTicketEvent {
  ticketId: string
  actorId: string | null
  type: TicketEventType
  fromValue?: string | null
  toValue?: string | null
  details?: Record<string, unknown> | null
}

export async function insertEvents(db: DbOrTx, events: NewTicketEvent[]): Promise<void> {
  if (events.length > 0) await db.insert(ticketEvents).values(events)
}

/**
 * Where a change's history rows go. `recordNow` writes them at once; the workflow collects a
 * transaction's rows (analysis and assignment) and writes them in one INSERT before it commits.
 */
export type RecordHistory = (events: NewTicketEvent[]) => Promise<void>
export const recordNow =
  (db: DbOrTx): RecordHistory =>
  (events) =>
    insertEvents(db, events)

export async function listEvents(db: DbOrTx, ticketId: string): Promise<TicketEventDto[]> {
  const rows = await db
    .select({ event: ticketEvents, actorEmail: users.email })
    .from(ticketEvents)
    .leftJoin(users, eq(users.id, ticketEvents.actorId))
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.seq))
  return rows.map(({ event, actorEmail }) => ({
    id: event.id,
    type: event.type,
    actor: event.actorId && actorEmail ? { id: event.actorId, email: actorEmail } : null,
    from: event.fromValue,
    to: event.toValue,
    details: event.details,
    created_at: event.createdAt,
  }))
}

export async function insertComment(
  db: DbOrTx,
  comment: { ticketId: string; authorId: string; body: string },
): Promise<{ id: string; createdAt: Date }> {
  const [row] = await db
    .insert(ticketComments)
    .values(comment)
    .returning({ id: ticketComments.id, createdAt: ticketComments.createdAt })
  if (!row) throw new Error('insert returned no row')
  return row
}

export async function listComments(db: DbOrTx, ticketId: string): Promise<CommentDto[]> {
  const rows = await db
    .select({
      id: ticketComments.id,
      ticketId: ticketComments.ticketId,
      body: ticketComments.body,
      createdAt: ticketComments.createdAt,
      authorId: users.id,
      authorEmail: users.email,
      authorName: users.name,
      authorRole: users.role,
    })
    .from(ticketComments)
    .innerJoin(users, eq(users.id, ticketComments.authorId))
    .where(eq(ticketComments.ticketId, ticketId))
    .orderBy(asc(ticketComments.createdAt), asc(ticketComments.id))
  return rows.map((r) => ({
    id: r.id,
    ticket_id: r.ticketId,
    author: { id: r.authorId, email: r.authorEmail, name: r.authorName, role: r.authorRole },
    body: r.body,
    created_at: r.createdAt,
  }))
}
