// Choosing a moderator, in SQL: one statement scores every active moderator/admin, so it stays
// fast with a thousand of them (nobody is loaded into the app per ticket).
import { setTimeout } from 'node:timers/promises'
import { and, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { assigneeStats, type TicketRow, tickets, users } from '../../db/schema.js'

/** Each open ticket a moderator holds costs this much score: expertise first, but spread the load. */
export const WORKLOAD_PENALTY = 0.25

/**
 * The moderator who resolved the closest similar ticket knows the fix: their score gains
 * RESOLVER_BONUS × similarity (similarity ≥ 0.5 when offered, so 0.5 to 1 point). Bounded: at
 * most one proficiency step of the first skill, or four open tickets of workload; it decides
 * between comparable moderators and never outweighs real expertise or a heavy queue.
 */
export const RESOLVER_BONUS = 1

/** Who resolved the ticket most like this one, and how alike they are (0–1). */
export interface ResolverHint {
  userId: string
  similarity: number
  ticketNumber: number
}

export interface Candidate {
  userId: string
  email: string
  /** Σ proficiency × weight over the ticket's skills the moderator has (weight 1 for the first skill, ½ for the second, …). */
  relevance: number
  openTickets: number
  score: number
  matchedSkills: string[]
  lastAssignedAt: Date | null
  /** last_assigned_at exactly as stored (microseconds), to tell whether it moved since. */
  lastAssignedKey: string | null
  /** The resolver bonus included in `score` (0 unless they resolved the closest similar ticket). */
  resolverBonus: number
}

/**
 * The best active moderator/admin for a ticket needing `skills` (most relevant first). Only exact
 * catalog names count (case-insensitive): "Java" is not "JavaScript". Among moderators with a
 * matching skill, the highest relevance − penalty × open tickets wins; ties go to the least
 * loaded, then the least recently assigned. With no match, the least-loaded moderator, oldest
 * assignment first (round robin). Undefined when there is no active moderator or admin.
 *
 * The chosen moderator's user row is locked until commit; assign with `assignTicket`.
 */
export async function chooseAssignee(
  db: DbOrTx,
  skills: string[],
  hint?: ResolverHint,
): Promise<Candidate | undefined> {
  // Simultaneous assignments must not both pick the same "least loaded" moderator: the choice
  // locks the chosen moderator's user row until commit (when their workload count goes up), and
  // a concurrent choice skips locked moderators and takes the next best. When every candidate is
  // locked (a small team, a burst of tickets), it waits a moment and chooses again from fresh
  // counts, rather than queueing behind a choice made on counts that are about to change.
  for (let attempt = 0; ; attempt++) {
    const chosen = await pick(db, skills, 'skip locked', hint)
    if (chosen) return chosen
    if (!(await pick(db, skills, 'no lock', hint))) return undefined
    await setTimeout(Math.min(2 ** attempt, 25))
  }
}

/**
 * Assigns the ticket to a chosen candidate, provided their workload is still what the choice
 * saw (unless `evenIfCountsMoved`). The choice's lock is taken after its snapshot: an assignment
 * to the same moderator that committed in between (releasing its lock) is missing from the
 * counts the choice was made on. This statement's snapshot is newer than the lock, and nobody
 * else can assign them now, so it reads their counts again; if they moved, it changes nothing
 * and gives undefined: choose again from fresh counts.
 */
export async function assignTicket(
  tx: DbOrTx,
  ticketId: string,
  chosen: Candidate,
  options: { evenIfCountsMoved?: boolean } = {},
): Promise<TicketRow | undefined> {
  const countsUnchanged = sql`EXISTS (
    SELECT 1 FROM ${users} u
    LEFT JOIN ${assigneeStats} st ON st.user_id = u.id
    WHERE u.id = ${chosen.userId}
      AND coalesce(st.open_tickets, 0) = ${chosen.openTickets}
      AND st.last_assigned_at::text IS NOT DISTINCT FROM ${chosen.lastAssignedKey})`
  const [row] = await tx
    .update(tickets)
    .set({ assignedTo: chosen.userId, updatedAt: sql`now()` })
    .where(and(eq(tickets.id, ticketId), options.evenIfCountsMoved ? undefined : countsUnchanged))
    .returning()
  return row
}

async function pick(
  db: DbOrTx,
  skills: string[],
  lock: 'skip locked' | 'no lock',
  hint?: ResolverHint,
): Promise<Candidate | undefined> {
  const lowered = skills.map((s) => s.toLowerCase())
  const bonus = hint ? RESOLVER_BONUS * Math.min(Math.max(hint.similarity, 0), 1) : 0
  const resolver = hint?.userId ?? null
  const result = await db.execute(sql`
    WITH wanted AS (
      SELECT s.id, s.name, min(w.ord) AS ord
      FROM unnest(${sql.param(lowered)}::text[]) WITH ORDINALITY AS w(name, ord)
      JOIN skills s ON lower(s.name) = w.name
      GROUP BY s.id, s.name
    ),
    staff AS (
      SELECT u.id, u.email, coalesce(st.open_tickets, 0) AS open_tickets, st.last_assigned_at
      FROM users u
      LEFT JOIN assignee_stats st ON st.user_id = u.id
      WHERE u.is_active AND u.role IN ('moderator', 'admin')
    ),
    expertise AS (
      SELECT us.user_id, sum(us.proficiency::float8 / w.ord) AS relevance, array_agg(w.name ORDER BY w.ord) AS matched
      FROM user_skills us JOIN wanted w ON w.id = us.skill_id
      GROUP BY us.user_id
    ),
    scored AS (
      SELECT staff.id, staff.email, coalesce(e.relevance, 0) AS relevance, staff.open_tickets,
             coalesce(e.relevance, 0) - ${WORKLOAD_PENALTY}::float8 * staff.open_tickets
               + CASE WHEN staff.id = ${resolver}::uuid THEN ${bonus}::float8 ELSE 0 END AS score,
             CASE WHEN staff.id = ${resolver}::uuid THEN ${bonus}::float8 ELSE 0 END AS resolver_bonus,
             coalesce(e.matched, '{}') AS matched, staff.last_assigned_at
      FROM staff
      LEFT JOIN expertise e ON e.user_id = staff.id
      WHERE e.user_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM expertise JOIN staff s2 ON s2.id = expertise.user_id)
    )
    SELECT s.id AS user_id, s.email, s.relevance, s.open_tickets, s.score, s.resolver_bonus, s.matched, s.last_assigned_at,
           s.last_assigned_at::text AS last_assigned_key
    FROM scored s
    JOIN users u ON u.id = s.id
    ORDER BY s.score DESC, s.open_tickets ASC, s.last_assigned_at ASC NULLS FIRST, s.id
    LIMIT 1
    ${lock === 'skip locked' ? sql`FOR NO KEY UPDATE OF u SKIP LOCKED` : sql``}
  `)
  const row = (result as unknown as { rows: Record<string, unknown>[] }).rows[0]
  if (!row) return undefined
  const lastAssigned = row.last_assigned_at
  return {
    userId: String(row.user_id),
    email: String(row.email),
    relevance: Number(row.relevance),
    openTickets: Number(row.open_tickets),
    score: Number(row.score),
    matchedSkills: (row.matched as string[] | null) ?? [],
    lastAssignedAt:
      lastAssigned === null || lastAssigned === undefined ? null : new Date(String(lastAssigned)),
    lastAssignedKey: typeof row.last_assigned_key === 'string' ? row.last_assigned_key : null,
    resolverBonus: Number(row.resolver_bonus ?? 0),
  }
}

/** Unassigns every open ticket `userId` holds; gives their ids. */
export async function releaseOpenTickets(tx: DbOrTx, userId: string): Promise<string[]> {
  const rows = await tx
    .update(tickets)
    .set({ assignedTo: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(tickets.assignedTo, userId),
        sql`${tickets.status} IN ('todo', 'in_progress', 'waiting_for_customer')`,
      ),
    )
    .returning({ id: tickets.id })
  return rows.map((r) => r.id)
}
