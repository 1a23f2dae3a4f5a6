// `npx tsx bench/reports.ts`: the report phase alone, on its own database seeded like the main
// bench (BENCH_TICKETS tickets, default 1M), dropped afterwards unless BENCH_KEEP_DB=1 (to EXPLAIN
// its statements by hand afterwards); BENCH_REUSE_DB=1 times again on such a kept database.
import { openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { databaseUrl } from './config.js'
import { dropDatabase, recreateDatabase } from './db-admin.js'
import { runReportPhase } from './report-phase.js'
import { seedDatabase } from './seed.js'

const name = `${process.env.BENCH_DB_NAME ?? 'sts_bench'}_reports`
const url = databaseUrl(name)
const reuse = process.env.BENCH_REUSE_DB === '1'
if (!reuse) await recreateDatabase(name)
try {
  const database = await openDatabase({ databaseUrl: url, dataDir: '' })
  await migrateDatabase(database)
  await database.close()
  if (!reuse) await seedDatabase(url)
  await runReportPhase(url, reuse)
} finally {
  if (process.env.BENCH_KEEP_DB !== '1') await dropDatabase(name)
}
