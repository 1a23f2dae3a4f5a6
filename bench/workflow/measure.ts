// The two workflow figures: create → done latency at a steady arrival rate, and how fast workers
// drain a backlog.
import type { ApiClient } from './client.js'
import type { DoneWatcher } from './done-watcher.js'
import { ticketTexts } from './fixtures.js'

export interface LatencyResult {
  tickets: number
  p50: number
  p90: number
  p99: number
  max: number
  failed: number
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

let textIndex = 0
const nextText = () =>
  ticketTexts[textIndex++ % ticketTexts.length] ?? { title: 'Printer jam', description: 'Paper jams.' }

/** Files `count` tickets at `perSecond` (open loop) and measures POST-start → processing done. */
export async function measureLatency(
  client: ApiClient,
  watcher: DoneWatcher,
  count: number,
  perSecond: number,
): Promise<LatencyResult> {
  const startedAt = new Map<string, number>()
  const started = performance.now()
  const creations: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const at = performance.now()
    creations.push(client.createTicket(nextText()).then((id) => void startedAt.set(id, at)))
  }
  await Promise.all(creations)
  const ids = [...startedAt.keys()]
  await watcher.waitFor(ids, 120_000)
  const latencies = ids
    .map((id) => (watcher.finishedAt.get(id) ?? 0) - (startedAt.get(id) ?? 0))
    .sort((a, b) => a - b)
  return {
    tickets: ids.length,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    failed: ids.filter((id) => watcher.failed.has(id)).length,
  }
}

export interface ThroughputResult {
  tickets: number
  seconds: number
  perSecond: number
}

/** Times the workers draining `ids`: from the first ticket done to the last. */
async function drainRate(watcher: DoneWatcher, ids: string[]): Promise<ThroughputResult> {
  await watcher.waitFor(ids, 600_000)
  const finished = ids.map((id) => watcher.finishedAt.get(id) ?? 0)
  const seconds = (Math.max(...finished) - Math.min(...finished)) / 1000
  return { tickets: ids.length, seconds, perSecond: (ids.length - 1) / seconds }
}

/**
 * Cold: files `count` tickets through the API with no worker running, then starts the workers
 * and times the drain (not counting start-up, but counting the JIT's warm-up in fresh processes).
 */
export async function measureColdDrain(
  client: ApiClient,
  watcher: DoneWatcher,
  count: number,
  startWorkers: () => Promise<void>,
): Promise<ThroughputResult> {
  const ids: string[] = []
  const concurrency = 16
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1
        ids.push(await client.createTicket(nextText()))
      }
    }),
  )
  await startWorkers()
  return drainRate(watcher, ids)
}

/**
 * Warm: the workers have been running (the latency run); `fileAtOnce` commits a burst of
 * tickets in one transaction, and the drain of that burst is timed: the steady-state rate.
 */
export async function measureWarmDrain(
  watcher: DoneWatcher,
  count: number,
  fileAtOnce: (texts: { title: string; description: string }[]) => Promise<string[]>,
  onFiled: () => void = () => {},
): Promise<ThroughputResult> {
  const ids = await fileAtOnce(Array.from({ length: count }, nextText))
  onFiled()
  return drainRate(watcher, ids)
}
