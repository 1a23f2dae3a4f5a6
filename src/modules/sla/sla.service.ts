// Service levels: policy use cases (admin) and the clock hooks the tickets module calls inside its
// transactions, so a ticket's due times always commit with the change that moved them.
import { IANAZone, DateTime as Luxon } from 'luxon'
import type { Db, DbOrTx, Tx } from '../../db/client.js'
import type { TicketRow, TicketStatus } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { AppError, badRequest, notFound } from '../../errors.js'
import { type BusinessCalendar, businessMinutesBetween, minuteOfDay } from './business-time.js'
import { type ClockPolicy, planClock } from './clock.js'
import * as repo from './sla.repository.js'
import type {
  CalendarDto,
  CreateSlaPolicyInput,
  SlaPolicyDto,
  TicketSlaDto,
  UpdateSlaPolicyInput,
} from './sla.schemas.js'

export const POLICY_NOT_FOUND = 'SLA policy not found'

// --- policies --------------------------------------------------------------------------------

function toPolicyDto(row: repo.PolicyWithSkill): SlaPolicyDto {
  return {
    id: row.id,
    name: row.name,
    is_default: row.isDefault,
    skill: row.skillName,
    position: row.position,
    targets: row.targets,
    calendar: { timezone: row.timezone, hours: row.hours, holidays: row.holidays },
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  }
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** A calendar the clock can use: a real zone, ranges that start before they end and do not overlap. */
export function checkCalendar(calendar: CalendarDto): CalendarDto {
  if (!IANAZone.isValidZone(calendar.timezone))
    throw badRequest(
      `calendar.timezone must be an IANA time zone such as Europe/Berlin (got ${calendar.timezone})`,
    )
  const byDay = new Map<number, Array<[number, number]>>()
  for (const range of calendar.hours) {
    const start = minuteOfDay(range.start)
    const end = minuteOfDay(range.end)
    if (start === 1440) throw badRequest('calendar.hours: a range cannot start at 24:00')
    if (end <= start)
      throw badRequest(
        `calendar.hours: on ${DAY_NAMES[range.day]} ${range.start}-${range.end} must end after it starts`,
      )
    byDay.set(range.day, [...(byDay.get(range.day) ?? []), [start, end]])
  }
  for (const [day, ranges] of byDay) {
    ranges.sort((a, b) => a[0] - b[0])
    for (let i = 1; i < ranges.length; i++)
      if ((ranges[i]?.[0] ?? 0) < (ranges[i - 1]?.[1] ?? 0))
        throw badRequest(`calendar.hours: the ranges of ${DAY_NAMES[day]} overlap`)
  }
  for (const date of calendar.holidays)
    if (!Luxon.fromISO(date).isValid) throw badRequest(`calendar.holidays: ${date} is not a date`)
  const hours = [...calendar.hours].sort(
    (a, b) => a.day - b.day || minuteOfDay(a.start) - minuteOfDay(b.start),
  )
  return { timezone: calendar.timezone, hours, holidays: [...new Set(calendar.holidays)].sort() }
}

async function resolveSkill(
  db: DbOrTx,
  skill: string | null | undefined,
): Promise<string | null | undefined> {
  if (skill === undefined || skill === null) return skill
  const id = await repo.findSkillId(db, skill.trim())
  if (!id) throw badRequest(`Unknown skill: ${skill}`)
  return id
}

export async function listPolicies(db: DbOrTx): Promise<SlaPolicyDto[]> {
  return (await repo.listPolicies(db)).map(toPolicyDto)
}

export async function getPolicy(db: DbOrTx, id: string): Promise<SlaPolicyDto> {
  const row = await repo.findPolicy(db, id)
  if (!row) throw notFound(POLICY_NOT_FOUND)
  return toPolicyDto(row)
}

const DEFAULT_HAS_NO_SKILL = 'The default policy applies to every ticket: it cannot have a skill'

export async function createPolicy(db: Db, input: CreateSlaPolicyInput): Promise<SlaPolicyDto> {
  const calendar = checkCalendar(input.calendar)
  const isDefault = input.is_default ?? false
  if (isDefault && input.skill) throw badRequest(DEFAULT_HAS_NO_SKILL)
  return inTransaction(db, async (tx) => {
    const skillId = (await resolveSkill(tx, input.skill)) ?? null
    if (isDefault) await repo.clearDefault(tx)
    const row = await repo.insertPolicy(tx, {
      name: input.name.trim(),
      isDefault,
      skillId,
      position: input.position ?? 0,
      targets: input.targets,
      timezone: calendar.timezone,
      hours: calendar.hours,
      holidays: calendar.holidays,
    })
    return getPolicy(tx, row.id)
  })
}

export async function updatePolicy(db: Db, id: string, input: UpdateSlaPolicyInput): Promise<SlaPolicyDto> {
  return inTransaction(db, async (tx) => {
    const current = await repo.findPolicy(tx, id)
    if (!current) throw notFound(POLICY_NOT_FOUND)
    if (input.is_default === false && current.isDefault)
      throw new AppError(
        'CONFLICT',
        'There must be one default policy',
        'Make another policy the default instead (is_default: true on it)',
      )
    const isDefault = input.is_default ?? current.isDefault
    const skillId =
      input.skill === undefined ? current.skillId : ((await resolveSkill(tx, input.skill)) ?? null)
    if (isDefault && skillId) throw badRequest(DEFAULT_HAS_NO_SKILL)
    const calendar = input.calendar ? checkCalendar(input.calendar) : undefined
    if (isDefault && !current.isDefault) await repo.clearDefault(tx)
    await repo.updatePolicy(tx, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      isDefault,
      skillId,
      ...(input.position !== undefined ? { position: input.position } : {}),
      ...(input.targets ? { targets: input.targets } : {}),
      ...(calendar
        ? { timezone: calendar.timezone, hours: calendar.hours, holidays: calendar.holidays }
        : {}),
    })
    return getPolicy(tx, id)
  })
}

export async function deletePolicy(db: Db, id: string): Promise<void> {
  const current = await repo.findPolicy(db, id)
  if (!current) throw notFound(POLICY_NOT_FOUND)
  if (current.isDefault)
    throw new AppError(
      'CONFLICT',
      'The default policy cannot be deleted',
      'Make another policy the default first',
    )
  await repo.deletePolicy(db, id)
}

/**
 * The default policy a new installation starts with (at the first start, not in a migration, so
 * that a freshly migrated database stays empty for db:import): Monday to Friday 09:00-17:00 UTC;
 * high 1 h / 8 h, medium 4 h / 16 h, low 8 h / 40 h of business time. Admins edit it.
 */
export async function ensureDefaultPolicy(db: DbOrTx): Promise<boolean> {
  return repo.insertDefaultIfMissing(db, {
    name: 'Standard',
    isDefault: true,
    skillId: null,
    position: 0,
    targets: {
      high: { first_response_minutes: 60, resolution_minutes: 480 },
      medium: { first_response_minutes: 240, resolution_minutes: 960 },
      low: { first_response_minutes: 480, resolution_minutes: 2400 },
    },
    timezone: 'UTC',
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
    holidays: [],
  })
}

// --- clocks ----------------------------------------------------------------------------------

const toClockPolicy = (row: repo.PolicyWithSkill): ClockPolicy => ({
  id: row.id,
  targets: row.targets,
  calendar: { timezone: row.timezone, hours: row.hours, holidays: row.holidays },
})

/** The policy for a ticket: the first skill policy (admin order) whose skill it needs, else the default. */
export async function policyFor(
  db: DbOrTx,
  ticket: Pick<TicketRow, 'relatedSkills'>,
): Promise<ClockPolicy | null> {
  return choosePolicy(await repo.listPolicies(db), ticket)
}

function choosePolicy(
  policies: repo.PolicyWithSkill[],
  ticket: Pick<TicketRow, 'relatedSkills'>,
): ClockPolicy | null {
  const needed = new Set((ticket.relatedSkills ?? []).map((s) => s.toLowerCase()))
  const match =
    policies.find((p) => !p.isDefault && p.skillName !== null && needed.has(p.skillName.toLowerCase())) ??
    policies.find((p) => p.isDefault)
  return match ? toClockPolicy(match) : null
}

async function currentPolicy(db: DbOrTx, ticket: TicketRow): Promise<ClockPolicy | null> {
  if (!ticket.slaPolicyId) return null
  const row = await repo.findPolicy(db, ticket.slaPolicyId)
  return row ? toClockPolicy(row) : null
}

/** Writes the plan when it differs from what the row holds. */
async function applyPlan(tx: Tx, row: TicketRow, policy: ClockPolicy | null, extra: repo.ClockColumns = {}) {
  const next = { ...row, ...extra }
  const plan = planClock(next, policy)
  const changed =
    (Object.keys(extra) as Array<keyof repo.ClockColumns>).length > 0 ||
    (Object.keys(plan) as Array<keyof typeof plan>).some((k) => !sameValue(plan[k], row[k]))
  return changed ? repo.writeClock(tx, row.id, { ...extra, ...plan }) : row
}

const sameValue = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b

/**
 * A new ticket's creation time and SLA columns, for its INSERT: created_at is the transaction's
 * timestamp (what the column's default would give), read with the policies, so the ticket is
 * written once (one live event, one statement fewer than an INSERT then an UPDATE).
 */
export async function clockForNewTicket(tx: Tx): Promise<Partial<TicketRow>> {
  const { policies, now } = await repo.listPoliciesWithNow(tx)
  const policy = choosePolicy(policies, { relatedSkills: null })
  if (!policy || !now) return {}
  const row = {
    status: 'todo',
    priority: 'medium',
    createdAt: now,
    firstRespondedAt: null,
    resolvedAt: null,
    slaPausedSince: null,
    slaPausedMinutes: 0,
    firstResponseWarningSentAt: null,
    firstResponseBreachSentAt: null,
    resolutionWarningSentAt: null,
    resolutionBreachSentAt: null,
  } as const
  return { createdAt: now, ...planClock(row, policy) }
}

/**
 * Analysis set the ticket's skills and priority: the policy is chosen again and the running
 * targets re-timed from creation.
 */
export async function retarget(tx: Tx, ticket: TicketRow): Promise<TicketRow> {
  return applyPlan(tx, ticket, await policyFor(tx, ticket))
}

// Cancelled stops the clock for good: a pause that never ends.
const PAUSING: ReadonlySet<TicketStatus> = new Set(['waiting_for_customer', 'resolved', 'cancelled'])
const DONE: ReadonlySet<TicketStatus> = new Set(['resolved', 'closed'])

/**
 * After a status or priority change (`before` → `after`, both as rows): pauses, resumes (due
 * times move out by the paused business minutes), records resolution and clears it on reopen,
 * and re-targets from creation.
 */
export async function afterTicketChange(
  tx: Tx,
  before: TicketRow,
  after: TicketRow,
  now: Date = new Date(),
): Promise<TicketRow> {
  if (before.status === after.status && before.priority === after.priority) return after
  const extra: repo.ClockColumns = {}
  if (DONE.has(after.status) && !DONE.has(before.status)) extra.resolvedAt = now
  // Reopened (not cancelled): resolution is owed again.
  if (!DONE.has(after.status) && after.status !== 'cancelled' && DONE.has(before.status))
    extra.resolvedAt = null
  const policy = await currentPolicy(tx, after)
  const pausedNow = PAUSING.has(after.status)
  if (after.slaPausedSince === null && pausedNow) extra.slaPausedSince = now
  if (after.slaPausedSince !== null && !pausedNow) {
    extra.slaPausedSince = null
    if (policy)
      extra.slaPausedMinutes =
        after.slaPausedMinutes + businessMinutesBetween(policy.calendar, after.slaPausedSince, now)
  }
  return applyPlan(tx, after, policy, extra)
}

/** A public staff reply: the first one meets the first-response target. */
export async function recordPublicStaffReply(tx: Tx, ticket: TicketRow, at: Date): Promise<TicketRow> {
  if (ticket.firstRespondedAt !== null) return ticket
  return applyPlan(tx, ticket, await currentPolicy(tx, ticket), { firstRespondedAt: at })
}

// --- time left, for people ---------------------------------------------------------------------

const CALENDAR_TTL_MS = 5_000
const calendarCache = new WeakMap<DbOrTx, { at: number; calendars: Promise<Map<string, BusinessCalendar>> }>()

/** Calendars by policy id, at most a few seconds old (lists ask for them on every request). */
function calendars(db: DbOrTx): Promise<Map<string, BusinessCalendar>> {
  const cached = calendarCache.get(db)
  if (cached && Date.now() - cached.at < CALENDAR_TTL_MS) return cached.calendars
  const loading = repo
    .listPolicies(db)
    .then(
      (rows) =>
        new Map(
          rows.map((r) => [r.id, { timezone: r.timezone, hours: r.hours, holidays: r.holidays }] as const),
        ),
    )
  calendarCache.set(db, { at: Date.now(), calendars: loading })
  loading.catch(() => calendarCache.delete(db))
  return loading
}

/** Business minutes from `now` (or the pause) to the due time; negative once past it. */
function minutesLeft(calendar: BusinessCalendar, sla: TicketSlaDto, now: Date): number | null {
  if (!sla.due_at) return null
  const due = new Date(sla.due_at)
  const from = sla.paused_since ? new Date(sla.paused_since) : now
  const left =
    from < due ? businessMinutesBetween(calendar, from, due) : -businessMinutesBetween(calendar, due, from)
  return Math.round(left)
}

/**
 * Adds `business_minutes_left` to each ticket's `sla`: what the badges show. Business time needs
 * the policy's calendar, which the ticket row does not carry.
 */
export async function withTimeLeft<T extends { sla: TicketSlaDto | null }>(
  db: DbOrTx,
  tickets: T[],
  now: Date = new Date(),
): Promise<T[]> {
  if (!tickets.some((t) => t.sla?.due_at)) return tickets
  const byPolicy = await calendars(db)
  return tickets.map((t) => {
    const calendar = t.sla ? byPolicy.get(t.sla.policy_id) : undefined
    if (!t.sla || !calendar) return t
    return { ...t, sla: { ...t.sla, business_minutes_left: minutesLeft(calendar, t.sla, now) } }
  })
}
