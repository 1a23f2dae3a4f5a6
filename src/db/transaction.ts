import type { Db, Tx } from './client.js'
import { isRetryableConflict } from './errors.js'

/**
 * Runs `work` in a transaction, again (up to 3 times) if PostgreSQL aborted it for a deadlock or
 * serialization failure: those abort the whole transaction without effect, so a rerun is safe,
 * and the client gets its answer instead of a 500.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work)
    } catch (error) {
      if (attempt >= 3 || !isRetryableConflict(error)) throw error
    }
  }
}
