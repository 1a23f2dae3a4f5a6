// Child process: the real app on the benchmark database, wired as src/server.ts wires it
// (queue started, default pool size), minus logging and the auth rate limit.
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { createJobQueue } from '../src/jobs/queue.js'
import { serveOverIpc } from './ipc.js'

const databaseUrl = process.env.BENCH_DATABASE_URL
if (!databaseUrl) throw new Error('BENCH_DATABASE_URL is not set')

const config = loadConfig({
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'silent',
  // The benchmark signs in a handful of users; the limiter must not be what it measures.
  AUTH_RATE_LIMIT: '1000000',
  // It files many tickets (and comments) as a few users: the per-user limits must not be measured either.
  TICKET_RATE_LIMIT: '1000000',
  COMMENT_RATE_LIMIT: '1000000',
  // No background worker: job processing would compete with the measured requests for CPU.
  WORKER: 'off',
  COOKIE_SECURE: 'false',
})
const database = await openDatabase({ databaseUrl, dataDir: '' })
const queue = createJobQueue(database, { jobTimeoutSeconds: config.jobs.timeoutSeconds })
await queue.start()
const app = await buildApp({ config, database, queue, logger: false })

await serveOverIpc(app, async () => {
  await app.close()
  await queue.stop()
  await database.close()
})
