// Every knob of `npm run bench` in one place, so the printed figures can name what produced them.
import { fileURLToPath } from 'node:url'

/** A superuser URL on the server that will host the throwaway database (CREATE/DROP DATABASE). */
export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** BENCH_DB_NAME lets two checkouts bench on one server at once. */
export const BENCH_DB = process.env.BENCH_DB_NAME ?? 'sts_bench'

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))

export const DATA = {
  // BENCH_TICKETS exists only to make a quick dry run of the harness; the report is for 1,000,000.
  tickets: Number(process.env.BENCH_TICKETS ?? 1_000_000),
  users: 300,
  moderators: 50,
  admins: 2,
  /** Everyone shares one argon2 hash: hashing 352 passwords would cost ~20 s and measure nothing. */
  password: 'bench-password-1',
}

// BENCH_SECONDS, like BENCH_TICKETS, is for a quick dry run of the harness only.
const measuredSeconds = Number(process.env.BENCH_SECONDS ?? 10)

export const LOAD = {
  /**
   * 2 cores host the load generator, the API and PostgreSQL at once. 32 connections (the brief
   * asks for 20-50) keep the API's 10-connection pool busy; more would mostly add queueing
   * in the pool, i.e. latency, not throughput.
   */
  connections: 32,
  durationSeconds: measuredSeconds,
  /** Unmeasured run before each measured one: JIT, connection pool and page cache settle first. */
  warmupSeconds: 2,
}

export const PGBENCH = {
  durationSeconds: measuredSeconds,
  /** Same as LOAD.connections: the yardstick sees the same offered concurrency as the API. */
  clients: LOAD.connections,
  /** The app's pg pool size (openDatabase default): the most DB work the API can have in flight. */
  appPoolSize: 10,
  threads: 2,
}

export const EXPLAIN_FLAGS = {
  slowMs: 20,
  /** A Sort fed more rows than this is sorting matches, not a page. */
  sortInputRows: 1_000,
  /** A Seq Scan or filter touching more rows than this is scanning, not seeking. */
  scannedRows: 10_000,
}

/** The body POST /api/tickets is benchmarked with (no colons: pgbench would read `:x` as a variable). */
export const TICKET_BODY = {
  title: 'Cannot access user dashboard',
  description: 'When I open my dashboard I get a 404 error since the last update, on every browser I tried.',
}
