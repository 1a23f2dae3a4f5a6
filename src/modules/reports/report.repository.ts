// Report figures straight from the tickets table, one grouped statement per measure. Each reads
// only the rows whose own moment (created, first responded, resolved, a target decided, rated)
// falls in the range, through an index on that moment that carries the other columns it needs
// (migration 0019: index-only scans), so a 90-day report reads about 90 days of index entries,
// not the table. Exact medians and p90s (percentile_cont) need the values themselves, which is
// why this is indexed rather than rolled up: a rollup keeps counts, not distributions.
import { type SQL, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'

export interface ReportRange {
  /** First instant included. */
  from: Date
  /** First instant excluded. */
  to: Date
}

/** How rows are grouped: by UTC period, by assignee, or by skill. */
export type Grouping = { by: 'period'; unit: 'day' | 'week' } | { by: 'assignee' } | { by: 'skill' }

export interface Figures {
  created: number
  resolved: number
  firstResponseMedian: number | null
  firstResponseP90: number | null
  resolutionMedian: number | null
  resolutionP90: number | null
  firstResponseMet: number
  firstResponseDecided: number
  resolutionMet: number
  resolutionDecided: number
  good: number
  bad: number
}

export const emptyFigures = (): Figures => ({
  created: 0,
  resolved: 0,
  firstResponseMedian: null,
  firstResponseP90: null,
  resolutionMedian: null,
  resolutionP90: null,
  firstResponseMet: 0,
  firstResponseDecided: 0,
  resolutionMet: 0,
  resolutionDecided: 0,
  good: 0,
  bad: 0,
})

/** The group key of a row, from the moment the measure is about. */
function keyOf(grouping: Grouping, moment: SQL): SQL {
  if (grouping.by === 'period')
    return sql`to_char(date_trunc(${grouping.unit}, ${moment} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`
  if (grouping.by === 'assignee') return sql`t.assigned_to::text`
  return sql`s.skill`
}

/** The rows of a measure: skills multiply a ticket by its skills; the others take it once. */
function source(grouping: Grouping): SQL {
  return grouping.by === 'skill'
    ? sql`tickets t CROSS JOIN LATERAL unnest(t.related_skills) AS s(skill)`
    : sql`tickets t`
}

/** Assignee grouping leaves unassigned tickets out: nobody to credit. */
function extraWhere(grouping: Grouping): SQL {
  return grouping.by === 'assignee' ? sql` AND t.assigned_to IS NOT NULL` : sql``
}

const minutes = (later: SQL, earlier: SQL) => sql`extract(epoch FROM (${later} - ${earlier})) / 60.0`
const round1 = (value: SQL) => sql`round((${value})::numeric, 1)::float8`

type Row = Record<string, unknown>
async function rows(db: DbOrTx, query: SQL): Promise<Row[]> {
  const result = await db.execute(query)
  return (result as unknown as { rows: Row[] }).rows
}

const num = (value: unknown) => Number(value ?? 0)
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/**
 * The decided outcomes of one target: met when answered by its due time (decided then), breached
 * when its due time passed first (decided at the due time, even if answered later). A target
 * still running (not due yet, or paused: its due time moves on when the clock resumes) and a
 * cancelled ticket's unanswered target are not decided.
 */
function outcomes(grouping: Grouping, range: ReportRange, due: SQL, done: SQL): SQL {
  const from = range.from.toISOString()
  const to = range.to.toISOString()
  const key = (moment: SQL) => keyOf(grouping, moment)
  return sql`
    SELECT ${key(done)} AS k, true AS met FROM ${source(grouping)}
    WHERE ${done} >= ${from}::timestamptz AND ${done} < ${to}::timestamptz AND ${due} IS NOT NULL
      AND ${done} <= ${due}${extraWhere(grouping)}
    UNION ALL
    SELECT ${key(due)} AS k, false AS met FROM ${source(grouping)}
    WHERE ${due} >= ${from}::timestamptz AND ${due} < least(${to}::timestamptz, now())
      AND (${done} > ${due} OR (${done} IS NULL AND t.status <> 'cancelled' AND t.sla_paused_since IS NULL))
      ${extraWhere(grouping)}`
}

/**
 * The statements behind one report, by measure (each SELECTs a key `k` and its figures). Exported
 * for the benchmark, which EXPLAINs them as they run.
 */
export function figureQueries(grouping: Grouping, range: ReportRange) {
  const from = range.from.toISOString()
  const to = range.to.toISOString()
  const src = source(grouping)
  const where = extraWhere(grouping)
  const inRange = (moment: SQL) => sql`${moment} >= ${from}::timestamptz AND ${moment} < ${to}::timestamptz`
  const key = (moment: SQL) => keyOf(grouping, moment)
  const createdAt = sql`t.created_at`
  const respondedAt = sql`t.first_responded_at`
  const resolvedAt = sql`t.resolved_at`
  const ratedAt = sql`t.satisfaction_rated_at`
  const percentiles = (value: SQL) => sql`
    ${round1(sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${value})`)} AS median,
    ${round1(sql`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${value})`)} AS p90`
  return {
    created: sql`SELECT ${key(createdAt)} AS k, count(*)::int AS n FROM ${src} WHERE ${inRange(createdAt)}${where} GROUP BY 1`,
    responded: sql`SELECT ${key(respondedAt)} AS k, ${percentiles(minutes(respondedAt, createdAt))}
          FROM ${src} WHERE ${inRange(respondedAt)}${where} GROUP BY 1`,
    resolved: sql`SELECT ${key(resolvedAt)} AS k, count(*)::int AS n, ${percentiles(minutes(resolvedAt, createdAt))}
          FROM ${src} WHERE ${inRange(resolvedAt)}${where} GROUP BY 1`,
    firstResponseOutcomes: sql`SELECT k, count(*) FILTER (WHERE met)::int AS met, count(*)::int AS n
          FROM (${outcomes(grouping, range, sql`t.first_response_due_at`, respondedAt)}) o GROUP BY 1`,
    resolutionOutcomes: sql`SELECT k, count(*) FILTER (WHERE met)::int AS met, count(*)::int AS n
          FROM (${outcomes(grouping, range, sql`t.resolution_due_at`, resolvedAt)}) o GROUP BY 1`,
    rated: sql`SELECT ${key(ratedAt)} AS k,
                 count(*) FILTER (WHERE t.satisfaction_rating = 'good')::int AS good,
                 count(*) FILTER (WHERE t.satisfaction_rating = 'bad')::int AS bad
          FROM ${src} WHERE ${inRange(ratedAt)}${where} GROUP BY 1`,
  }
}

/** Every measure of the range, by group key; the statements run side by side on the pool. */
export async function figures(
  db: DbOrTx,
  grouping: Grouping,
  range: ReportRange,
): Promise<Map<string, Figures>> {
  const q = figureQueries(grouping, range)
  const [created, responded, resolved, frOutcomes, resOutcomes, rated] = await Promise.all([
    rows(db, q.created),
    rows(db, q.responded),
    rows(db, q.resolved),
    rows(db, q.firstResponseOutcomes),
    rows(db, q.resolutionOutcomes),
    rows(db, q.rated),
  ])

  const byKey = new Map<string, Figures>()
  const at = (k: unknown) => {
    const name = String(k)
    let entry = byKey.get(name)
    if (!entry) {
      entry = emptyFigures()
      byKey.set(name, entry)
    }
    return entry
  }
  for (const r of created) at(r.k).created = num(r.n)
  for (const r of responded) {
    const f = at(r.k)
    f.firstResponseMedian = numOrNull(r.median)
    f.firstResponseP90 = numOrNull(r.p90)
  }
  for (const r of resolved) {
    const f = at(r.k)
    f.resolved = num(r.n)
    f.resolutionMedian = numOrNull(r.median)
    f.resolutionP90 = numOrNull(r.p90)
  }
  for (const r of frOutcomes) {
    const f = at(r.k)
    f.firstResponseMet = num(r.met)
    f.firstResponseDecided = num(r.n)
  }
  for (const r of resOutcomes) {
    const f = at(r.k)
    f.resolutionMet = num(r.met)
    f.resolutionDecided = num(r.n)
  }
  for (const r of rated) {
    const f = at(r.k)
    f.good = num(r.good)
    f.bad = num(r.bad)
  }
  return byKey
}

/** Active moderators and admins, and anyone else the figures name (a former moderator). */
export async function staffOrNamed(db: DbOrTx, ids: string[]) {
  return rows(
    db,
    sql`SELECT id::text AS id, name, email FROM users
        WHERE (is_active AND role IN ('moderator', 'admin')) OR id::text = ANY(${sql.param(ids)}::text[])
        ORDER BY lower(coalesce(name, email)), email`,
  )
}

/** Tickets now, by status and priority: the exact counts the lists' totals use. */
export async function backlog(db: DbOrTx) {
  return rows(
    db,
    sql`SELECT status, priority, coalesce(sum(n), 0)::int AS count FROM ticket_counts
        GROUP BY status, priority HAVING coalesce(sum(n), 0) > 0 ORDER BY status, priority`,
  )
}
