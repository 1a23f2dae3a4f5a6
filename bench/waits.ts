// What the database sessions were doing during a measured run, sampled from pg_stat_activity:
// running, waiting on a row lock, waiting for the WAL flush, or holding a transaction open while
// the client (Node) does its part. Tells a CPU-bound run from a lock-bound one.
import pg from 'pg'

const SAMPLE_EVERY_MS = 100

// Sessions of the benchmark database other than the sampler's own. Idle sessions are counted
// only when they sit inside a transaction: an idle pool connection says nothing.
const SAMPLE = `
  SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction (client busy)'
              WHEN wait_event IS NULL THEN 'running'
              ELSE wait_event_type || ':' || wait_event END AS what,
         count(*)::int AS n
  FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
    AND state IN ('active', 'idle in transaction')
  GROUP BY 1`

export interface WaitProfile {
  /** Average number of sessions in each state over the samples, busiest first. */
  averages: [string, number][]
}

export async function startWaitSampling(databaseUrl: string): Promise<() => Promise<WaitProfile>> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  const totals = new Map<string, number>()
  let samples = 0
  let stopped = false
  let failure: unknown
  let pending: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    // One sample at a time: a slow sample delays the next instead of piling up.
    pending = pending.then(async () => {
      if (stopped || failure !== undefined) return
      try {
        const { rows } = await client.query<{ what: string; n: number }>(SAMPLE)
        samples += 1
        for (const { what, n } of rows) totals.set(what, (totals.get(what) ?? 0) + n)
      } catch (error) {
        failure = error
      }
    })
  }, SAMPLE_EVERY_MS)
  return async () => {
    stopped = true
    clearInterval(timer)
    await pending
    await client.end()
    if (failure !== undefined) throw failure
    const averages = [...totals.entries()]
      .map(([what, n]): [string, number] => [what, n / Math.max(samples, 1)])
      .sort((a, b) => b[1] - a[1])
    return { averages }
  }
}

export function describeWaits(profile: WaitProfile): string {
  const shown = profile.averages.filter(([, n]) => n >= 0.05)
  return shown.map(([what, n]) => `${what} ${n.toFixed(1)}`).join(', ') || 'no active sessions'
}
