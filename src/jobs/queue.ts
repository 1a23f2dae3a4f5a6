// pg-boss on the app's own database. Jobs are inserted through the caller's transaction, so a
// ticket and the job that processes it commit together or not at all.
import PgBoss from 'pg-boss'
import { type Database, type DbOrTx, executeSqlIn } from '../db/client.js'

export const TICKET_WORKFLOW_QUEUE = 'ticket-workflow'

export interface JobQueue {
  readonly boss: PgBoss
  start(): Promise<void>
  stop(): Promise<void>
  /** Enqueues the ticket's background workflow inside `tx`. */
  enqueueTicketWorkflow(tx: DbOrTx, ticketId: string): Promise<void>
}

export function createJobQueue(database: Database): JobQueue {
  const boss =
    database.native.driver === 'postgres'
      ? new PgBoss({ connectionString: database.native.url, max: 4 })
      : new PgBoss({ db: { executeSql: database.executeSql } })
  // pg-boss reports background errors (a lost connection, a failed maintenance run) as events;
  // unhandled they would crash the process.
  boss.on('error', (error) => console.error('[pg-boss]', error))

  return {
    boss,
    async start() {
      await boss.start()
      await boss.createQueue(TICKET_WORKFLOW_QUEUE, {
        name: TICKET_WORKFLOW_QUEUE,
        retryLimit: 5,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: 300,
      })
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 })
    },
    async enqueueTicketWorkflow(tx, ticketId) {
      // singletonKey: one live workflow per ticket, however often this is called.
      await boss.send(
        TICKET_WORKFLOW_QUEUE,
        { ticketId },
        { db: { executeSql: executeSqlIn(tx) }, singletonKey: ticketId },
      )
    },
  }
}
