// A drizzle database that records every statement it sends. Calling the app's own repository and
// service functions through it yields the exact SQL and parameters the endpoints run, so the
// EXPLAINs and pgbench scripts cannot drift from src/ the way hand-copied SQL would.
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import type { Db } from '../src/db/client.js'
import * as schema from '../src/db/schema.js'

export interface CapturedQuery {
  sql: string
  params: unknown[]
}

export interface CapturingDb {
  db: Db
  /** The statements sent since the last call, in order. */
  take(): CapturedQuery[]
  close(): Promise<void>
}

export function openCapturingDb(url: string): CapturingDb {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  let captured: CapturedQuery[] = []
  const db = drizzle(pool, {
    schema,
    logger: { logQuery: (sql, params) => captured.push({ sql, params }) },
  })
  return {
    db,
    take() {
      const out = captured
      captured = []
      return out
    },
    close: () => pool.end(),
  }
}
