// The search backlog (migration 0024): tickets a bulk statement filed without building their
// search documents, indexed here in batches after its commit. Each batch is its own short
// transaction, so the API keeps serving and a crash loses at most the batch in flight.
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { pgErrorCode } from '../../db/errors.js'

/** Ticket numbers per batch: ~0.1-0.3 s of tokenising, and the rows it locks, per transaction. */
export const BACKLOG_BATCH = 2_000
/** The channel a bulk statement notifies (migration 0024): workers enqueue the job on it. */
export const SEARCH_BACKLOG_CHANNEL = 'sts_search_backlog'
/** lock_not_available: the batch met a row a longer transaction holds (a bulk UPDATE). */
const LOCK_TIMEOUT = '55P03'

type Rows<T> = { rows: T[] }

/** One batch; answers how many ticket numbers it covered (0: the backlog is empty or taken). */
export async function indexBacklogBatch(db: Db, limit = BACKLOG_BATCH): Promise<number> {
  const result = (await db.execute(
    sql`SELECT search_index_backlog(${limit}::int) AS covered`,
  )) as unknown as Rows<{
    covered: number
  }>
  return Number(result.rows[0]?.covered ?? 0)
}

export async function backlogSize(db: Db): Promise<number> {
  const result = (await db.execute(
    sql`SELECT coalesce(sum(last_number - next_number + 1), 0)::int AS n FROM search_backlog`,
  )) as unknown as Rows<{ n: number }>
  return Number(result.rows[0]?.n ?? 0)
}

export interface DrainOptions {
  /** Stop after this long (the rest waits for the next run: the job's timeout must not pass). */
  maxSeconds: number
  /** Pause before trying a batch again that met a locked row. */
  retryDelayMs?: number
}

/**
 * Indexes batches until the backlog is empty (or another run holds what is left, or time is
 * up); answers the ticket numbers covered. A batch that meets a row locked by a long
 * transaction gave up (lock_timeout) and rolled back: it waits a moment and tries again.
 */
export async function drainSearchBacklog(db: Db, options: DrainOptions): Promise<number> {
  const deadline = Date.now() + options.maxSeconds * 1000
  let covered = 0
  while (Date.now() < deadline) {
    let n: number
    try {
      n = await indexBacklogBatch(db)
    } catch (error) {
      if (pgErrorCode(error) !== LOCK_TIMEOUT) throw error
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1_000))
      continue
    }
    if (n === 0) break
    covered += n
  }
  return covered
}
