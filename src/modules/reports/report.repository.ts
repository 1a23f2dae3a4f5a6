// Report figures: counts and SLA outcomes from report_daily, per-day counters the tickets'
// statement triggers keep exact (see the report rollup migration), so a 90-day report sums ~90
// rows per key instead of reading the range's tickets; exact medians and p90s (percentile_cont)
// need the values themselves, so those still read the tickets whose moment falls in the range,
// through an index on that moment carrying the other columns (index-only scans).
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

/** An interval as calendar minutes, one decimal (exact: interval epochs are numeric). */
const minutes1 = (interval: SQL) => sql`round(extract(epoch FROM ${interval}) / 60, 1)::float8`

/**
 * The group key a percentile statement hashes on: a date or uuid rather than the formatted text
 * (no collation, no to_char per row), turned into the report's key once per group.
 */
function rawKeyOf(grouping: Grouping, moment: SQL): { key: SQL; label: SQL } {
  if (grouping.by === 'period')
    return {
      key: sql`date_trunc(${grouping.unit}, ${moment} AT TIME ZONE 'UTC')::date`,
      label: sql`to_char(g.k, 'YYYY-MM-DD')`,
    }
  if (grouping.by === 'assignee') return { key: sql`t.assigned_to`, label: sql`g.k::text` }
  return { key: sql`s.skill`, label: sql`g.k` }
}

type Row = Record<string, unknown>
async function rows(db: DbOrTx, query: SQL): Promise<Row[]> {
  const result = await db.execute(query)
  return (result as unknown as { rows: Row[] }).rows
}

/**
 * A report statement in its own transaction with settings for it alone: enough work_mem that the
 * per-group sorts and the hash of a 90-day range stay in memory (the default 4 MB spills), and
 * no JIT, whose compilation (tens of milliseconds, on cost estimates a range easily passes) never
 * pays back in a statement this short, and no parallel workers: a report's statements already run
 * side by side, and starting workers cost more than they saved on a loaded 2-core machine.
 */
export const REPORT_SETTINGS = sql`SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true),
  set_config('max_parallel_workers_per_gather', '0', true)`

async function reportRows(db: DbOrTx, query: SQL): Promise<Row[]> {
  return db.transaction(async (tx) => {
    await tx.execute(REPORT_SETTINGS)
    return rows(tx, query)
  })
}

const num = (value: unknown) => Number(value ?? 0)
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/** The group key of a report_daily row (`r`): its day's period, or its key (assignee, skill). */
function rollupKeyOf(grouping: Grouping): SQL {
  if (grouping.by === 'period')
    return sql`to_char(date_trunc(${grouping.unit}, r.day::timestamp), 'YYYY-MM-DD')`
  return sql`r.key`
}

const DIM = { period: 0, assignee: 1, skill: 2 } as const

/**
 * Breaches decided so far today (due time from the start of the current UTC day up to now), read
 * from the tickets: report_daily counts a breach candidate on its due day whatever the clock
 * says, so only days already over are taken from it. Answered late, or unanswered and neither
 * paused (the due time moves on when the clock resumes) nor cancelled.
 */
function breachesToday(
  grouping: Grouping,
  range: ReportRange,
  due: SQL,
  done: SQL,
  column: 'fx' | 'rx',
): SQL {
  const from = range.from.toISOString()
  const to = range.to.toISOString()
  const todayStart = sql`(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`
  const fx = column === 'fx' ? sql`1` : sql`0`
  const rx = column === 'rx' ? sql`1` : sql`0`
  return sql`
    SELECT ${keyOf(grouping, due)} AS k, 0 AS created, 0 AS resolved, 0 AS fm, ${fx} AS fx, 0 AS rm, ${rx} AS rx,
           0 AS good, 0 AS bad
    FROM ${source(grouping)}
    WHERE ${due} >= greatest(${from}::timestamptz, ${todayStart}) AND ${due} < least(${to}::timestamptz, now())
      AND (${done} > ${due} OR (${done} IS NULL AND t.status <> 'cancelled' AND t.sla_paused_since IS NULL))
      ${extraWhere(grouping)}`
}

/**
 * The counts of the range from report_daily (kept by triggers; see the report rollup migration):
 * created, resolved, targets met (on the answer's day) and breached (on the due day, days
 * already over), ratings; plus today's breaches so far from the tickets.
 */
function countsQuery(grouping: Grouping, range: ReportRange): SQL {
  const fromDay = range.from.toISOString().slice(0, 10)
  const toDay = range.to.toISOString().slice(0, 10)
  const today = sql`(now() AT TIME ZONE 'UTC')::date`
  return sql`
    SELECT k, sum(created)::int AS created, sum(resolved)::int AS resolved,
           sum(fm)::int AS fm, sum(fx)::int AS fx, sum(rm)::int AS rm, sum(rx)::int AS rx,
           sum(good)::int AS good, sum(bad)::int AS bad
    FROM (
      SELECT ${rollupKeyOf(grouping)} AS k, r.created, r.resolved, r.first_response_met AS fm,
             CASE WHEN r.day < ${today} THEN r.first_response_missed ELSE 0 END AS fx,
             r.resolution_met AS rm,
             CASE WHEN r.day < ${today} THEN r.resolution_missed ELSE 0 END AS rx,
             r.good, r.bad
      FROM report_daily r
      WHERE r.dim = ${DIM[grouping.by]} AND r.day >= ${fromDay}::date AND r.day < ${toDay}::date
      UNION ALL ${breachesToday(grouping, range, sql`t.first_response_due_at`, sql`t.first_responded_at`, 'fx')}
      UNION ALL ${breachesToday(grouping, range, sql`t.resolution_due_at`, sql`t.resolved_at`, 'rx')}
    ) c
    GROUP BY k`
}

/**
 * The statements behind one report, by measure (each SELECTs a key `k` and its figures). Exported
 * for the benchmark, which EXPLAINs them as they run. Counts and SLA outcomes come from the
 * rollup; only medians and p90s read the tickets (exact percentiles need every value). The
 * per-moderator report shows no resolution times, so it does not compute them.
 */
export function figureQueries(grouping: Grouping, range: ReportRange) {
  const from = range.from.toISOString()
  const to = range.to.toISOString()
  const src = source(grouping)
  const where = extraWhere(grouping)
  const inRange = (moment: SQL) => sql`${moment} >= ${from}::timestamptz AND ${moment} < ${to}::timestamptz`
  const createdAt = sql`t.created_at`
  const respondedAt = sql`t.first_responded_at`
  const resolvedAt = sql`t.resolved_at`
  // Exact median and p90 of (moment - created_at) per group: the durations are collected per
  // group by hashing (array_agg), then each group's are sorted once for both percentiles
  // (percentile_cont over intervals: exact to the microsecond, no per-row numeric arithmetic).
  // A GROUP BY feeding percentile_cont directly would sort every row of the range by the group
  // key first, and then each group again.
  const percentiles = (moment: SQL) => {
    const { key, label } = rawKeyOf(grouping, moment)
    return sql`
      SELECT ${label} AS k, ${minutes1(sql`x.p[1]`)} AS median, ${minutes1(sql`x.p[2]`)} AS p90
      FROM (SELECT ${key} AS k, array_agg(${moment} - ${createdAt}) AS durations
            FROM ${src} WHERE ${inRange(moment)}${where} GROUP BY 1) g
      CROSS JOIN LATERAL (
        SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY d) AS p FROM unnest(g.durations) AS d
      ) x`
  }
  const queries: { counts: SQL; responded: SQL; resolved?: SQL } = {
    counts: countsQuery(grouping, range),
    responded: percentiles(respondedAt),
  }
  if (grouping.by !== 'assignee') queries.resolved = percentiles(resolvedAt)
  return queries
}

/** Every measure of the range, by group key; the statements run side by side on the pool. */
export async function figures(
  db: DbOrTx,
  grouping: Grouping,
  range: ReportRange,
): Promise<Map<string, Figures>> {
  const q = figureQueries(grouping, range)
  const [counts, responded, resolved] = await Promise.all([
    reportRows(db, q.counts),
    reportRows(db, q.responded),
    q.resolved ? reportRows(db, q.resolved) : Promise.resolve([]),
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
  for (const r of counts) {
    const f = at(r.k)
    f.created = num(r.created)
    f.resolved = num(r.resolved)
    f.firstResponseMet = num(r.fm)
    f.firstResponseDecided = num(r.fm) + num(r.fx)
    f.resolutionMet = num(r.rm)
    f.resolutionDecided = num(r.rm) + num(r.rx)
    f.good = num(r.good)
    f.bad = num(r.bad)
  }
  for (const r of responded) {
    const f = at(r.k)
    f.firstResponseMedian = numOrNull(r.median)
    f.firstResponseP90 = numOrNull(r.p90)
  }
  for (const r of resolved) {
    const f = at(r.k)
    f.resolutionMedian = numOrNull(r.median)
    f.resolutionP90 = numOrNull(r.p90)
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

const COUNTERS = [
  'created',
  'resolved',
  'first_response_met',
  'first_response_missed',
  'resolution_met',
  'resolution_missed',
  'good',
  'bad',
] as const

/**
 * Folds the slots of days before yesterday (UTC) into slot 0 and drops rows left all zero, so a
 * report reads one row per (day, key) however many connections wrote it (housekeeping, hourly).
 * Exact under concurrent writers: the rows are locked in key order, as the triggers lock theirs,
 * and a writer that adds to a slot after its row was folded starts a new row there.
 */
export async function foldReportSlots(db: DbOrTx): Promise<number> {
  const columns = sql.raw(COUNTERS.join(', '))
  const sums = sql.raw(COUNTERS.map((c) => `sum(${c})`).join(', '))
  const add = sql.raw(COUNTERS.map((c) => `${c} = r.${c} + EXCLUDED.${c}`).join(', '))
  const allZero = sql.raw(COUNTERS.map((c) => `${c} = 0`).join(' AND '))
  const cutoff = sql`(now() AT TIME ZONE 'UTC')::date - 1`
  const folded = await rows(
    db,
    sql`WITH doomed AS (
          SELECT dim, day, key, slot FROM report_daily WHERE day < ${cutoff} AND slot <> 0
          ORDER BY dim, day, key, slot FOR UPDATE
        ), moved AS (
          DELETE FROM report_daily r USING doomed d
          WHERE r.dim = d.dim AND r.day = d.day AND r.key = d.key AND r.slot = d.slot
          RETURNING r.*
        ), kept AS (
          INSERT INTO report_daily AS r (dim, day, key, slot, ${columns})
          SELECT dim, day, key, 0, ${sums} FROM moved GROUP BY dim, day, key ORDER BY dim, day, key
          ON CONFLICT (dim, day, key, slot) DO UPDATE SET ${add}
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM moved)::int AS n, (SELECT count(*) FROM kept)::int AS kept`,
  )
  await db.execute(sql`DELETE FROM report_daily WHERE day < ${cutoff} AND slot = 0 AND ${allZero}`)
  return num(folded[0]?.n)
}
