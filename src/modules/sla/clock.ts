// The SLA clock of one ticket, as pure functions of its row: which due times a policy gives it,
// when escalation must next look at it, and the `sla` block every ticket response carries.
//
// The rules: both targets run from the ticket's creation in the policy's business time. The clock
// pauses while the ticket is waiting_for_customer or resolved; each finished pause adds its business
// minutes to sla_paused_minutes, and due times are creation + target + paused minutes, so resuming
// pushes them out by exactly the pause. First response is met by the first public staff reply (or,
// without one, by resolving the ticket); resolution by resolving or closing it. A target that is met
// keeps its due time; a priority or policy change re-targets the others from the ticket's creation.
// A cancelled ticket's clock stops for good and its `sla` is null.
import type { SlaTargets, TicketPriority, TicketRow } from '../../db/schema.js'
import { addBusinessMinutes, type BusinessCalendar } from './business-time.js'
import type { SlaStateName, TicketSlaDto } from './sla.schemas.js'

/** The part of a policy the clock needs. */
export interface ClockPolicy {
  id: string
  targets: SlaTargets
  calendar: BusinessCalendar
}

/** The share of a target after which it is in `warning`. */
export const WARNING_SHARE = 0.8

/** The columns the clock writes. */
export type SlaColumns = Pick<
  TicketRow,
  | 'slaPolicyId'
  | 'firstResponseDueAt'
  | 'firstResponseWarningAt'
  | 'resolutionDueAt'
  | 'resolutionWarningAt'
  | 'slaDueAt'
  | 'slaNextCheckAt'
>

/** The row fields the clock reads. */
export type ClockRow = Pick<
  TicketRow,
  | 'status'
  | 'priority'
  | 'createdAt'
  | 'firstRespondedAt'
  | 'resolvedAt'
  | 'slaPausedSince'
  | 'slaPausedMinutes'
  | 'firstResponseWarningSentAt'
  | 'firstResponseBreachSentAt'
  | 'resolutionWarningSentAt'
  | 'resolutionBreachSentAt'
> &
  Partial<SlaColumns>

/** Closed or resolved: the resolution target is done. */
export const isResolved = (row: Pick<TicketRow, 'resolvedAt'>) => row.resolvedAt !== null
/** First response is still owed: no public staff reply yet and not resolved. */
export const firstResponsePending = (row: Pick<TicketRow, 'firstRespondedAt' | 'resolvedAt'>) =>
  row.firstRespondedAt === null && row.resolvedAt === null

const earliest = (dates: Array<Date | null | undefined>): Date | null => {
  let best: Date | null = null
  for (const d of dates) if (d && (!best || d < best)) best = d
  return best
}

/** Due and warning instants of one target, `minutes` of business time after creation plus pauses. */
function targetInstants(policy: ClockPolicy, row: ClockRow, minutes: number) {
  const start = row.createdAt
  return {
    due: addBusinessMinutes(policy.calendar, start, minutes + row.slaPausedMinutes),
    warning: addBusinessMinutes(policy.calendar, start, minutes * WARNING_SHARE + row.slaPausedMinutes),
  }
}

/**
 * The SLA columns for `row` under `policy` (null: none applies). Targets still running are
 * computed afresh (priority, policy and pauses may have changed); met ones keep their times.
 */
export function planClock(row: ClockRow, policy: ClockPolicy | null): SlaColumns {
  if (!policy) {
    return {
      slaPolicyId: null,
      firstResponseDueAt: null,
      firstResponseWarningAt: null,
      resolutionDueAt: null,
      resolutionWarningAt: null,
      slaDueAt: null,
      slaNextCheckAt: null,
    }
  }
  const target = policy.targets[row.priority as TicketPriority]
  const frPending = firstResponsePending(row)
  const resPending = !isResolved(row)
  const keep = policy.id === row.slaPolicyId
  const fr =
    frPending || !keep || !row.firstResponseDueAt
      ? targetInstants(policy, row, target.first_response_minutes)
      : { due: row.firstResponseDueAt, warning: row.firstResponseWarningAt ?? row.firstResponseDueAt }
  const res =
    resPending || !keep || !row.resolutionDueAt
      ? targetInstants(policy, row, target.resolution_minutes)
      : { due: row.resolutionDueAt, warning: row.resolutionWarningAt ?? row.resolutionDueAt }
  const paused = row.slaPausedSince !== null
  // A cancelled ticket owes nothing: its clock stands still (paused) and it sorts with the undue.
  const owed = row.status !== 'cancelled'
  return {
    slaPolicyId: policy.id,
    firstResponseDueAt: fr.due,
    firstResponseWarningAt: fr.warning,
    resolutionDueAt: res.due,
    resolutionWarningAt: res.warning,
    slaDueAt: owed ? earliest([frPending ? fr.due : null, resPending ? res.due : null]) : null,
    slaNextCheckAt: paused
      ? null
      : earliest([
          frPending && !row.firstResponseWarningSentAt ? fr.warning : null,
          frPending && !row.firstResponseBreachSentAt ? fr.due : null,
          resPending && !row.resolutionWarningSentAt ? res.warning : null,
          resPending && !row.resolutionBreachSentAt ? res.due : null,
        ]),
  }
}

type TargetState = 'ok' | 'warning' | 'breached' | 'met'

function targetState(
  due: Date | null,
  warning: Date | null,
  doneAt: Date | null,
  at: Date,
): TargetState | null {
  if (!due) return null
  if (doneAt) return doneAt <= due ? 'met' : 'breached'
  if (at >= due) return 'breached'
  if (warning && at >= warning) return 'warning'
  return 'ok'
}

/**
 * The ticket's `sla` block at `now`. While paused the clock reads the instant it stopped. The
 * state is the worst of the two targets: breached if either was missed, warning if a running one
 * has used 80 %, ok while any runs, met when both were met.
 */
export function slaOf(
  row: ClockRow & Pick<TicketRow, 'slaPolicyId'> & Partial<SlaColumns>,
  now: Date = new Date(),
): TicketSlaDto | null {
  // No policy, or cancelled: no promise applies (any more).
  if (!row.slaPolicyId || row.status === 'cancelled') return null
  const at = row.slaPausedSince ?? now
  const frDone = row.firstRespondedAt ?? row.resolvedAt
  const states = [
    targetState(row.firstResponseDueAt ?? null, row.firstResponseWarningAt ?? null, frDone, at),
    targetState(row.resolutionDueAt ?? null, row.resolutionWarningAt ?? null, row.resolvedAt, at),
  ].filter((s): s is TargetState => s !== null)
  const order: SlaStateName[] = ['breached', 'warning', 'ok', 'met']
  const state = order.find((s) => states.includes(s)) ?? 'ok'
  return {
    policy_id: row.slaPolicyId,
    first_response_due_at: row.firstResponseDueAt ?? null,
    first_responded_at: row.firstRespondedAt,
    resolution_due_at: row.resolutionDueAt ?? null,
    paused: row.slaPausedSince !== null,
    paused_since: row.slaPausedSince,
    due_at: row.slaDueAt ?? null,
    state,
  }
}
