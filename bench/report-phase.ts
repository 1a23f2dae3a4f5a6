// Reports at scale (issue 12): fills the columns reports read (first response, resolution, due
// times, ratings; the seed predates them) on the bench data in one UPDATE, then times the
// 90-day summary (by day and by week), per-moderator and per-skill reports through the service,
// one after another, and prints p50/p99 with the plan's top line for each statement kind.
// Alone, on its own database: `BENCH_TICKETS=50000 npx tsx bench/reports.ts`.
import { performance } from 'node:perf_hooks'
import { type SQL, sql } from 'drizzle-orm'
import { type Db, openDatabase } from '../src/db/client.js'
import {
  figureQueries,
  foldReportSlots,
  type Grouping,
  REPORT_SETTINGS,
} from '../src/modules/reports/report.repository.js'
import * as reports from '../src/modules/reports/report.service.js'
import { withClient } from './db-admin.js'
import { fmt, heading, table } from './report.js'
import { reportDailyFromTickets } from './triggers.js'

const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 50)

/**
 * Deterministic per-ticket figures from the id's hash: about 80 % answered (15 min to 3 days),
 * resolved and closed tickets resolved 1 h to 6 days after, due times 1 h / 2 days after
 * creation, a third of closed tickets rated.
 */
const FILL = `
  UPDATE tickets SET
    first_response_due_at = created_at + interval '4 hours',
    resolution_due_at = created_at + interval '2 days',
    first_responded_at = CASE WHEN status <> 'todo' AND abs(hashtext(id::text)) % 5 <> 0
      THEN created_at + make_interval(mins => 15 + abs(hashtext(id::text || 'r')) % 4300) END,
    resolved_at = CASE WHEN status IN ('resolved', 'closed')
      THEN created_at + make_interval(mins => 60 + abs(hashtext(id::text || 's')) % 8600) END,
    satisfaction_rating = CASE WHEN status = 'closed' AND abs(hashtext(id::text || 'g')) % 3 = 0
      THEN CASE WHEN abs(hashtext(id::text || 'b')) % 5 = 0 THEN 'bad' ELSE 'good' END END,
    satisfaction_rated_at = CASE WHEN status = 'closed' AND abs(hashtext(id::text || 'g')) % 3 = 0
      THEN created_at + interval '7 days' END`

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN
}

/**
 * `reuse`: the tickets are filled already (BENCH_REUSE_DB=1 on a database kept by
 * BENCH_KEEP_DB=1): only spread report_daily again and time.
 */
export async function runReportPhase(url: string, reuse = false): Promise<void> {
  heading(
    'Reports: a 90-day range at full size (counts from report_daily, percentiles from the report indexes)',
  )
  const fill = await withClient(url, async (client) => {
    const started = performance.now()
    const { rowCount } = reuse ? { rowCount: 0 } : await client.query(FILL)
    const filled = performance.now()
    // The worst case for reading report_daily: each (dim, day, key) split over all 16 slots, as
    // 16 connections writing over time would leave it without the hourly fold (the FILL above,
    // one connection, left one).
    await client.query('BEGIN')
    await client.query('DELETE FROM report_daily')
    await client.query(reportDailyFromTickets(16))
    await client.query('COMMIT')
    await client.query('VACUUM ANALYZE tickets, report_daily')
    const { rows } = await client.query<{ last: string }>(
      `SELECT to_char(max(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS last FROM tickets`,
    )
    return { seconds: (filled - started) / 1000, rows: rowCount ?? 0, last: rows[0]?.last ?? '' }
  })
  if (!reuse)
    console.log(
      `filled report columns on ${fmt.int(fill.rows)} tickets in ${fmt.s(fill.seconds)} (one UPDATE, report triggers on)`,
    )

  const database = await openDatabase({ databaseUrl: url, dataDir: '' })
  try {
    const to = fill.last
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10)
    const reportRows = async () =>
      fmt.int(Number((await database.executeSql('SELECT count(*) AS n FROM report_daily')).rows[0]?.n))
    console.log(`report_daily spread over all 16 slots (worst case): ${await reportRows()} rows`)
    await timeReports(database.db, from, to)
    const folded = await foldReportSlots(database.db)
    await database.executeSql('VACUUM ANALYZE report_daily')
    console.log(
      `after the hourly housekeeping's fold (${fmt.int(folded)} rows folded): ${await reportRows()} rows`,
    )
    await timeReports(database.db, from, to)
    console.log(
      `range ${from} to ${to} (90 UTC days), ${RUNS} runs each, one at a time, through the service (no HTTP)`,
    )
    table(['report', 'statement', 'scans', 'heap fetches', 'time'], await explainAll(database.db, from, to))
  } finally {
    await database.close()
  }
}

async function timeReports(db: Db, from: string, to: string): Promise<void> {
  const cases: [string, () => Promise<unknown>][] = [
    ['summary, by day', () => reports.summary(db, { from, to, group_by: 'day' })],
    ['summary, by week', () => reports.summary(db, { from, to, group_by: 'week' })],
    ['moderators', () => reports.moderators(db, { from, to })],
    ['skills', () => reports.skills(db, { from, to })],
  ]
  const rows: string[][] = []
  for (const [label, run] of cases) {
    await run() // warm: plans, cache
    const times: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now()
      await run()
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    rows.push([
      label,
      fmt.ms(percentile(times, 0.5)),
      fmt.ms(percentile(times, 0.99)),
      fmt.ms(times.at(-1) ?? 0),
    ])
  }
  table(['report', 'p50', 'p99', 'max'], rows)
}

/** How each statement reads the table: the scans its plan uses, heap fetches, and its own time. */
async function explainAll(db: Db, from: string, to: string): Promise<string[][]> {
  const { range } = reports.parseRange({ from, to })
  const groupings: [string, Grouping][] = [
    ['by day', { by: 'period', unit: 'day' }],
    ['moderators', { by: 'assignee' }],
    ['skills', { by: 'skill' }],
  ]
  const plans: string[][] = []
  for (const [label, grouping] of groupings) {
    for (const [measure, query] of Object.entries(figureQueries(grouping, range)) as [string, SQL][]) {
      const result = await db.transaction(async (tx) => {
        await tx.execute(REPORT_SETTINGS)
        return tx.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`)
      })
      const lines = (result as unknown as { rows: Record<string, string>[] }).rows.map(
        (r) => r['QUERY PLAN'] ?? '',
      )
      const scans = new Set<string>()
      for (const line of lines) {
        const scan = /(Index Only Scan|Index Scan|Bitmap Heap Scan|Seq Scan)(?: using (\S+))? on/.exec(line)
        if (scan) scans.add(`${scan[1]}${scan[2] ? ` ${scan[2]}` : ''}`)
      }
      const heap = lines.flatMap((l) => /Heap Fetches: (\d+)/.exec(l)?.[1] ?? [])
      const time = lines.flatMap((l) => /Execution Time: ([\d.]+)/.exec(l)?.[1] ?? [])[0]
      plans.push([label, measure, [...scans].join(', '), heap.join('+') || '-', fmt.ms(Number(time))])
    }
  }
  return plans
}
