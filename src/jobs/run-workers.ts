// Wires the job definitions to their dependencies: used by the server (WORKER=embedded) and by
// `npm run worker`.
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { listen } from '../db/listen.js'
import type { Metrics } from '../metrics.js'
import { createIntakeDeps } from '../modules/inbound/channels.js'
import { createMailer } from '../modules/notifications/mailer.js'
import { messageIdDomain } from '../modules/notifications/message-ids.js'
import { createNotifier } from '../modules/notifications/notifier.js'
import { SEARCH_BACKLOG_CHANNEL } from '../modules/search/search.backlog.js'
import { createLocalProvider } from '../modules/triage/local/local-provider.js'
import { createTriageProvider } from '../modules/triage/provider.js'
import { cachedCatalog } from '../modules/triage/triage.service.js'
import { emailDelivery } from './email-delivery.js'
import { housekeeping } from './housekeeping.js'
import { inboundFiling } from './inbound-filing.js'
import { type JobQueue, QUEUES } from './queue.js'
import { searchBacklog } from './search-backlog.js'
import { slaEscalation } from './sla-escalation.js'
import { ticketReassignment } from './ticket-reassignment.js'
import { ticketWorkflow } from './ticket-workflow.js'
import { register, startWorker, type Worker, type WorkerLogger } from './worker.js'

export async function runWorkers(options: {
  config: Config
  database: Database
  queue: JobQueue
  metrics: Metrics
  log: WorkerLogger
}): Promise<Worker> {
  const { config, database, queue, metrics, log } = options
  const triage = createTriageProvider(config.ai, createLocalProvider)
  const notifier = createNotifier({
    queue,
    appUrl: config.appUrl,
    smtpEnabled: config.mail.smtpUrl !== undefined,
    messageDomain: messageIdDomain(config),
  })
  const mailer = config.mail.smtpUrl
    ? createMailer(config.mail.smtpUrl, config.mail.from, { replyTo: config.inbound.address })
    : undefined
  const onStepTiming = (step: string, seconds: number) => metrics.stepDuration.observe({ step }, seconds)
  const worker = await startWorker({
    database,
    queue,
    metrics,
    log,
    jobs: [
      register(
        ticketWorkflow,
        {
          db: database.db,
          triage,
          notifier,
          catalog: cachedCatalog(database.db),
          onStepTiming,
          asyncCommit: database.asyncCommit,
          log,
        },
        // An in-process workflow takes milliseconds: fetch its jobs four at a time. A remote AI
        // call takes seconds, and a batch would wait for its slowest job: one at a time.
        { concurrency: config.jobs.concurrency, batchSize: triage.inProcess ? 4 : 1 },
      ),
      // Mail the SMTP listener and the mailbox accepted: filing takes milliseconds, so fetched
      // four at a time, like the in-process workflow. Twice the workflow's concurrency: in a
      // burst of mail the two share the CPU, and filing (the ticket, its acknowledgement) comes
      // first; each filed message's analysis follows.
      register(inboundFiling, createIntakeDeps(config, database, queue), {
        concurrency: 2 * config.jobs.concurrency,
        batchSize: 4,
      }),
      register(emailDelivery, { db: database.db, mailer }, { concurrency: 2 }),
      register(ticketReassignment, { db: database.db, notifier }, { concurrency: 2 }),
      register(
        housekeeping,
        {
          db: database.db,
          stepRetentionDays: config.jobs.stepRetentionDays,
          autoCloseDays: config.jobs.autoCloseDays,
          notifier,
        },
        { concurrency: 1 },
      ),
      register(slaEscalation, { db: database.db, notifier }, { concurrency: 1 }),
      register(
        searchBacklog,
        { db: database.db, maxSeconds: Math.max(1, Math.floor(config.jobs.timeoutSeconds / 2)) },
        { concurrency: 1 },
      ),
    ],
  })
  // A bulk statement's commit announces its backlog: index it now rather than at the next minute.
  // Every worker process enqueues a job; their runs share the batches (each claims its range).
  const stopBacklogListener = await listen(
    database,
    SEARCH_BACKLOG_CHANNEL,
    () => {
      queue
        .enqueue(database.db, QUEUES.searchBacklog, {})
        .catch((error: unknown) => log.error({ err: error }, 'could not enqueue the search backlog job'))
    },
    log,
  )
  log.info(
    { provider: triage.name, concurrency: config.jobs.concurrency, smtp: Boolean(mailer) },
    'job workers started',
  )
  return {
    async stop() {
      await stopBacklogListener()
      await worker.stop()
      mailer?.close()
    },
  }
}
