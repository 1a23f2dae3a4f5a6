// Similar tickets (issue 11): the latency of the similar-ticket lookup (the statements behind
// GET /api/tickets/:id/similar, called through the service on the app's own pool) at 8 concurrent
// callers on the search phase's data (1M tickets, 3M comments; run after runSearchPhase, which
// builds ticket_search), its p50/p99 against the 50 ms target, and the EXPLAIN ANALYZE of each
// statement one lookup runs. Then the same on PGlite at 100k tickets (one at a time).
//
// The bench's tickets are eight title templates with numbered variants: the worst case for
// similarity (every ticket shares its words with an eighth of all tickets), which is what the
// bounded shortlist (similar.service.ts: MIDDLING, SAMPLE) is for.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { type Database, openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { hashPassword } from '../src/modules/auth/password.js'
import { similarTickets } from '../src/modules/similar/similar.service.js'
import { findTicket } from '../src/modules/tickets/ticket.repository.js'
import { openCapturingDb } from './capture.js'
import { DATA, LOAD, RESULTS_DIR } from './config.js'
import { withClient } from './db-admin.js'
import { explainOne } from './explain.js'
import { planFlags } from './plan.js'
import { fmt, heading, table } from './report.js'
import { type SqlClient, seedSearchData } from './search-seed.js'
import { INSERT_TICKETS, INSERT_USERS } from './seed.js'

const CONNECTIONS = 8
const TARGET_P99_MS = 50
const SAMPLE_TICKETS = 500
const PGLITE_TICKETS = Number(process.env.BENCH_PGLITE_TICKETS ?? 100_000)

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows

/** Tickets to look up: spread over the table (a random sample, fixed by the seed of the data). */
async function sampleIds(database: Database, n: number): Promise<string[]> {
  return rowsOf<{ id: string }>(
    await database.db.execute(sql`SELECT id FROM tickets TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT ${n}`),
  ).map((r) => r.id)
}

/** Lookups by `callers` concurrent loops for `seconds` (or one pass over `ids`); each call's ms. */
async function load(
  database: Database,
  ids: string[],
  callers: number,
  seconds: number | 'one pass',
): Promise<number[]> {
  const latencies: number[] = []
  const until = seconds === 'one pass' ? Number.POSITIVE_INFINITY : performance.now() + seconds * 1000
  let next = 0
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < until && (seconds !== 'one pass' || next < ids.length)) {
        const id = ids[next++ % ids.length] ?? ''
        const started = performance.now()
        const ticket = await findTicket(database.db, id)
        if (ticket) await similarTickets(database.db, ticket, 5)
        latencies.push(performance.now() - started)
      }
    }),
  )
  return latencies
}

/** The sample's kept lists dropped: the next lookup of each computes it (as its analysis would). */
async function forgetLists(database: Database, ids: string[]): Promise<void> {
  await database.db.execute(
    sql`DELETE FROM ticket_similar_lists WHERE ticket_id = ANY(${sql.param(ids)}::uuid[])`,
  )
}

/** EXPLAIN ANALYZE of every statement a lookup runs (captured from the service itself). */
async function explainLookup(url: string, id: string, kind: string, lines: string[], rows: string[][]) {
  const capturing = openCapturingDb(url)
  try {
    const ticket = await findTicket(capturing.db, id)
    capturing.take()
    if (!ticket) throw new Error('sample ticket vanished')
    await similarTickets(capturing.db, ticket, 5)
    const statements = capturing.take()
    lines.push('', `== ${kind} (ticket ${id})`)
    await withClient(url, async (client) => {
      // A computed list is kept in a transaction: EXPLAIN its statements in one too.
      await client.query('BEGIN')
      for (const [i, statement] of statements.entries()) {
        if (/^\s*(begin|commit|rollback|savepoint|release)\b/i.test(statement.sql)) continue
        const { root, plan, executionMs } = await explainOne(client, statement)
        const first = statement.sql.trim().split('\n')[0]?.slice(0, 60) ?? ''
        rows.push([kind, String(i + 1), first, fmt.ms(executionMs), planFlags(root, executionMs).join('; ')])
        lines.push('', `-- ${i + 1}: ${statement.sql.trim()}`, plan)
      }
      await client.query('ROLLBACK')
    })
  } finally {
    await capturing.close()
  }
}

function latencyRow(
  what: string,
  latencies: number[],
  seconds: number | undefined,
  target?: number,
): string[] {
  const p99 = percentile(latencies, 99)
  return [
    what,
    fmt.int(latencies.length),
    seconds === undefined ? '' : fmt.int(latencies.length / seconds),
    fmt.ms(percentile(latencies, 50)),
    fmt.ms(p99),
    target === undefined ? '' : `${target} ms${p99 <= target ? '' : '  MISSED'}`,
  ]
}

/**
 * On the search phase's database (ticket_search built): what computing a ticket's list costs (once
 * per ticket, in its analysis; here 8 at a time over the sample), then lookups at 8 callers (the
 * lists kept), and the plans of both.
 */
export async function runSimilarPhase(url: string): Promise<void> {
  heading(
    `Similar tickets: ${CONNECTIONS} concurrent lookups, ${LOAD.durationSeconds} s (${fmt.int(DATA.tickets)} tickets)`,
  )
  const database = await openDatabase({ databaseUrl: url, dataDir: '', poolSize: CONNECTIONS })
  try {
    const ids = await sampleIds(database, SAMPLE_TICKETS)
    const [first] = ids
    if (!first) throw new Error('no tickets to look up')
    await forgetLists(database, ids)
    const lines: string[] = ['EXPLAIN (ANALYZE, BUFFERS) of similar-tickets lookups']
    const plans: string[][] = []
    await explainLookup(url, first, 'computing the list', lines, plans)
    await forgetLists(database, [first])
    const computing = await load(database, ids, CONNECTIONS, 'one pass')
    await explainLookup(url, first, 'list kept', lines, plans)
    table(['lookup', '#', 'statement', 'time', 'flags'], plans)
    await mkdir(RESULTS_DIR, { recursive: true })
    await writeFile(join(RESULTS_DIR, 'explain-similar.txt'), `${lines.join('\n')}\n`)
    console.log(`full plans: ${RESULTS_DIR}explain-similar.txt`)
    await load(database, ids, CONNECTIONS, LOAD.warmupSeconds)
    const reading = await load(database, ids, CONNECTIONS, LOAD.durationSeconds)
    table(
      ['lookups', 'n', 'per s', 'p50', 'p99', 'target p99'],
      [
        latencyRow(`first, computing the list (${CONNECTIONS} at a time, once each)`, computing, undefined),
        latencyRow('kept list (GET /api/tickets/:id/similar)', reading, LOAD.durationSeconds, TARGET_P99_MS),
      ],
    )
    console.log('service-level: findTicket + similarTickets on the app pool, no HTTP')
  } finally {
    await database.close()
  }
}

/** PGlite at 100k tickets, in process, one lookup at a time. */
export async function runPgliteSimilarPhase(): Promise<void> {
  heading(`Similar tickets on PGlite: ${fmt.int(PGLITE_TICKETS)} tickets, one lookup at a time`)
  const database = await openDatabase({ dataDir: '', inMemory: true })
  try {
    if (database.native.driver !== 'pglite') throw new Error('expected PGlite')
    await migrateDatabase(database)
    const client: SqlClient = database.native.client
    await client.query(INSERT_USERS, [
      await hashPassword(DATA.password),
      DATA.users,
      DATA.moderators,
      DATA.admins,
    ])
    const ids = async (role: string) =>
      `{${(await client.query<{ id: string }>('SELECT id FROM users WHERE role = $1 ORDER BY email', [role])).rows.map((r) => r.id).join(',')}}`
    await client.query('SELECT setseed(0.42)')
    await client.query('ALTER TABLE tickets DISABLE TRIGGER USER')
    await client.query(INSERT_TICKETS, [PGLITE_TICKETS, await ids('user'), await ids('moderator')])
    await client.query('ALTER TABLE tickets ENABLE TRIGGER USER')
    await seedSearchData(client)
    await client.query('VACUUM ANALYZE')
    const sample = await sampleIds(database, 100)
    await load(database, sample.slice(0, 10), 1, 'one pass')
    await forgetLists(database, sample)
    const computing = await load(database, sample, 1, 'one pass')
    const seconds = Math.min(LOAD.durationSeconds, 10)
    const reading = await load(database, sample, 1, seconds)
    table(
      ['lookups', 'n', 'per s', 'p50', 'p99', 'target p99'],
      [
        latencyRow('first, computing the list', computing, undefined),
        latencyRow('kept list', reading, seconds),
      ],
    )
  } finally {
    await database.close()
  }
}
