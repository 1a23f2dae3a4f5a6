// One Prometheus registry per process: HTTP metrics (src/http/metrics.ts) and job metrics.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { defaultLogger, type Logger } from './logger.js'

export interface Metrics {
  registry: Registry
  jobsProcessed: Counter<'queue'>
  jobsFailed: Counter<'queue'>
  jobsRetried: Counter<'queue'>
  stepDuration: Histogram<'step'>
  /** Set by whoever can read queue sizes (the worker); read at scrape time. */
  setQueueDepthSource(read: () => Promise<Record<string, number>>): void
}

export function createMetrics(log: Logger = defaultLogger()): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  let readDepth: (() => Promise<Record<string, number>>) | undefined
  new Gauge({
    name: 'job_queue_depth',
    help: 'Jobs waiting in each queue (created or retry)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      if (!readDepth) return
      try {
        for (const [queue, depth] of Object.entries(await readDepth())) this.set({ queue }, depth)
      } catch (error) {
        // A scrape must not fail because the database is briefly away; the log still says so.
        log.warn({ err: error }, 'job_queue_depth: reading queue sizes failed')
      }
    },
  })
  return {
    registry,
    jobsProcessed: new Counter({
      name: 'jobs_processed_total',
      help: 'Jobs finished successfully',
      labelNames: ['queue'],
      registers: [registry],
    }),
    jobsFailed: new Counter({
      name: 'jobs_failed_total',
      help: 'Job attempts that failed (retried later, or failed for good)',
      labelNames: ['queue'],
      registers: [registry],
    }),
    jobsRetried: new Counter({
      name: 'jobs_retried_total',
      help: 'Job attempts that were retries of an earlier failed attempt',
      labelNames: ['queue'],
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: 'workflow_step_duration_seconds',
      help: 'Time per ticket-workflow step',
      labelNames: ['step'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    setQueueDepthSource(read) {
      readDepth = read
    },
  }
}
