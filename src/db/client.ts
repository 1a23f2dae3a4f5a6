// One database API for the whole app: drizzle over PostgreSQL (`pg`) when DATABASE_URL is set,
// over embedded PGlite otherwise. Everything above this file sees only `Db`/`Tx`.
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import type { ExtractTablesWithRelations } from 'drizzle-orm'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import { defaultLogger, type Logger } from '../logger.js'
import { acquireDataDirLock } from './data-dir-lock.js'
import { prepareStatements } from './prepared.js'
import * as schema from './schema.js'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>
/** Either the database or a transaction: functions taking `DbOrTx` run inside their caller's transaction. */
export type DbOrTx = Db | Tx

/** Raw SQL for libraries that bring their own queries (pg-boss): `$1`-style text and values. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>

export interface Database {
  readonly db: Db
  /** The driver underneath, for the few places that need it (migrations, pg-boss, dumps). */
  readonly native: { driver: 'pglite'; client: PGlite } | { driver: 'postgres'; pool: pg.Pool; url: string }
  /** Raw SQL outside any transaction. */
  readonly executeSql: ExecuteSql
  /** Whether commits on these connections skip waiting for the disk (see `asyncCommit` below). */
  readonly asyncCommit: boolean
  close(): Promise<void>
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined
  dataDir: string
  /** Start PGlite from a dump of an already-migrated database (tests clone a template this way). */
  pgliteLoadDataDir?: Blob | undefined
  /** PGlite only: keep the database in memory instead of dataDir. */
  inMemory?: boolean
  poolSize?: number
  /**
   * PostgreSQL only: prepare every parameterised statement (see db/prepared.ts). For the worker
   * process, whose statements are a small fixed set; the API's list queries keep the per-call
   * plans they were measured with.
   */
  preparedStatements?: boolean
  /**
   * PostgreSQL only: commits on these connections do not wait for the write-ahead log to reach
   * the disk (synchronous_commit = off). For the worker process: each of its transactions is
   * followed by pg-boss completing the job, a synchronous commit on pg-boss's own connections
   * that flushes the log up to it; a crash before that loses the work and its records together,
   * and the job runs again. Never for connections that answer clients' writes.
   */
  asyncCommit?: boolean
  /** Where a lost idle connection is reported (PostgreSQL). */
  log?: Logger
}

/**
 * The planner's price of a random page read, for our connections. PostgreSQL's default (4) prices
 * index lookups as disk seeks; a helpdesk's working set lives in memory (or on SSD), and at 1M
 * tickets the default made it scan the created_at index past 50k newer rows instead of using the
 * (status, created_at) index: 9 ms of CPU per page instead of 0.1 ms (bench/, EXPLAIN ANALYZE).
 */
const RANDOM_PAGE_COST = 1.1

/** node-postgres `options` for every connection the app opens (tools that EXPLAIN use it too). */
export const CONNECTION_OPTIONS = `-c random_page_cost=${RANDOM_PAGE_COST}`

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl)
    return openPostgres(options.databaseUrl, options.poolSize ?? 10, {
      preparedStatements: options.preparedStatements ?? false,
      asyncCommit: options.asyncCommit ?? false,
      log: options.log ?? defaultLogger(),
    })
  return openPglite(options)
}

async function openPostgres(
  url: string,
  poolSize: number,
  {
    preparedStatements,
    asyncCommit,
    log,
  }: { preparedStatements: boolean; asyncCommit: boolean; log: Logger },
): Promise<Database> {
  const options = asyncCommit ? `${CONNECTION_OPTIONS} -c synchronous_commit=off` : CONNECTION_OPTIONS
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options })
  if (preparedStatements) prepareStatements(pool)
  // An idle client that loses its connection emits 'error'; without a listener it would crash the
  // process. The pool replaces the client by itself: report it, so a flapping database shows in the log.
  pool.on('error', (error) => log.error({ err: error }, 'idle database connection lost'))
  const db = drizzlePg(pool, { schema })
  return {
    db,
    native: { driver: 'postgres', pool, url },
    asyncCommit,
    executeSql: async (text, values) => {
      const result = await pool.query(text, values)
      return { rows: result.rows }
    },
    close: () => pool.end(),
  }
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  let releaseLock = () => {}
  let dataDir: string | undefined
  if (!options.inMemory) {
    mkdirSync(options.dataDir, { recursive: true })
    releaseLock = acquireDataDirLock(options.dataDir)
    dataDir = options.dataDir
  }
  // Extensions are compiled in separately and must be handed over here, before any
  // CREATE EXTENSION (search's typo fallback uses pg_trgm, migration 0021).
  const client = await PGlite.create({
    dataDir,
    loadDataDir: options.pgliteLoadDataDir,
    extensions: { pg_trgm },
  })
  await client.exec(`SET random_page_cost = ${RANDOM_PAGE_COST}`)
  const db = drizzlePglite(client, { schema })
  return {
    db,
    native: { driver: 'pglite', client },
    asyncCommit: false,
    executeSql: async (text, values) => {
      // PGlite's extended protocol takes one statement; parameterless multi-statement scripts
      // (pg-boss's schema setup) go through exec, which runs them in order under the same lock.
      if (values === undefined || values.length === 0) {
        const results = await client.exec(text)
        const last = results.at(-1)
        return { rows: (last?.rows ?? []) as Record<string, unknown>[] }
      }
      const result = await client.query<Record<string, unknown>>(text, values)
      return { rows: result.rows }
    },
    close: async () => {
      await client.close()
      releaseLock()
    },
  }
}

// What node-postgres would do with a raw value: undefined is NULL, a plain object is JSON.
function toParam(value: unknown): unknown {
  if (value === undefined) return null
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array) &&
    !Array.isArray(value)
  ) {
    return JSON.stringify(value)
  }
  return value
}

/** Runs raw `$1` SQL inside a drizzle transaction (so a library's insert commits or rolls back with ours). */
export function executeSqlIn(tx: DbOrTx): ExecuteSql {
  return async (text, values = []) => {
    const chunks = text.split(/\$(\d+)/)
    const query = sql.empty()
    chunks.forEach((chunk, i) => {
      if (i % 2 === 0) query.append(sql.raw(chunk))
      else query.append(sql`${toParam(values[Number(chunk) - 1])}`)
    })
    const result = (await tx.execute(query)) as unknown as { rows: Record<string, unknown>[] }
    return { rows: result.rows }
  }
}

/** A PGlite database dumped after migration: tests start each file from a copy of it. */
export async function dumpPglite(database: Database): Promise<Blob> {
  if (database.native.driver !== 'pglite') throw new Error('dumpPglite needs a PGlite database')
  return database.native.client.dumpDataDir('none')
}
