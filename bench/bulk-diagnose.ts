// `npx tsx bench/bulk-diagnose.ts [on|off]`: where a bulk statement's time goes (issue 9). On a
// fresh database, the bulk INSERT of bench/bulk-phase.ts and then its UPDATE, each under
// EXPLAIN (ANALYZE, BUFFERS, WAL) — which prints each statement trigger's time — with the WAL
// written, the temporary files, the checkpoints and the trigger functions' own time
// (track_functions) beside it. `off`: the same with the user triggers off. Nothing runs beside
// the statements (bench/bulk.ts measures them with the API and the search backlog job).
import pg from 'pg'
import { CONNECTION_OPTIONS, openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { hashPassword } from '../src/modules/auth/password.js'
import { drainSearchBacklog } from '../src/modules/search/search.backlog.js'
import { CLOSE_RESOLVED, INSERT_TICKETS, INSERT_USERS } from './bulk-phase.js'
import { BENCH_DB, DATA, databaseUrl } from './config.js'
import { dropDatabase, recreateDatabase } from './db-admin.js'
import { elapsedSeconds, fmt, heading, table } from './report.js'
import { startWaitSampling } from './waits.js'

const DB = `${BENCH_DB}_diag`
const TICKETS = Number(process.env.BENCH_BULK_TICKETS ?? 1_000_000)
const triggersOn = process.argv[2] !== 'off'
/**
 * `after-rollback`: each statement first runs once with the user triggers off and is rolled
 * back, as bench/bulk.ts measures its yardstick, so the measured one meets that one's dead rows.
 */
const afterRollback = process.argv.includes('after-rollback')
/** `backlog`: the search backlog's job indexes the INSERT's tickets beside the UPDATE, as in bench/bulk.ts. */
const withBacklog = process.argv.includes('backlog')
/** BENCH_DIAG_SETUP_SQL: statements run after the migrations, e.g. to undo one for an A/B. */
const setupSql = process.env.BENCH_DIAG_SETUP_SQL

interface Counters {
  lsn: string
  tempFiles: number
  tempBytes: number
  checkpointsTimed: number
  checkpointsRequested: number
}

async function counters(client: pg.Client): Promise<Counters> {
  const { rows } = await client.query<Counters>(`
    SELECT pg_current_wal_lsn()::text AS "lsn", d.temp_files::int AS "tempFiles", d.temp_bytes::float8 AS "tempBytes",
           b.checkpoints_timed::int AS "checkpointsTimed", b.checkpoints_req::int AS "checkpointsRequested"
    FROM pg_stat_database d, pg_stat_bgwriter b WHERE d.datname = current_database()`)
  const row = rows[0]
  if (!row) throw new Error('no pg_stat_database row')
  return row
}

async function walBytes(client: pg.Client, from: string, to: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>('SELECT pg_wal_lsn_diff($2, $1)::float8 AS n', [
    from,
    to,
  ])
  return rows[0]?.n ?? Number.NaN
}

const mb = (bytes: number) => `${fmt.int(bytes / 2 ** 20)} MB`

async function diagnose(client: pg.Client, label: string, sql: string, params: unknown[]) {
  heading(
    `${label} (triggers ${triggersOn ? 'on' : 'off'}${afterRollback ? ', after a rolled-back one' : ''})`,
  )
  if (afterRollback) {
    await client.query('BEGIN')
    await client.query('ALTER TABLE tickets DISABLE TRIGGER USER')
    const started = process.hrtime.bigint()
    await client.query(sql, params)
    console.log(`the same with the triggers off, rolled back: ${fmt.s(elapsedSeconds(started))}`)
    await client.query('ROLLBACK')
  }
  await client.query('SELECT pg_stat_reset()')
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  const before = await counters(client)
  const stopSampling = await startWaitSampling(databaseUrl(DB))
  const started = process.hrtime.bigint()
  // Autocommit: the deferred per-row notify trigger runs at the commit, inside the timed span.
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS, WAL) ${sql}`,
    params,
  )
  const seconds = elapsedSeconds(started)
  const waits = await stopSampling()
  // Statistics reach the shared counters when the backend goes idle (at most once a second).
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  const after = await counters(client)
  for (const row of rows) console.log(row['QUERY PLAN'])
  const { rows: functions } = await client.query<{
    name: string
    calls: number
    total: number
    self: number
  }>(
    `SELECT funcname AS name, calls::int, total_time AS total, self_time AS self
     FROM pg_stat_user_functions ORDER BY total_time DESC LIMIT 15`,
  )
  console.log()
  table(
    ['function', 'calls', 'total', 'self'],
    functions.map((f) => [f.name, fmt.int(f.calls), fmt.ms(f.total), fmt.ms(f.self)]),
  )
  console.log(
    `\nsessions of the database, average over the statement: ${waits.averages.map(([what, n]) => `${what} ${n.toFixed(2)}`).join(', ')}`,
  )
  console.log()
  table(
    ['statement', 'time (with commit)', 'WAL', 'temp files', 'temp bytes', 'checkpoints timed / requested'],
    [
      [
        label,
        fmt.s(seconds),
        mb(await walBytes(client, before.lsn, after.lsn)),
        fmt.int(after.tempFiles - before.tempFiles),
        mb(after.tempBytes - before.tempBytes),
        `${after.checkpointsTimed - before.checkpointsTimed} / ${after.checkpointsRequested - before.checkpointsRequested}`,
      ],
    ],
  )
}

await recreateDatabase(DB)
const url = databaseUrl(DB)
const database = await openDatabase({ databaseUrl: url, dataDir: '' })
try {
  await migrateDatabase(database)
  if (setupSql) await database.executeSql(setupSql)
} finally {
  await database.close()
}
const client = new pg.Client({ connectionString: url, options: CONNECTION_OPTIONS })
await client.connect()
try {
  await client.query("SET track_functions = 'all'")
  await client.query(INSERT_USERS, [await hashPassword(DATA.password)])
  const ids = async (role: string) =>
    (
      await client.query<{ id: string }>('SELECT id FROM users WHERE role = $1 ORDER BY email', [role])
    ).rows.map((r) => r.id)
  if (!triggersOn) await client.query('ALTER TABLE tickets DISABLE TRIGGER USER')
  await diagnose(client, `INSERT ${fmt.int(TICKETS)} tickets`, INSERT_TICKETS, [
    TICKETS,
    await ids('user'),
    await ids('moderator'),
  ])
  const indexer = withBacklog ? await openDatabase({ databaseUrl: url, dataDir: '' }) : undefined
  const started = process.hrtime.bigint()
  const indexing = indexer ? drainSearchBacklog(indexer.db, { maxSeconds: 3_600 }) : undefined
  try {
    await diagnose(
      client,
      `UPDATE closing ${fmt.int(TICKETS / 2)}${indexer ? ', the search backlog job beside it' : ''}`,
      CLOSE_RESOLVED,
      [],
    )
  } finally {
    await indexing
    if (indexing) console.log(`the search backlog indexed ${fmt.s(elapsedSeconds(started))} after the INSERT`)
    await indexer?.close()
  }
} finally {
  await client.end()
  await dropDatabase(DB)
}
