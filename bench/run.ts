// `npm run bench [-- --keep] [-- --reuse] [-- --quick]`: a fresh PostgreSQL database with 1M
// tickets, the ticket endpoints under autocannon, yardsticks (bare Fastify, pgbench) and EXPLAIN
// ANALYZE of every list query; then bulk changes (one INSERT of 1M tickets, one UPDATE of 500k, an
// API server beside them; alone: `npx tsx bench/bulk.ts`), then the background workflow: create →
// done latency, drain throughput, assignment time.
// --keep leaves the sts_bench database in place for a look afterwards; --reuse starts from such a
// kept database instead of seeding again (for iterating: each run's POSTs add a few thousand
// tickets); --quick measures the endpoints and yardsticks only (no EXPLAINs, pgbench diagnostics
// or workflow phase). BENCH_ENDPOINTS=<regex> loads only the endpoints whose label matches;
// BENCH_CPU_PROF=<dir> writes the API server's V8 CPU profile there.
// --only search runs the search phase alone (seed, search on PostgreSQL, search on PGlite); the
// full run includes it after pgbench (PostgreSQL) and at the end (PGlite). The similar-tickets
// phase (bench/similar-phase.ts) follows each search phase, on its data.
import { cpus } from 'node:os'
import { setTimeout } from 'node:timers/promises'
import { openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { createJobQueue } from '../src/jobs/queue.js'
import { runBulkPhase } from './bulk-phase.js'
import { ADMIN_URL, BENCH_DB, DATA, databaseUrl, LOAD, PGBENCH } from './config.js'
import { startCpuMeasurement } from './cpu.js'
import { dropDatabase, recreateDatabase, withClient } from './db-admin.js'
import { runExplainPhase } from './explain-phase.js'
import { runHttpPhase } from './http-phase.js'
import { runPgbenchPhase } from './pgbench-phase.js'
import { elapsedSeconds, fmt, heading } from './report.js'
import { runReportPhase } from './report-phase.js'
import { runPgliteSearchPhase, runSearchPhase } from './search-phase.js'
import { describeData, holdsSeed, type SeedReport, seedDatabase } from './seed.js'
import { runPgliteSimilarPhase, runSimilarPhase } from './similar-phase.js'
import { runSlaPhase } from './sla-phase.js'
import { printSummary } from './summary.js'
import { runWorkflowPhase } from './workflow/phase.js'

const keep = process.argv.includes('--keep')
const reuse = process.argv.includes('--reuse')
const quick = process.argv.includes('--quick')
const onlyIndex = process.argv.indexOf('--only')
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1]
if (only !== undefined && only !== 'search')
  throw new Error(`--only ${only}: the only phase that runs alone is search`)
const onlySearch = only === 'search'
const started = process.hrtime.bigint()
const url = databaseUrl(BENCH_DB)

heading('Setup')
const serverInfo = await withClient(ADMIN_URL, async (client) => {
  const { rows } = await client.query<{ v: string; sb: string; wm: string; sc: string }>(
    `SELECT version() AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm,
            current_setting('synchronous_commit') AS sc`,
  )
  return rows[0]
})
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`)
console.log(
  `PostgreSQL: ${serverInfo?.v.split(' on ')[0]}; shared_buffers ${serverInfo?.sb}, work_mem ${serverInfo?.wm}, synchronous_commit ${serverInfo?.sc}`,
)
console.log(
  `load: autocannon ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up + ${LOAD.durationSeconds} s measured per endpoint, in this process;` +
    ` servers in child processes; PostgreSQL on the same cores`,
)
console.log(
  `pgbench: -M extended, -j ${PGBENCH.threads}, ${PGBENCH.durationSeconds} s; app pool ${PGBENCH.appPoolSize} connections`,
)

// Other work on this machine takes CPU from the benchmark: say how much before starting.
const background = startCpuMeasurement(() => undefined)
await setTimeout(3_000)
console.log(
  `background: other processes used ${background().other.toFixed(2)} of ${cpus().length} cores over 3 s`,
)

const reused = reuse && (await holdsSeed(url))
if (!reused) await recreateDatabase(BENCH_DB)
const database = await openDatabase({ databaseUrl: url, dataDir: '' })
try {
  await migrateDatabase(database)
  // Start and stop once: what a first server start leaves behind (pg-boss's schema and queue).
  const queue = createJobQueue(database)
  await queue.start()
  await queue.stop()
  console.log(
    `database ${BENCH_DB}: ${reused ? 'reused (--reuse)' : 'created'}, migrated, pg-boss schema in place`,
  )

  const seed = reused ? await describeKept() : await seedFresh()
  for (const [role, p] of [
    ['heaviest user', seed.heavyUser],
    ['median user', seed.typicalUser],
    ['busiest moderator', seed.busiestModerator],
  ] as const) {
    console.log(`${role}: ${p.email}, ${fmt.int(p.tickets)} tickets`)
  }

  if (onlySearch) {
    await runSearchPhase(url, seed)
    await runSimilarPhase(url)
  } else {
    if (!quick) await runExplainPhase(url, { ...seed, moderator: seed.busiestModerator })

    const http = await withClient(url, (client) => runHttpPhase(url, client, seed))

    const pgbench = await runPgbenchPhase(database, url, http.sessionToken, { diagnostics: !quick })

    printSummary(http, pgbench)
    // Reports (issue 12): it fills report columns on the data the phases above measured.
    if (!quick) await runReportPhase(url)

    // Last on this database: it adds 3M comments.
    if (!quick) await runSearchPhase(url, seed)
    // Similar tickets build on the search index the search phase filled.
    if (!quick) await runSimilarPhase(url)
  }
} finally {
  await database.close()
  if (keep) console.log(`\nkept database ${BENCH_DB} (--keep): ${url}`)
  else await dropDatabase(BENCH_DB)
}

async function seedFresh(): Promise<Omit<SeedReport, 'seconds' | 'triggersDisabled'>> {
  heading(`Bulk load: ${fmt.int(DATA.tickets)} tickets`)
  const seed = await seedDatabase(url)
  const s = seed.seconds
  console.log(
    `load time ${fmt.s(s.total)}: users ${fmt.s(s.users)} (incl. one argon2 hash), tickets ${fmt.s(s.tickets)} ` +
      `(${fmt.int(DATA.tickets / s.tickets)} rows/s), rebuilding ticket_counts + assignee_stats ${fmt.s(s.derived)}, VACUUM ANALYZE + CHECKPOINT ${fmt.s(s.vacuum)}`,
  )
  console.log(`triggers off during the load: ${seed.triggersDisabled.join(', ')}`)
  printData(seed)
  return seed
}

async function describeKept(): Promise<Omit<SeedReport, 'seconds' | 'triggersDisabled'>> {
  heading('Data: kept from an earlier run (--reuse)')
  const seed = await withClient(url, async (client) => {
    // Earlier runs' POSTs left dead rows and stale statistics behind.
    await client.query('VACUUM ANALYZE')
    await client.query('CHECKPOINT')
    return describeData(client)
  })
  printData(seed)
  return seed
}

function printData(seed: Omit<SeedReport, 'seconds' | 'triggersDisabled'>): void {
  console.log(`sizes: ${seed.tableSizes.map((t) => `${t.table} ${t.size}`).join(', ')}`)
  console.log(`status: ${seed.statusCounts.map((c) => `${c.status} ${fmt.int(c.n)}`).join(', ')}`)
}

// Bulk changes (issue 9): one statement over 1M tickets, on its own database.
if (!quick && !onlySearch) await runBulkPhase()

// The background workflow (issue 3), on its own small databases.
if (!quick && !onlySearch) await runWorkflowPhase()

// SLA escalation's cost per run (issue 12), on its own database.
if (!quick && !onlySearch) await runSlaPhase()

// Search on the embedded database (issue 11), 100k tickets in this process.
if (!quick || onlySearch) await runPgliteSearchPhase()
if (!quick || onlySearch) await runPgliteSimilarPhase()
console.log(`\ntotal runtime ${fmt.s(elapsedSeconds(started))}`)
