// Ticket rows, their comments and their history. Every function takes `db` or a transaction first.
import { and, asc, count, desc, eq, ne, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { DbOrTx } from '../../db/client.js'
import {
  type TicketChannel,
  type TicketEventType,
  type TicketPriority,
  type TicketRow,
  type TicketStatus,
  ticketComments,
  ticketCounts,
  ticketEvents,
  ticketParticipants,
  tickets,
  users,
} from '../../db/schema.js'
import { slaOf } from '../sla/clock.js'
import type { CommentDto, TicketDto, TicketEventDto } from './ticket.schemas.js'

export const UNASSIGNED = '00000000-0000-0000-0000-000000000000'

export function toTicketDto(row: TicketRow): TicketDto {
  return {
    id: row.id,
    number: row.number,
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
    satisfaction:
      row.satisfactionRating && row.satisfactionRatedAt
        ? {
            rating: row.satisfactionRating,
            comment: row.satisfactionComment,
            rated_at: row.satisfactionRatedAt,
          }
        : null,
    sla: slaOf(row),
    merged_into: row.mergedInto,
  }
}

export async function insertTicket(
  db: DbOrTx,
  ticket: { title: string; description: string; createdBy: string } & Partial<
    Pick<
      TicketRow,
      | 'createdAt'
      | 'slaPolicyId'
      | 'firstResponseDueAt'
      | 'firstResponseWarningAt'
      | 'resolutionDueAt'
      | 'resolutionWarningAt'
      | 'slaDueAt'
      | 'slaNextCheckAt'
    >
  >,
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

/** The id of the ticket with this number (tickets_number_key), if any. */
export async function findTicketIdByNumber(db: DbOrTx, number: number): Promise<string | undefined> {
  const [row] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number))
  return row?.id
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
  return (
    db
      .update(tickets)
      // Closing ends the resolved ticket's pause; its resolution time stays.
      .set({
        status: 'closed',
        updatedAt: sql`now()`,
        slaPausedSince: null,
        resolvedAt: sql`coalesce(${tickets.resolvedAt}, now())`,
      })
      .where(sql`${tickets.id} IN (${stale})`)
      .returning()
  )
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

/**
 * Totals are int4, so an offset past this is past every total: clamped to it, an absurd page
 * (`?page=99999999999999999999`) still answers an empty page instead of a value PostgreSQL
 * cannot take as a parameter.
 */
const MAX_OFFSET = 2_147_483_647

function clamped(page: PageWindow): PageWindow {
  return { offset: Math.min(page.offset, MAX_OFFSET), limit: page.limit }
}

// Newest first; id breaks ties so pages never overlap or skip when timestamps are equal.
const newestFirst = [desc(tickets.createdAt), desc(tickets.id)]

/**
 * The list filters as SQL with placeholders (:status, :priority, :assignedTo), so a query built
 * once serves every value. Which filters are present changes the text: see `Shape`.
 */
function filterConditions(shape: Shape): SQL[] {
  const conditions: SQL[] = []
  if (shape.status) conditions.push(eq(tickets.status, sql.placeholder('status')))
  if (shape.priority) conditions.push(eq(tickets.priority, sql.placeholder('priority')))
  if (shape.assignedTo === 'none') conditions.push(sql`${tickets.assignedTo} IS NULL`)
  else if (shape.assignedTo === 'user') conditions.push(eq(tickets.assignedTo, sql.placeholder('assignedTo')))
  return conditions
}

/** Which filters a list request uses: each combination is its own statement text. */
interface Shape {
  status: boolean
  priority: boolean
  assignedTo: 'any' | 'none' | 'user'
}

function shapeOf(filter: TicketFilter): Shape {
  return {
    status: filter.status !== undefined,
    priority: filter.priority !== undefined,
    assignedTo: !filter.assignedTo ? 'any' : filter.assignedTo === UNASSIGNED ? 'none' : 'user',
  }
}

function placeholderValues(filter: TicketFilter, page: PageWindow) {
  return {
    status: filter.status ?? null,
    priority: filter.priority ?? null,
    assignedTo: filter.assignedTo ?? null,
    offset: page.offset,
  }
}

/**
 * The list queries run on every list request; building one with drizzle cost more CPU than
 * anything else the server did per request (bench/profile-top.ts). Each (shape, page size, first
 * page or not) is built once per database and kept, the page size written into the text: with
 * `LIMIT $n` a generic plan must guess the limit (a tenth of the matches), and for 700k matches
 * it joined users by sequential scan: 1–16 ms instead of 0.3 (EXPLAIN). An unknown OFFSET makes
 * the generic plan look dearer than the per-call ones, so PostgreSQL kept planning each call; on
 * the first page (most requests) the text has no OFFSET, its generic plan is the per-call plan,
 * and the statement is named for the usual page sizes: parsed once per connection, planned no
 * more once the generic plan proves as cheap (after five calls). Other pages and sizes run
 * unnamed and are planned per call, as the list plans were tuned: named statements are prepared
 * on every connection, so their number must stay small.
 */
const NAMED_PAGE_SIZES = new Set([10, 20, 25, 50, 100])

/** Where a page starts: the first page's text has no OFFSET, later pages take it as :offset. */
type Start = 'first' | 'later'

function memoByShape<Q>(
  list: string,
  build: (db: DbOrTx, shape: Shape, limit: number, start: Start, name: string) => Q,
) {
  const byDb = new WeakMap<DbOrTx, Map<string, Q>>()
  return (db: DbOrTx, shape: Shape, page: PageWindow): Q => {
    let built = byDb.get(db)
    if (!built) {
      built = new Map()
      byDb.set(db, built)
    }
    const start: Start = page.offset === 0 ? 'first' : 'later'
    const key = `${shape.status ? 's' : ''}${shape.priority ? 'p' : ''}${shape.assignedTo === 'any' ? '' : `a${shape.assignedTo}`}_${page.limit}_${start}`
    let query = built.get(key)
    if (!query) {
      const named = start === 'first' && NAMED_PAGE_SIZES.has(page.limit)
      // The empty name makes node-postgres send the statement unnamed.
      query = build(db, shape, page.limit, start, named ? `sts_${list}_${key}` : '')
      built.set(key, query)
    }
    return query
  }
}

/**
 * How far a branch of the own list must read for the page: its rows up to the page's end. A
 * literal on the first page (the page size), `:offset + size` on later ones.
 */
function branchLimit(limit: number, start: Start): Placeholder {
  const size = literalLimit(limit)
  if (start === 'first') return size
  // bigint: the offset may be clamped to int4's maximum (MAX_OFFSET); adding the size must not overflow.
  return sql`${sql.placeholder('offset')}::bigint + ${size}` as unknown as Placeholder
}

const ownTicketsQuery = memoByShape('own', (db, shape, limit, start, name) => {
  const filters = filterConditions({ ...shape, assignedTo: 'any' })
  const userId = sql.placeholder('userId')
  const filed = and(eq(tickets.createdBy, userId), ...filters)
  // Tickets the user follows (an email's Cc) and did not file: disjoint from `filed`, so the two
  // counts add up and the pages merge without duplicates.
  const followed = and(eq(ticketParticipants.userId, userId), ne(tickets.createdBy, userId), ...filters)
  const total = db.$with('total').as(
    db
      .select({
        n: sql<number>`(${db.select({ n: count() }).from(tickets).where(filed)})::int + (${db
          .select({ n: count() })
          .from(ticketParticipants)
          .innerJoin(tickets, eq(tickets.id, ticketParticipants.ticketId))
          .where(followed)})::int`.as('n'),
      })
      .from(sql`(VALUES (1)) AS one`),
  )
  // Each branch reads its own index in order (tickets_created_by_created_at_idx; the participant
  // rows by ticket_participants_user_id_idx, then each ticket by its key), only as far as the
  // page's end; the merge sorts at most twice the page.
  const ownPage = db.$with('own_page').as(
    db
      .select({ id: tickets.id, createdAt: tickets.createdAt })
      .from(tickets)
      .where(and(filed, pageExists(start)))
      .orderBy(...newestFirst)
      .limit(branchLimit(limit, start)),
  )
  const followedPage = db.$with('followed_page').as(
    db
      .select({ id: tickets.id, createdAt: tickets.createdAt })
      .from(ticketParticipants)
      .innerJoin(tickets, eq(tickets.id, ticketParticipants.ticketId))
      .where(and(followed, pageExists(start)))
      .orderBy(...newestFirst)
      .limit(branchLimit(limit, start)),
  )
  const merged = db
    .select({ id: ownPage.id, createdAt: ownPage.createdAt })
    .from(ownPage)
    .unionAll(db.select({ id: followedPage.id, createdAt: followedPage.createdAt }).from(followedPage))
    .as('merged')
  const page = db
    .select({ id: merged.id, createdAt: merged.createdAt })
    .from(merged)
    .orderBy(desc(merged.createdAt), desc(merged.id))
    .limit(literalLimit(limit))
    .$dynamic()
  const ids = (start === 'first' ? page : page.offset(sql.placeholder('offset'))).as('page')
  return db
    .with(total, ownPage, followedPage)
    .select({ total: total.n, ticket: tickets })
    .from(total)
    .leftJoin(ids, sql`true`)
    .leftJoin(tickets, eq(tickets.id, ids.id))
    .orderBy(desc(ids.createdAt), desc(ids.id))
    .prepare(name)
})

/**
 * The tickets a requester sees: those they filed and those they follow as a participant, and how
 * many match, in one statement (one round trip, one snapshot). A user's tickets are few enough
 * that counting them is an index range scan.
 */
export async function listOwnTickets(db: DbOrTx, userId: string, filter: TicketFilter, window: PageWindow) {
  const page = clamped(window)
  const ownFilter = { ...filter, assignedTo: undefined }
  const rows = await ownTicketsQuery(db, shapeOf(ownFilter), page).execute({
    ...placeholderValues(ownFilter, page),
    userId,
  })
  return {
    rows: rows.flatMap((r) => (r.ticket ? [toTicketDto(r.ticket)] : [])),
    total: rows[0]?.total ?? 0,
  }
}

/**
 * Inside a statement with a `total` CTE: false when the page starts past the last match, so the
 * page's index walk is skipped altogether (PostgreSQL evaluates it once, before the scan): a
 * page far past the end costs nothing instead of a walk over every match.
 */
function pageExists(start: Start): SQL {
  const offset = start === 'first' ? sql`0` : sql`${sql.placeholder('offset')}::int`
  return sql`${offset} < (SELECT n FROM total)`
}

/**
 * A page size written into the statement's text (see memoByShape): drizzle sends a number as a
 * parameter, but renders SQL given in its place as it is. Its signature only knows placeholders.
 */
function literalLimit(limit: number): Placeholder {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`bad page size ${limit}`)
  return sql.raw(String(limit)) as unknown as Placeholder
}

/**
 * The page's ids first, whole rows after: skipping `offset` rows then walks the index alone
 * instead of fetching (and joining) every skipped ticket. Deep pages cost a fraction as much.
 */
function pageOfIds(db: DbOrTx, where: SQL | undefined, limit: number, start: Start) {
  const page = db
    .select({ id: tickets.id, createdAt: tickets.createdAt })
    .from(tickets)
    .where(where)
    .orderBy(...newestFirst)
    .limit(literalLimit(limit))
    .$dynamic()
  return (start === 'first' ? page : page.offset(sql.placeholder('offset'))).as('page')
}

const allTicketsQuery = memoByShape('all', (db, shape, limit, start, name) => {
  const total = db.$with('total').as(countAllQuery(db, shape))
  const assignee = alias(users, 'assignee')
  const creator = alias(users, 'creator')
  const ids = pageOfIds(db, and(...filterConditions(shape), pageExists(start)), limit, start)
  return db
    .with(total)
    .select({ total: total.n, ticket: tickets, assigneeEmail: assignee.email, creatorEmail: creator.email })
    .from(total)
    .leftJoin(ids, sql`true`)
    .leftJoin(tickets, eq(tickets.id, ids.id))
    .leftJoin(assignee, eq(assignee.id, tickets.assignedTo))
    .leftJoin(creator, eq(creator.id, tickets.createdBy))
    .orderBy(desc(ids.createdAt), desc(ids.id))
    .prepare(name)
})

/**
 * Every ticket, with the assignee's and creator's emails joined in, and the total, in one
 * statement: one round trip, and the total is of the same snapshot as the rows. The total comes
 * from ticket_counts (kept exact by triggers), so it costs the same at 1M tickets as at 10.
 */
export async function listAllTickets(db: DbOrTx, filter: TicketFilter, window: PageWindow) {
  const page = clamped(window)
  const rows = await allTicketsQuery(db, shapeOf(filter), page).execute(placeholderValues(filter, page))
  return {
    rows: rows.flatMap(({ ticket, assigneeEmail, creatorEmail }) =>
      ticket && creatorEmail !== null
        ? [
            {
              ...toTicketDto(ticket),
              assignee: assigneeEmail === null ? null : { email: assigneeEmail },
              creator: { email: creatorEmail },
            },
          ]
        : [],
    ),
    total: rows[0]?.total ?? 0,
  }
}

/**
 * The same list, soonest SLA due first (tickets_sla_due_at_idx, read in order; tickets without a
 * running target last). Built per call: a rarer view than the default order.
 */
export async function listAllTicketsByDue(db: DbOrTx, filter: TicketFilter, window: PageWindow) {
  const page = clamped(window)
  const shape = shapeOf(filter)
  const values = placeholderValues(filter, page)
  const assignee = alias(users, 'assignee')
  const creator = alias(users, 'creator')
  const dueFirst = [sql`${tickets.slaDueAt} ASC NULLS LAST`, asc(tickets.id)]
  const ids = db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(...filterConditions(shape)))
    .orderBy(...dueFirst)
    .limit(literalLimit(page.limit))
    .offset(sql.placeholder('offset'))
    .as('page')
  const rows = await db
    .select({ ticket: tickets, assigneeEmail: assignee.email, creatorEmail: creator.email })
    .from(ids)
    .innerJoin(tickets, eq(tickets.id, ids.id))
    .leftJoin(assignee, eq(assignee.id, tickets.assignedTo))
    .leftJoin(creator, eq(creator.id, tickets.createdBy))
    .orderBy(...dueFirst)
    .prepare('')
    .execute(values)
  const [count] = await countAllQuery(db, shape).prepare('').execute(values)
  return {
    rows: rows.flatMap(({ ticket, assigneeEmail, creatorEmail }) =>
      creatorEmail !== null
        ? [
            {
              ...toTicketDto(ticket),
              assignee: assigneeEmail === null ? null : { email: assigneeEmail },
              creator: { email: creatorEmail },
            },
          ]
        : [],
    ),
    total: count?.n ?? 0,
  }
}

/**
 * How many tickets match, summed from ticket_counts: a SELECT of one column, `n`. Its
 * placeholders are the list's (:status, :priority, :assignedTo; UNASSIGNED counts as a user id).
 */
function countAllQuery(db: DbOrTx, shape: Shape) {
  const conditions: SQL[] = []
  if (shape.status) conditions.push(eq(ticketCounts.status, sql.placeholder('status')))
  if (shape.priority) conditions.push(eq(ticketCounts.priority, sql.placeholder('priority')))
  if (shape.assignedTo !== 'any') conditions.push(eq(ticketCounts.assignedTo, sql.placeholder('assignedTo')))
  return db
    .select({ n: sql<number>`coalesce(sum(${ticketCounts.n}), 0)::int`.as('n') })
    .from(ticketCounts)
    .where(and(...conditions))
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

/** How the ticket came in: its `created` event names the channel when it was not the web. */
export async function findTicketChannel(db: DbOrTx, ticketId: string): Promise<TicketChannel> {
  const [row] = await db
    .select({ channel: sql<string | null>`${ticketEvents.details}->>'channel'` })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.type, 'created')))
    .limit(1)
  return row?.channel === 'email' ? 'email' : 'web'
}

/** Who reads: staff see internal notes (and their history entries); requesters never do. */
export interface CommentVisibility {
  includeInternal: boolean
}

/** One page of a ticket's history, oldest first, and how many events the reader may see in all. */
export async function listEvents(
  db: DbOrTx,
  ticketId: string,
  visibility: CommentVisibility,
  page: PageWindow,
): Promise<{ rows: TicketEventDto[]; total: number }> {
  const where = and(
    eq(ticketEvents.ticketId, ticketId),
    // Only an internal note's "commented" entry carries details.internal.
    visibility.includeInternal
      ? undefined
      : sql`coalesce(${ticketEvents.details}->>'internal', 'false') <> 'true'`,
  )
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(ticketEvents).where(where)
  const total = counted?.n ?? 0
  if (page.offset >= total) return { rows: [], total }
  const rows = await db
    .select({ event: ticketEvents, actorEmail: users.email })
    .from(ticketEvents)
    .leftJoin(users, eq(users.id, ticketEvents.actorId))
    .where(where)
    .orderBy(asc(ticketEvents.seq))
    .limit(page.limit)
    .offset(page.offset)
  return {
    rows: rows.map(({ event, actorEmail }) => ({
      id: event.id,
      type: event.type,
      actor: event.actorId && actorEmail ? { id: event.actorId, email: actorEmail } : null,
      from: event.fromValue,
      to: event.toValue,
      details: event.details,
      created_at: event.createdAt,
    })),
    total,
  }
}

export async function insertComment(
  db: DbOrTx,
  comment: {
    ticketId: string
    authorId: string
    body: string
    internal: boolean
    channel?: CommentDto['channel']
  },
): Promise<{ id: string; createdAt: Date }> {
  const [row] = await db
    .insert(ticketComments)
    .values(comment)
    .returning({ id: ticketComments.id, createdAt: ticketComments.createdAt })
  if (!row) throw new Error('insert returned no row')
  return row
}

const commentColumns = {
  id: ticketComments.id,
  ticketId: ticketComments.ticketId,
  body: ticketComments.body,
  internal: ticketComments.internal,
  channel: ticketComments.channel,
  createdAt: ticketComments.createdAt,
  authorId: users.id,
  authorEmail: users.email,
  authorName: users.name,
  authorRole: users.role,
}

function toCommentDto(r: {
  id: string
  ticketId: string
  body: string
  internal: boolean
  channel: CommentDto['channel']
  createdAt: Date
  authorId: string
  authorEmail: string
  authorName: string | null
  authorRole: CommentDto['author']['role']
}): CommentDto {
  return {
    id: r.id,
    ticket_id: r.ticketId,
    author: { id: r.authorId, email: r.authorEmail, name: r.authorName, role: r.authorRole },
    body: r.body,
    internal: r.internal,
    channel: r.channel,
    // Attachments come with the attachments feature; until then a comment has none.
    attachments: [],
    created_at: r.createdAt,
  }
}

/** One page of a ticket's comments the reader may see, oldest first, and how many in all. */
export async function listComments(
  db: DbOrTx,
  ticketId: string,
  visibility: CommentVisibility,
  page: PageWindow,
): Promise<{ rows: CommentDto[]; total: number }> {
  const where = and(
    eq(ticketComments.ticketId, ticketId),
    visibility.includeInternal ? undefined : eq(ticketComments.internal, false),
  )
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(ticketComments).where(where)
  const total = counted?.n ?? 0
  if (page.offset >= total) return { rows: [], total }
  const rows = await db
    .select(commentColumns)
    .from(ticketComments)
    .innerJoin(users, eq(users.id, ticketComments.authorId))
    .where(where)
    .orderBy(asc(ticketComments.createdAt), asc(ticketComments.id))
    .limit(page.limit)
    .offset(page.offset)
  return { rows: rows.map(toCommentDto), total }
}

export async function findComment(db: DbOrTx, id: string): Promise<CommentDto | undefined> {
  const [row] = await db
    .select(commentColumns)
    .from(ticketComments)
    .innerJoin(users, eq(users.id, ticketComments.authorId))
    .where(eq(ticketComments.id, id))
  return row && toCommentDto(row)
}
