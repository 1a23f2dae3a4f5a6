// Entry point: `npm start`. Opens the database, migrates, starts the job queue and (by default)
// the background workers, then listens.
import { buildApp } from './app.js'
import { createJobQueue } from './jobs/queue.js'
import { runWorkers } from './jobs/run-workers.js'
import type { Worker } from './jobs/worker.js'
import { createMetrics } from './metrics.js'
import { startInboundChannels } from './modules/inbound/channels.js'
import { ensureAdmin } from './modules/users/user.service.js'
import { openRuntime } from './runtime.js'

const { config, database, log } = await openRuntime()
const metrics = createMetrics(log)
const queue = createJobQueue(database, { jobTimeoutSeconds: config.jobs.timeoutSeconds, log })
await queue.start()
const app = await buildApp({ config, database, queue, metrics })

if (config.admin) {
  const created = await ensureAdmin(database.db, config.admin)
  if (created) app.log.info({ email: config.admin.email }, 'created the admin from ADMIN_EMAIL')
}

const inbound = await startInboundChannels({
  config,
  database,
  queue,
  log: app.log.child({ role: 'inbound' }),
})

let worker: Worker | undefined
if (config.worker === 'embedded') {
  worker = await runWorkers({ config, database, queue, metrics, log: app.log.child({ role: 'worker' }) })
}

let closing = false
async function shutdown(signal: string) {
  if (closing) return
  closing = true
  app.log.info({ signal }, 'shutting down: finishing in-flight requests and jobs')
  // Hard stop if something hangs: better a restart than a process that never exits.
  setTimeout(() => process.exit(1), 15_000).unref()
  try {
    await inbound.stop()
    await app.close()
    await worker?.stop()
    await queue.stop()
    await database.close()
    process.exit(0)
  } catch (error) {
    app.log.error({ err: error }, 'shutdown failed')
    process.exit(1)
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shutdown(signal))
}

await app.listen({ port: config.port, host: config.host })
const where = database.native.driver === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'
app.log.info(`Smart Ticket System on http://${config.host}:${config.port} (${where}); API docs at /docs`)
