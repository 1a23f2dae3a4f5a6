// SLA policies and the tickets' clock columns. Every function takes `db` or a transaction first.
import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import {
  type SlaPolicyRow,
  skills,
  slaPolicies,
  type TicketRow,
  ticketEvents,
  tickets,
  users,
} from '../../db/schema.js'

export type PolicyWithSkill = SlaPolicyRow & { skillName: string | null }

const withSkill = { policy: slaPolicies, skillName: skills.name }

/** Every policy, skill policies in admin order first, the default last. */
export async function listPolicies(db: DbOrTx): Promise<PolicyWithSkill[]> {
  const rows = await db
    .select(withSkill)
    .from(slaPolicies)
    .leftJoin(skills, eq(skills.id, slaPolicies.skillId))
    .orderBy(
      asc(slaPolicies.isDefault),
      asc(slaPolicies.position),
      asc(slaPolicies.createdAt),
      asc(slaPolicies.id),
    )
  return rows.map((r) => ({ ...r.policy, skillName: r.skillName }))
}

/**
 * The policies with the transaction's timestamp (`now()`, what a row's created_at defaults to):
 * a new ticket's due times are computed before its INSERT, in one statement. No policies: no time.
 */
export async function listPoliciesWithNow(db: DbOrTx): Promise<{ policies: PolicyWithSkill[]; now?: Date }> {
  const rows = await db
    .select({ ...withSkill, now: sql<Date>`now()`.mapWith(tickets.createdAt) })
    .from(slaPolicies)
    .leftJoin(skills, eq(skills.id, slaPolicies.skillId))
    .orderBy(
      asc(slaPolicies.isDefault),
      asc(slaPolicies.position),
      asc(slaPolicies.createdAt),
      asc(slaPolicies.id),
    )
  return { policies: rows.map((r) => ({ ...r.policy, skillName: r.skillName })), now: rows[0]?.now }
}

export async function findPolicy(db: DbOrTx, id: string): Promise<PolicyWithSkill | undefined> {
  const [row] = await db
    .select(withSkill)
    .from(slaPolicies)
    .leftJoin(skills, eq(skills.id, slaPolicies.skillId))
    .where(eq(slaPolicies.id, id))
  return row ? { ...row.policy, skillName: row.skillName } : undefined
}

export type PolicyFields = Pick<
  SlaPolicyRow,
  'name' | 'isDefault' | 'skillId' | 'position' | 'targets' | 'timezone' | 'hours' | 'holidays'
>

export async function insertPolicy(db: DbOrTx, fields: PolicyFields): Promise<SlaPolicyRow> {
  const [row] = await db.insert(slaPolicies).values(fields).returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

export async function updatePolicy(db: DbOrTx, id: string, fields: Partial<PolicyFields>) {
  const [row] = await db
    .update(slaPolicies)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(slaPolicies.id, id))
    .returning()
  return row
}

/** Clears the default flag wherever it is (before another policy takes it, in one transaction). */
export async function clearDefault(db: DbOrTx): Promise<void> {
  await db.update(slaPolicies).set({ isDefault: false }).where(eq(slaPolicies.isDefault, true))
}

export async function deletePolicy(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(slaPolicies).where(eq(slaPolicies.id, id)).returning({ id: slaPolicies.id })
  return rows.length > 0
}

/** A skill's id by name (case-insensitive) or id. */
export async function findSkillId(db: DbOrTx, nameOrId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: skills.id })
    .from(skills)
    .where(sql`lower(${skills.name}) = lower(${nameOrId}) OR ${skills.id}::text = lower(${nameOrId})`)
    .limit(1)
  return row?.id
}

export type ClockColumns = Partial<
  Pick<
    TicketRow,
    | 'slaPolicyId'
    | 'firstResponseDueAt'
    | 'firstResponseWarningAt'
    | 'firstRespondedAt'
    | 'resolutionDueAt'
    | 'resolutionWarningAt'
    | 'resolvedAt'
    | 'slaPausedSince'
    | 'slaPausedMinutes'
    | 'slaDueAt'
    | 'slaNextCheckAt'
    | 'firstResponseWarningSentAt'
    | 'firstResponseBreachSentAt'
    | 'resolutionWarningSentAt'
    | 'resolutionBreachSentAt'
  >
>

/** Writes clock columns; leaves updated_at alone (the clock is not a person's edit). */
export async function writeClock(db: DbOrTx, id: string, columns: ClockColumns): Promise<TicketRow> {
  const [row] = await db.update(tickets).set(columns).where(eq(tickets.id, id)).returning()
  if (!row) throw new Error(`ticket ${id} vanished inside its transaction`)
  return row
}

/**
 * Up to `limit` tickets whose next warning or breach instant has come, locked; rows another
 * process holds are skipped (it is announcing them). Reads tickets_sla_next_check_at_idx only.
 */
export async function claimDueTickets(db: DbOrTx, now: Date, limit: number): Promise<TicketRow[]> {
  return db
    .select()
    .from(tickets)
    .where(and(isNotNull(tickets.slaNextCheckAt), lte(tickets.slaNextCheckAt, now)))
    .orderBy(asc(tickets.slaNextCheckAt))
    .limit(limit)
    .for('update', { skipLocked: true })
}

/**
 * SLA history rows, actor the system. The unique index ticket_events_sla_once_key lets only the
 * first of each (ticket, type, target) in: gives back the ones written.
 */
export async function insertSlaEvents(
  db: DbOrTx,
  events: Array<{ ticketId: string; type: 'sla_warning' | 'sla_breached'; details: Record<string, unknown> }>,
) {
  if (events.length === 0) return []
  return db
    .insert(ticketEvents)
    .values(events.map((e) => ({ ...e, actorId: null })))
    .onConflictDoNothing()
    .returning({ type: ticketEvents.type, details: ticketEvents.details })
}

/** Active admins' addresses: a breach is their business too. */
export async function activeAdminEmails(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.isActive, true)))
  return rows.map((r) => r.email)
}

/** The live event (GET /api/events, staff only): the stream names the ticket, the event and target. */
export async function announceLive(
  db: DbOrTx,
  ticket: TicketRow,
  event: 'warning' | 'breached',
  target: string,
): Promise<void> {
  const payload = JSON.stringify({
    kind: 'sla',
    ticket_id: ticket.id,
    number: ticket.number,
    created_by: ticket.createdBy,
    assigned_to: ticket.assignedTo,
    status: ticket.status,
    processing_status: ticket.processingStatus,
    internal: true,
    sla_event: event,
    target,
  })
  await db.execute(sql`SELECT pg_notify('sts_ticket_changes', ${payload})`)
}

/**
 * Adds `policy` as the default unless one exists. Concurrent starts cannot both add one: the
 * partial unique index on is_default refuses the second (ON CONFLICT DO NOTHING).
 */
export async function insertDefaultIfMissing(db: DbOrTx, policy: PolicyFields): Promise<boolean> {
  const rows = await db.execute(sql`
    INSERT INTO sla_policies (name, is_default, position, targets, timezone, hours, holidays)
    SELECT ${policy.name}, true, ${policy.position}, ${JSON.stringify(policy.targets)}::jsonb, ${policy.timezone},
           ${JSON.stringify(policy.hours)}::jsonb, ${`{${policy.holidays.join(',')}}`}::text[]
    WHERE NOT EXISTS (SELECT 1 FROM sla_policies WHERE is_default)
    ON CONFLICT DO NOTHING
    RETURNING id`)
  return (rows as unknown as { rows: unknown[] }).rows.length > 0
}
