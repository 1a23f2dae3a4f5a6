// Yardstick (b) and two diagnostics: pgbench replaying what POST /api/tickets sends to
// PostgreSQL, so the API's rate can be read against what the database alone sustains, and the
// database's own limits can be told apart (the NOTIFY commit lock, the count trigger's row locks).
import type { Database } from '../src/db/client.js'
import { PGBENCH, RESULTS_DIR } from './config.js'
import { describeCores } from './cpu.js'
import { captureCreateRequest } from './create-request.js'
import { withClient } from './db-admin.js'
import { minimalCreateScript } from './minimal-create.js'
import { type PgbenchResult, runPgbench, toScript } from './pgbench.js'
import { fmt, heading } from './report.js'
import { ticketTriggers, withTriggersOff } from './triggers.js'
import { describeWaits } from './waits.js'

/** "insert into \"tickets\"", "select … from \"sessions\"", "begin": enough to recognise a statement. */
function shortName(sql: string): string {
  const text = sql.trim().replaceAll(/\s+/g, ' ')
  const write = /^(insert into|update|delete from) \S+/i.exec(text)
  if (write) return write[0]
  const call = /^select (pg_\w+)/i.exec(text)
  if (call) return `select ${call[1]}()`
  const read = /^select .*? from (\S+)/i.exec(text)
  return read ? `select … from ${read[1]}` : (text.split(' ')[0] ?? text)
}

function print(result: PgbenchResult): void {
  console.log(
    `  ${result.label}, ${result.clients} clients: ${fmt.int(result.tps)} tps, latency ${fmt.ms(result.latencyMs)}, ${result.failed} failed`,
  )
  console.log(`      cpu cores: ${describeCores(result.cores)}`)
  if (result.waits) console.log(`      db sessions (avg): ${describeWaits(result.waits)}`)
}

export async function runPgbenchPhase(
  database: Database,
  databaseUrl: string,
  sessionToken: string,
  { diagnostics }: { diagnostics: boolean },
): Promise<PgbenchResult[]> {
  heading('Yardstick (b): pgbench replaying the statements of POST /api/tickets')
  const sql = await captureCreateRequest(database, sessionToken)
  const request = toScript(sql.all, sql.ticketId)
  const withoutNotify = toScript(
    sql.all.filter((q) => !/pg_notify/i.test(q.sql)),
    sql.ticketId,
  )
  console.log(
    `one request = ${sql.all.length} statements: ${sql.all.map((q) => shortName(q.sql)).join(' | ')}`,
  )

  const results: PgbenchResult[] = []
  const run = async (kind: PgbenchResult['kind'], label: string, script: string, clients: number) => {
    const result = await runPgbench(kind, label, script, clients, databaseUrl)
    print(result)
    results.push(result)
  }
  // The single INSERT, offered the same concurrency as autocannon, then the app pool's.
  const insert = toScript([sql.ticketInsert])
  await run('insert', 'ticket INSERT … RETURNING', insert, PGBENCH.clients)
  await run('insert', 'ticket INSERT … RETURNING', insert, PGBENCH.appPoolSize)
  // The POST target's yardstick (minimal-create.ts), offered the same concurrency as autocannon.
  await run('minimal', 'minimal create', minimalCreateScript(sessionToken), PGBENCH.clients)
  // What the API can have in flight at most: one transaction per pooled connection.
  await run('request', 'whole request', request, PGBENCH.appPoolSize)
  if (!diagnostics) return results

  // Diagnostics, last on purpose: they switch triggers off for their run (back on, and the
  // counts rebuilt, right after). Each removes one suspected cause of waiting.
  console.log('diagnostics (the whole request with one cause removed):')
  await withClient(databaseUrl, async (client) => {
    const present = await ticketTriggers(client)
    const only = (names: string[]) => names.filter((n) => present.includes(n))
    // Every NOTIFY (the job wake-up and the live-update trigger's) takes one cluster-wide lock
    // at commit, so committing transactions that notified queue behind each other.
    await withTriggersOff(client, only(['tickets_notify_change']), () =>
      run('diagnostic', 'whole request, no NOTIFY', withoutNotify, PGBENCH.appPoolSize),
    )
    // Every new ticket bumps one of 8 ticket_counts rows for (todo, medium, unassigned), and
    // holds that row lock until it commits.
    await withTriggersOff(client, only(['tickets_count_insert_delete']), () =>
      run('diagnostic', 'whole request, no count trigger', request, PGBENCH.appPoolSize),
    )
  })
  console.log(`scripts: ${RESULTS_DIR}pgbench-*.sql`)
  return results
}
