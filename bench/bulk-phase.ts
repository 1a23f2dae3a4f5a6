// Bulk changes at scale (issue 9): one SQL statement inserting BENCH_BULK_TICKETS (default
// 1,000,000) tickets with every trigger on, then one UPDATE closing half of them, with an API
// server beside it answering /health/ready and /api/tickets/all throughout. Each statement is
// printed beside the same statement with the user triggers off (the yardstick: what the rows
// alone cost), the counters are checked against count(*) afterwards, and a LISTEN connection
// counts the notifications each statement sent. The INSERT leaves the tickets' search documents to
// the search-backlog job (migration 0024): its handler runs here from the INSERT's commit on,
// beside the UPDATE, as a worker would, and the time until every ticket is indexed is printed.
//
// The yardsticks run on a twin database, migrated and filled with the same users, before the
// measured run: both start from the same state. They used to run on the measured database inside
// a transaction rolled back, which left the measured statement a million dead rows and their
// index entries to write beside (bench/bulk-diagnose.ts: 1M INSERT 33.7 → 40.9 s, UPDATE
// 18.6 → 26.7 s, WAL 1.6 → 2.3 GB): a cost of the harness, counted against the triggers.
import pg from 'pg'
import { openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { createJobQueue } from '../src/jobs/queue.js'
import { hashPassword } from '../src/modules/auth/password.js'
import { TICKET_CHANGES_CHANNEL } from '../src/modules/events/ticket-change-bus.js'
import { drainSearchBacklog } from '../src/modules/search/search.backlog.js'
import { startChild } from './child.js'
import { BENCH_DB, DATA, databaseUrl } from './config.js'
import { dropDatabase, recreateDatabase, withClient } from './db-admin.js'
import { login } from './http-load.js'
import { elapsedSeconds, fmt, heading, table } from './report.js'

const BULK_DB = `${BENCH_DB}_bulk`
/** BENCH_BULK_TICKETS is for the before/after comparison at a smaller size, and dry runs. */
const TICKETS = Number(process.env.BENCH_BULK_TICKETS ?? 1_000_000)
const TARGET_SECONDS = 60
const TARGET_P99_MS = 500

export const INSERT_USERS = `
  INSERT INTO users (email, name, password_hash, role)
  SELECT format('%s%s@bulk.local', r.prefix, lpad(i::text, 3, '0')), initcap(r.prefix) || ' ' || i, $1, r.role
  FROM (VALUES ('user', 'user', 250), ('mod', 'moderator', 50), ('admin', 'admin', 1)) AS r(prefix, role, n)
  CROSS JOIN LATERAL generate_series(0, r.n - 1) AS i`

// What an import from another helpdesk looks like: every status and priority, 300 creators,
// 80% assigned over 50 moderators, created over the past years. Half the tickets are resolved:
// the UPDATE closes them.
export const INSERT_TICKETS = `
  INSERT INTO tickets (title, description, status, priority, created_by, assigned_to, processing_status,
                       created_at, updated_at)
  SELECT 'Imported ticket #' || g,
         'Imported from the previous helpdesk (reference ' || md5(g::text) || ').',
         CASE WHEN g % 2 = 0 THEN 'resolved'
              ELSE (ARRAY['todo', 'in_progress', 'waiting_for_customer', 'closed', 'cancelled'])[1 + (g / 2) % 5] END,
         (ARRAY['low', 'medium', 'high'])[1 + g % 3],
         ($2::uuid[])[1 + g % cardinality($2::uuid[])],
         CASE WHEN g % 5 <> 0 THEN ($3::uuid[])[1 + (g / 5) % cardinality($3::uuid[])] END,
         'done',
         -- Their own dates, a minute apart (one shared now() would make every list sort 1M ties).
         now() - ($1::int - g) * interval '1 minute', now() - ($1::int - g) * interval '1 minute'
  FROM generate_series(1, $1::int) AS g`

export const CLOSE_RESOLVED = `UPDATE tickets SET status = 'closed', updated_at = now() WHERE status = 'resolved'`

interface Probe {
  label: string
  latencies: number[]
  failures: string[]
}

/** Sequential requests in a loop until stopped: each endpoint always has one request in flight. */
function startProbes(baseUrl: string, cookie: string) {
  let running = true
  const probes: Probe[] = [
    { label: 'GET /health/ready', latencies: [], failures: [] },
    { label: 'GET /api/tickets/all', latencies: [], failures: [] },
  ]
  const paths = ['/health/ready', '/api/tickets/all?limit=20']
  const loops = probes.map(async (probe, i) => {
    while (running) {
      const started = performance.now()
      try {
        const response = await fetch(`${baseUrl}${paths[i]}`, {
          headers: { cookie },
          signal: AbortSignal.timeout(10_000),
        })
        await response.arrayBuffer()
        if (response.status !== 200) probe.failures.push(`HTTP ${response.status}`)
      } catch (error) {
        probe.failures.push(error instanceof Error ? error.message : String(error))
      }
      probe.latencies.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })
  return async () => {
    running = false
    await Promise.all(loops)
    return probes
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
}

/** Counters vs count(*): a list of the mismatches (empty = exact). */
async function countMismatches(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ what: string; key: string; counted: number; actual: number }>(`
    WITH actual AS (
      SELECT status, priority, coalesce(assigned_to, '00000000-0000-0000-0000-000000000000') AS assigned_to,
             count(*)::int AS n
      FROM tickets GROUP BY 1, 2, 3
    ), counted AS (
      SELECT status, priority, assigned_to, sum(n)::int AS n FROM ticket_counts GROUP BY 1, 2, 3
    ), open_actual AS (
      SELECT assigned_to AS user_id, count(*)::int AS n FROM tickets
      WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer') GROUP BY 1
    )
    SELECT 'ticket_counts' AS what, concat_ws('/', status, priority, assigned_to) AS key,
           coalesce(c.n, 0) AS counted, coalesce(a.n, 0) AS actual
    FROM actual a FULL JOIN counted c USING (status, priority, assigned_to)
    WHERE coalesce(c.n, 0) <> coalesce(a.n, 0)
    UNION ALL
    SELECT 'assignee_stats', user_id::text, coalesce(s.open_tickets, 0), coalesce(o.n, 0)
    FROM open_actual o FULL JOIN assignee_stats s USING (user_id)
    WHERE coalesce(s.open_tickets, 0) <> coalesce(o.n, 0)`)
  return rows.map((r) => `${r.what} ${r.key}: ${r.counted} counted, ${r.actual} actual`)
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint()
  await work()
  return elapsedSeconds(started)
}

/**
 * The yardsticks: both statements with the user triggers off, committed, on a twin database in
 * the state the measured one starts from (fresh, same users); nothing runs beside them.
 */
async function yardsticks(): Promise<{ insert: number; update: number }> {
  const twin = await prepareDatabase(`${BULK_DB}_off`)
  try {
    return await withClient(twin.url, async (client) => {
      await client.query('ALTER TABLE tickets DISABLE TRIGGER USER')
      const insert = await timed(() => client.query(INSERT_TICKETS, twin.insertParams))
      const update = await timed(() => client.query(CLOSE_RESOLVED, []))
      return { insert, update }
    })
  } finally {
    await dropDatabase(twin.name)
  }
}

/** A fresh database, migrated (pg-boss's schema too), with the users the tickets are filed by. */
async function prepareDatabase(name: string) {
  await recreateDatabase(name)
  const url = databaseUrl(name)
  const database = await openDatabase({ databaseUrl: url, dataDir: '' })
  try {
    await migrateDatabase(database)
    const queue = createJobQueue(database)
    await queue.start()
    await queue.stop()
  } finally {
    await database.close()
  }
  const insertParams = await withClient(url, async (client) => {
    await client.query(INSERT_USERS, [await hashPassword(DATA.password)])
    const ids = async (role: string) =>
      (
        await client.query<{ id: string }>('SELECT id FROM users WHERE role = $1 ORDER BY email', [role])
      ).rows.map((r) => r.id)
    return [TICKETS, await ids('user'), await ids('moderator')]
  })
  return { name, url, insertParams }
}

interface Row {
  label: string
  seconds: number
  yardstick: number
  notifications: number
  exact: string[]
  probes: Probe[]
}

export async function runBulkPhase(): Promise<void> {
  heading(`Bulk changes: ${fmt.int(TICKETS)} tickets in one INSERT, then one UPDATE closing half`)
  // First, while nothing else runs: the ALTER TABLE would stall the API beside the measured run.
  const yardstick = await yardsticks()
  const { url, insertParams } = await prepareDatabase(BULK_DB)

  await withClient(url, async (client) => {
    const listener = new pg.Client({ connectionString: url })
    let notifications = 0
    listener.on('notification', () => {
      notifications++
    })
    await listener.connect()
    await listener.query(`LISTEN ${TICKET_CHANGES_CHANNEL}`)
    const server = await startChild('./app-server.ts', { BENCH_DATABASE_URL: url })
    const indexer = await openDatabase({ databaseUrl: url, dataDir: '' })
    const rows: Row[] = []
    let catchUp: { seconds: number; probes: Probe[]; missing: number } | undefined
    try {
      const cookie = await login(server.url, 'admin000@bulk.local', DATA.password)
      const step = async (label: string, sql: string, params: unknown[], yardstickSeconds: number) => {
        notifications = 0
        const stop = startProbes(server.url, cookie)
        const seconds = await timed(() => client.query(sql, params))
        // Notifications arrive after the commit; give them a moment, probes keep running.
        await new Promise((resolve) => setTimeout(resolve, 1_000))
        const probes = await stop()
        rows.push({
          label,
          seconds,
          yardstick: yardstickSeconds,
          notifications,
          exact: await countMismatches(client),
          probes,
        })
      }
      await step(
        `INSERT ${fmt.int(TICKETS)} tickets (one statement)`,
        INSERT_TICKETS,
        insertParams,
        yardstick.insert,
      )
      // The search backlog's job, from the INSERT's commit (1 s ago: the step's pause) on.
      const indexingStarted = process.hrtime.bigint() - 1_000_000_000n
      let indexedAfter = Number.NaN
      let indexingError: unknown
      // Settled here, rethrown after the UPDATE: a rejection waiting unobserved would end the process.
      const indexing = drainSearchBacklog(indexer.db, { maxSeconds: 3_600 }).then(
        () => {
          indexedAfter = elapsedSeconds(indexingStarted)
        },
        (error: unknown) => {
          indexingError = error ?? new Error('search backlog failed')
        },
      )
      await step(
        `UPDATE … SET status = 'closed' (${fmt.int(TICKETS / 2)} rows)`,
        CLOSE_RESOLVED,
        [],
        yardstick.update,
      )
      const stopCatchUpProbes = startProbes(server.url, cookie)
      await indexing
      const catchUpProbes = await stopCatchUpProbes()
      if (indexingError) throw indexingError
      const { rows: missing } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = t.id)',
      )
      catchUp = { seconds: indexedAfter, probes: catchUpProbes, missing: missing[0]?.n ?? Number.NaN }
    } finally {
      await server.stop()
      await listener.end()
      await indexer.close()
    }

    table(
      ['statement (triggers on)', 'time', 'triggers off (twin database)', 'target', 'NOTIFYs', 'counts'],
      rows.map((r) => [
        r.label,
        fmt.s(r.seconds),
        fmt.s(r.yardstick),
        `< ${TARGET_SECONDS} s`,
        fmt.int(r.notifications),
        r.exact.length === 0 ? 'exact' : `${r.exact.length} wrong`,
      ]),
    )
    for (const r of rows) for (const line of r.exact.slice(0, 5)) console.log(`  ${r.label}: ${line}`)
    if (catchUp) {
      console.log(
        `\nSearch backlog (the job's handler, beside the UPDATE): every ticket indexed ${fmt.s(catchUp.seconds)} after the INSERT committed; ${fmt.int(catchUp.missing)} without a document after it.`,
      )
    }
    console.log(
      `\nAPI server beside it (one request in flight per endpoint, 20 ms apart), during each statement:`,
    )
    table(
      ['statement', 'endpoint', 'requests', 'p50', 'p99', 'max', 'target p99', 'failures'],
      rows.flatMap((r) =>
        r.probes.map((p) => [
          r.label.split(' ')[0] ?? '',
          p.label,
          fmt.int(p.latencies.length),
          fmt.ms(percentile(p.latencies, 50)),
          fmt.ms(percentile(p.latencies, 99)),
          fmt.ms(Math.max(...p.latencies)),
          `< ${TARGET_P99_MS} ms`,
          p.failures.length === 0 ? '0' : `${p.failures.length} (${p.failures[0]})`,
        ]),
      ),
    )
    if (catchUp) {
      console.log('\nThe same after the UPDATE, until the search backlog was indexed:')
      table(
        ['endpoint', 'requests', 'p50', 'p99', 'max', 'target p99', 'failures'],
        catchUp.probes.map((p) => [
          p.label,
          fmt.int(p.latencies.length),
          fmt.ms(percentile(p.latencies, 50)),
          fmt.ms(percentile(p.latencies, 99)),
          fmt.ms(Math.max(...p.latencies)),
          `< ${TARGET_P99_MS} ms`,
          p.failures.length === 0 ? '0' : `${p.failures.length} (${p.failures[0]})`,
        ]),
      )
    }
  })
  await dropDatabase(BULK_DB)
}
