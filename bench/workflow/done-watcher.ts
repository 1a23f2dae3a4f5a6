// Knows when each ticket's workflow finished, without polling: the tickets trigger NOTIFYs every
// committed change with its processing_status (the same feed the live UI uses).
import type { Database } from '../../src/db/client.js'
import { startTicketChangeBus } from '../../src/modules/events/ticket-change-bus.js'

export interface DoneWatcher {
  /** performance.now() at which each ticket's processing ended (done or failed). */
  finishedAt: Map<string, number>
  failed: Set<string>
  waitFor(ids: string[], timeoutMs: number): Promise<void>
  stop(): Promise<void>
}

export async function watchDone(database: Database): Promise<DoneWatcher> {
  const finishedAt = new Map<string, number>()
  const failed = new Set<string>()
  const bus = await startTicketChangeBus(database, { warn: () => {}, debug: () => {} })
  bus.subscribe((change) => {
    if (change.processing_status !== 'done' && change.processing_status !== 'failed') return
    if (!finishedAt.has(change.ticket_id)) finishedAt.set(change.ticket_id, performance.now())
    if (change.processing_status === 'failed') failed.add(change.ticket_id)
  })
  return {
    finishedAt,
    failed,
    async waitFor(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while (ids.some((id) => !finishedAt.has(id))) {
        if (Date.now() > deadline) {
          const missing = ids.filter((id) => !finishedAt.has(id)).length
          throw new Error(`${missing} of ${ids.length} tickets not processed within ${timeoutMs / 1000} s`)
        }
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    },
    stop: () => bus.stop(),
  }
}
