// Entry point: `npm run worker`. Runs background jobs only (pair with WORKER=off on the servers).
// Start several on one PostgreSQL to share the work.
import pino from 'pino'
import { createJobQueue } from './jobs/queue.js'
import { runWorkers } from './jobs/run-workers.js'
import { createMetrics } from './metrics.js'
import { openRuntime } from './runtime.js'

// A worker-only process: its statements are a small fixed set (prepared), and every transaction it
// commits is followed by pg-boss's synchronous completion of the job (so it need not wait itself).
const { config, database } = await openRuntime(process.env, { preparedStatements: true, asyncCommit: true })
const log = pino({ level: config.logLevel, base: { role: 'worker', pid: process.pid } })
const queue = createJobQueue(database, { jobTimeoutSeconds: config.jobs.timeoutSeconds, log })
await queue.start()
const worker = await runWorkers({ config, database, queue, metrics: createMetrics(log), log })

let closing = false
async function shutdown(signal: string) {
  if (closing) return
  closing = true
  log.info({ signal }, 'worker shutting down: finishing the jobs in hand')
  setTimeout(() => process.exit(1), 15_000).unref()
  try {
    await worker.stop()
    await queue.stop()
    await database.close()
    process.exit(0)
  } catch (error) {
    log.error({ err: error }, 'shutdown failed')
    process.exit(1)
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal))
