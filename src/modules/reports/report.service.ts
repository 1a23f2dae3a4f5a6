// Reports for moderators and admins: what came in and went out per period, how fast, whether
// targets were met, and how requesters felt; per moderator and per skill; the backlog now.
// Periods are UTC days or ISO weeks (from Monday, UTC); a range is whole UTC days, at most 366.
import type { DbOrTx } from '../../db/client.js'
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../db/schema.js'
import { badRequest } from '../../errors.js'
import { type CsvValue, toCsv } from './csv.js'
import * as repo from './report.repository.js'
import type {
  BacklogRow,
  ModeratorRow,
  ReportQueryInput,
  SkillRow,
  SummaryQueryInput,
  SummaryRow,
} from './report.schemas.js'

export const MAX_RANGE_DAYS = 366
const DAY_MS = 86_400_000

/** A `YYYY-MM-DD` that names a real day, as UTC midnight; 400 otherwise. */
function day(value: string, name: string): Date {
  const date = new Date(`${value}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw badRequest(`${name} must be a real date (YYYY-MM-DD)`)
  return date
}

export interface DayRange {
  from: string
  to: string
  range: repo.ReportRange
}

/** The query's days: `to` defaults to today (UTC), `from` to 29 days before it (30 days). */
export function parseRange(query: ReportQueryInput, now = new Date()): DayRange {
  const to = query.to ?? now.toISOString().slice(0, 10)
  const toDate = day(to, 'to')
  const from = query.from ?? new Date(toDate.getTime() - 29 * DAY_MS).toISOString().slice(0, 10)
  const fromDate = day(from, 'from')
  if (fromDate > toDate) throw badRequest('from must be on or before to')
  const days = (toDate.getTime() - fromDate.getTime()) / DAY_MS + 1
  if (days > MAX_RANGE_DAYS) throw badRequest(`the range may span at most ${MAX_RANGE_DAYS} days`)
  return { from, to, range: { from: fromDate, to: new Date(toDate.getTime() + DAY_MS) } }
}

/** Every period of the range, empty ones included: a chart's x axis has no gaps. */
export function periodsOf(range: repo.ReportRange, unit: 'day' | 'week'): string[] {
  const start = new Date(range.from)
  // ISO weeks start on Monday: getUTCDay() is 0 on Sunday.
  if (unit === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7))
  const step = unit === 'week' ? 7 : 1
  const periods: string[] = []
  for (const d = start; d < range.to; d.setUTCDate(d.getUTCDate() + step))
    periods.push(d.toISOString().slice(0, 10))
  return periods
}

const pct = (met: number, decided: number) => (decided === 0 ? null : Math.round((met / decided) * 1000) / 10)

export async function summary(db: DbOrTx, query: SummaryQueryInput): Promise<SummaryRow[]> {
  const unit = query.group_by ?? 'day'
  const { range } = parseRange(query)
  const byPeriod = await repo.figures(db, { by: 'period', unit }, range)
  return periodsOf(range, unit).map((period) => {
    const f = byPeriod.get(period) ?? repo.emptyFigures()
    return {
      period,
      created: f.created,
      resolved: f.resolved,
      first_response: { median_minutes: f.firstResponseMedian, p90_minutes: f.firstResponseP90 },
      resolution: { median_minutes: f.resolutionMedian, p90_minutes: f.resolutionP90 },
      sla: {
        first_response_met_pct: pct(f.firstResponseMet, f.firstResponseDecided),
        resolution_met_pct: pct(f.resolutionMet, f.resolutionDecided),
      },
      satisfaction: { good: f.good, bad: f.bad },
    }
  })
}

export async function moderators(db: DbOrTx, query: ReportQueryInput): Promise<ModeratorRow[]> {
  const { range } = parseRange(query)
  const byUser = await repo.figures(db, { by: 'assignee' }, range)
  const people = await repo.staffOrNamed(db, [...byUser.keys()])
  return people.map((person) => {
    const f = byUser.get(String(person.id)) ?? repo.emptyFigures()
    return {
      user: {
        id: String(person.id),
        name: person.name === null ? null : String(person.name),
        email: String(person.email),
      },
      assigned: f.created,
      resolved: f.resolved,
      first_response_median_minutes: f.firstResponseMedian,
      sla_met_pct: pct(f.firstResponseMet + f.resolutionMet, f.firstResponseDecided + f.resolutionDecided),
      satisfaction: { good: f.good, bad: f.bad },
    }
  })
}

export async function skills(db: DbOrTx, query: ReportQueryInput): Promise<SkillRow[]> {
  const { range } = parseRange(query)
  const bySkill = await repo.figures(db, { by: 'skill' }, range)
  return [...bySkill.entries()]
    .sort(([a, x], [b, y]) => y.created - x.created || a.localeCompare(b))
    .map(([skill, f]) => ({
      skill,
      created: f.created,
      resolved: f.resolved,
      first_response_median_minutes: f.firstResponseMedian,
      resolution_median_minutes: f.resolutionMedian,
      sla_met_pct: pct(f.firstResponseMet + f.resolutionMet, f.firstResponseDecided + f.resolutionDecided),
      satisfaction: { good: f.good, bad: f.bad },
    }))
}

export async function backlog(db: DbOrTx): Promise<BacklogRow[]> {
  const order = (list: readonly string[], value: unknown) => list.indexOf(String(value))
  return (await repo.backlog(db))
    .map((r) => ({ status: String(r.status), priority: String(r.priority), count: Number(r.count) }))
    .sort(
      (a, b) =>
        order(TICKET_STATUSES, a.status) - order(TICKET_STATUSES, b.status) ||
        order(TICKET_PRIORITIES, a.priority) - order(TICKET_PRIORITIES, b.priority),
    )
}

// CSV: one row per JSON row, nested figures flattened into named columns.
export const summaryCsv = (rows: SummaryRow[]) =>
  toCsv(
    [
      'period',
      'created',
      'resolved',
      'first_response_median_minutes',
      'first_response_p90_minutes',
      'resolution_median_minutes',
      'resolution_p90_minutes',
      'sla_first_response_met_pct',
      'sla_resolution_met_pct',
      'satisfaction_good',
      'satisfaction_bad',
    ],
    rows.map((r): CsvValue[] => [
      r.period,
      r.created,
      r.resolved,
      r.first_response.median_minutes,
      r.first_response.p90_minutes,
      r.resolution.median_minutes,
      r.resolution.p90_minutes,
      r.sla.first_response_met_pct,
      r.sla.resolution_met_pct,
      r.satisfaction.good,
      r.satisfaction.bad,
    ]),
  )

export const moderatorsCsv = (rows: ModeratorRow[]) =>
  toCsv(
    [
      'user_id',
      'name',
      'email',
      'assigned',
      'resolved',
      'first_response_median_minutes',
      'sla_met_pct',
      'satisfaction_good',
      'satisfaction_bad',
    ],
    rows.map((r): CsvValue[] => [
      r.user.id,
      r.user.name,
      r.user.email,
      r.assigned,
      r.resolved,
      r.first_response_median_minutes,
      r.sla_met_pct,
      r.satisfaction.good,
      r.satisfaction.bad,
    ]),
  )

export const skillsCsv = (rows: SkillRow[]) =>
  toCsv(
    [
      'skill',
      'created',
      'resolved',
      'first_response_median_minutes',
      'resolution_median_minutes',
      'sla_met_pct',
      'satisfaction_good',
      'satisfaction_bad',
    ],
    rows.map((r): CsvValue[] => [
      r.skill,
      r.created,
      r.resolved,
      r.first_response_median_minutes,
      r.resolution_median_minutes,
      r.sla_met_pct,
      r.satisfaction.good,
      r.satisfaction.bad,
    ]),
  )

export const backlogCsv = (rows: BacklogRow[]) =>
  toCsv(
    ['status', 'priority', 'count'],
    rows.map((r): CsvValue[] => [r.status, r.priority, r.count]),
  )
