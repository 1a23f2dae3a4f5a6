// Jobs in flight travel as logical jobs, not as pg-boss's tables: pg-boss creates its own schema
// on the target (its version may differ), and each job is sent again through it with the same id
// (so a workflow's memoised steps in workflow_steps still belong to it) and the retries it had
// left. A job that was running when the snapshot was taken is sent as queued: its effects after
// the snapshot are not in the dump, and its steps that are in the dump are skipped when it reruns.
import type PgBoss from 'pg-boss'
import type { ExecuteSql } from '../client.js'
import type { PortableJob } from './format.js'

export async function readJobsInFlight(run: ExecuteSql): Promise<PortableJob[]> {
  const { rows } = await run(`SELECT to_regclass('pgboss.job') IS NOT NULL AS present`)
  if (!rows[0]?.present) return []
  const { rows: jobs } = await run(`
    SELECT json_build_object(
      'id', id, 'name', name, 'data', data, 'state', state, 'priority', priority,
      'startAfter', CASE WHEN state = 'active' THEN NULL ELSE start_after END,
      'singletonKey', singleton_key,
      'retryLimit', greatest(retry_limit - retry_count, 0),
      'retryDelay', retry_delay, 'retryBackoff', retry_backoff,
      'expireInSeconds', ceil(extract(epoch FROM expire_in))::int,
      'deadLetter', dead_letter)::text AS job
    FROM pgboss.job WHERE state IN ('created', 'retry', 'active') ORDER BY created_on, id`)
  return jobs.map((row) => JSON.parse(String(row.job)) as PortableJob)
}

export async function resendJob(boss: PgBoss, run: ExecuteSql, job: PortableJob): Promise<void> {
  const id = await boss.send(job.name, job.data as object, {
    db: { executeSql: run },
    id: job.id,
    priority: job.priority,
    retryLimit: job.retryLimit,
    retryDelay: job.retryDelay,
    retryBackoff: job.retryBackoff,
    expireInSeconds: job.expireInSeconds,
    ...(job.startAfter ? { startAfter: new Date(job.startAfter) } : {}),
    ...(job.singletonKey ? { singletonKey: job.singletonKey } : {}),
    ...(job.deadLetter ? { deadLetter: job.deadLetter } : {}),
  })
  if (!id) throw new Error(`job ${job.id} (${job.name}) was not queued: pg-boss refused it`)
}
