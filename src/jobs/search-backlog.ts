// Search backlog: indexes the tickets a bulk statement filed without search documents (migration
// 0024, src/modules/search/search.backlog.ts). Enqueued when a bulk statement commits (its NOTIFY,
// heard by every worker process) and every minute by a pg-boss schedule, for a statement that
// committed while no worker listened. Overlapping runs are safe: each batch claims the backlog
// row it works on (SKIP LOCKED) and skips tickets that already have a document.
import type { Db } from '../db/client.js'
import { drainSearchBacklog } from '../modules/search/search.backlog.js'
import { defineJob } from './job.js'
import { JOB_PAYLOADS } from './payloads.js'
import { QUEUES } from './queue.js'

export interface SearchBacklogDeps {
  db: Db
  /** A run stops after this long (half the job timeout): the next run goes on from there. */
  maxSeconds: number
}

export const searchBacklog = defineJob({
  queue: QUEUES.searchBacklog,
  payload: JOB_PAYLOADS[QUEUES.searchBacklog],
  async handle({ db, maxSeconds }: SearchBacklogDeps) {
    return { ticketNumbersCovered: await drainSearchBacklog(db, { maxSeconds }) }
  },
})
