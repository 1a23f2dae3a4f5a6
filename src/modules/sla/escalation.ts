// Escalation (the sla-escalation job, every minute): tickets whose warning (80 % used) or breach
// instant has come get their history event (actor: the system), emails (the assignee at a
// warning; the assignee and every active admin at a breach) and a live event; a breached ticket
// nobody holds is assigned at once. The tickets come through tickets_sla_next_check_at_idx only:
// a run reads the rows that are due, never the open tickets as a whole.
//
// Exactly once, however many workers run it: each batch locks its rows (FOR UPDATE SKIP LOCKED,
// so a second process takes other rows or none), marks each announcement sent on the ticket in the
// same transaction, and the database's unique index on (ticket, type, target) refuses a duplicate.
import type { Db, Tx } from '../../db/client.js'
import type { TicketRow } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { autoAssign } from '../assignment/assignment.service.js'
import type { Notifier } from '../notifications/notifier.js'
import { findUserById } from '../users/user.repository.js'
import { type ClockPolicy, firstResponsePending, isResolved, planClock } from './clock.js'
import * as repo from './sla.repository.js'
import type { SlaTargetName } from './sla.schemas.js'

export interface EscalationResult {
  warnings: number
  breaches: number
  assigned: number
}

interface Announcement {
  event: 'warning' | 'breached'
  target: SlaTargetName
  dueAt: Date
}

/** What `row` must announce at `now`, and the markers that record it. */
function announcementsOf(row: TicketRow, now: Date): { due: Announcement[]; markers: repo.ClockColumns } {
  const due: Announcement[] = []
  const markers: repo.ClockColumns = {}
  if (row.slaPausedSince !== null) return { due, markers }
  const check = (
    target: SlaTargetName,
    pending: boolean,
    warningAt: Date | null,
    dueAt: Date | null,
    warned: Date | null,
    breached: Date | null,
  ) => {
    if (!pending || !dueAt) return
    if (!warned && warningAt && warningAt <= now) due.push({ event: 'warning', target, dueAt })
    if (!breached && dueAt <= now) due.push({ event: 'breached', target, dueAt })
  }
  check(
    'first_response',
    firstResponsePending(row),
    row.firstResponseWarningAt,
    row.firstResponseDueAt,
    row.firstResponseWarningSentAt,
    row.firstResponseBreachSentAt,
  )
  check(
    'resolution',
    !isResolved(row),
    row.resolutionWarningAt,
    row.resolutionDueAt,
    row.resolutionWarningSentAt,
    row.resolutionBreachSentAt,
  )
  for (const a of due) {
    if (a.target === 'first_response') {
      if (a.event === 'warning') markers.firstResponseWarningSentAt = now
      else markers.firstResponseBreachSentAt = now
    } else if (a.event === 'warning') markers.resolutionWarningSentAt = now
    else markers.resolutionBreachSentAt = now
  }
  return { due, markers }
}

/** What one run reads once: policies by id, and the admins' addresses (for breaches). */
interface RunCache {
  policies: Map<string, ClockPolicy | null>
  admins?: string[]
}

async function escalateTicket(
  tx: Tx,
  notifier: Notifier,
  row: TicketRow,
  policy: ClockPolicy | null,
  now: Date,
  result: EscalationResult,
  cache: RunCache,
): Promise<void> {
  const { due, markers } = announcementsOf(row, now)
  const marked = { ...row, ...markers }
  let ticket = await repo.writeClock(tx, row.id, { ...markers, ...planClock(marked, policy) })
  const written = await repo.insertSlaEvents(
    tx,
    due.map((a) => ({
      ticketId: row.id,
      type: a.event === 'warning' ? ('sla_warning' as const) : ('sla_breached' as const),
      details: { target: a.target, due_at: a.dueAt.toISOString() },
    })),
  )
  const announced = due.filter((a) =>
    written.some(
      (w) =>
        w.type === (a.event === 'warning' ? 'sla_warning' : 'sla_breached') && w.details?.target === a.target,
    ),
  )
  if (announced.length === 0) return
  const breached = announced.some((a) => a.event === 'breached')
  if (breached && !ticket.assignedTo) {
    const assignment = await autoAssign(tx, ticket.id, { locked: ticket })
    if (assignment.ticket) ticket = assignment.ticket
    if (assignment.result.assignedTo) {
      result.assigned++
      await notifier.ticketAssigned(tx, ticket, {
        id: assignment.result.assignedTo,
        email: assignment.result.email,
      })
    }
  }
  const assignee = ticket.assignedTo ? await findUserById(tx, ticket.assignedTo) : undefined
  if (breached) cache.admins ??= await repo.activeAdminEmails(tx)
  const admins = breached ? (cache.admins ?? []) : []
  for (const a of announced) {
    if (a.event === 'warning') result.warnings++
    else result.breaches++
    // A run that finds both instants of a target past (the job runs once a minute; a short target
    // or a backlog after downtime) records both events but mails only the breach: "due soon"
    // arriving beside (or after) "overdue" told the assignee something no longer true.
    if (a.event === 'warning' && announced.some((b) => b.event === 'breached' && b.target === a.target))
      continue
    const recipients = [
      ...(assignee?.isActive ? [assignee.email] : []),
      ...(a.event === 'breached' ? admins : []),
    ]
    await notifier.slaEscalated(tx, ticket, a.event, a.target, a.dueAt, recipients)
    await repo.announceLive(tx, ticket, a.event, a.target)
  }
}

/**
 * One run at `now` (injectable: tests drive the clock). Batches of `batchSize`, each its own
 * transaction, at most `maxBatches` a run: a backlog (the first run after downtime) is worked off
 * over the next minutes instead of in one long transaction.
 */
export async function runEscalation(
  db: Db,
  notifier: Notifier,
  now: Date = new Date(),
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<EscalationResult> {
  const { batchSize = 200, maxBatches = 25 } = options
  const result: EscalationResult = { warnings: 0, breaches: 0, assigned: 0 }
  const cache: RunCache = { policies: new Map() }
  for (let batch = 0; batch < maxBatches; batch++) {
    const claimed = await inTransaction(db, async (tx) => {
      const rows = await repo.claimDueTickets(tx, now, batchSize)
      for (const row of rows) {
        const policy = await policyOf(tx, row.slaPolicyId, cache.policies)
        await escalateTicket(tx, notifier, row, policy, now, result, cache)
      }
      return rows.length
    })
    if (claimed < batchSize) break
  }
  return result
}

async function policyOf(tx: Tx, id: string | null, cache: Map<string, ClockPolicy | null>) {
  if (!id) return null
  if (!cache.has(id)) {
    const row = await repo.findPolicy(tx, id)
    cache.set(
      id,
      row
        ? {
            id: row.id,
            targets: row.targets,
            calendar: { timezone: row.timezone, hours: row.hours, holidays: row.holidays },
          }
        : null,
    )
  }
  return cache.get(id) ?? null
}
