// A worker running only the inbound-filing job, in the test's process: mail the SMTP listener or
// the mailbox accepted (`pending`) gets filed as the server's workers would file it.
import { inboundFiling } from '../../src/jobs/inbound-filing.js'
import { register, startWorker, type Worker } from '../../src/jobs/worker.js'
import { createMetrics } from '../../src/metrics.js'
import { createIntakeDeps } from '../../src/modules/inbound/channels.js'
import type { TestContext } from './app.js'

const silent = { debug() {}, info() {}, warn() {}, error() {} }

export function startFilingWorker(ctx: TestContext, concurrency = 2): Promise<Worker> {
  return startWorker({
    database: ctx.database,
    queue: ctx.queue,
    metrics: createMetrics(),
    log: silent,
    jobs: [
      register(inboundFiling, createIntakeDeps(ctx.config, ctx.database, ctx.queue), {
        concurrency,
        batchSize: 1,
      }),
    ],
  })
}
