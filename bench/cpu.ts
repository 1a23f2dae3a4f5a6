// Who used the CPU during a measured run. On a 2-core machine the load generator, the server and
// PostgreSQL compete for the same cores, and so does anything else running on the box (other
// people's builds and tests): a figure means little without knowing how much CPU it really got.
import { readdirSync, readFileSync } from 'node:fs'
import { BENCH_DB } from './config.js'

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s on every mainstream architecture. */
const TICKS_PER_SECOND = 100
/**
 * Processes are read every so often, not just at the ends: pgbench and its PostgreSQL backends
 * exit before the run's last reading, and a process's time can only be read while it exists.
 */
const SAMPLE_EVERY_MS = 250

/** Cores used per group over the measurement, and by everything else busy (`other`). */
export type CoreUsage = Record<string, number> & { other: number }

export interface ProcessInfo {
  pid: number
  /** The executable's name (/proc/<pid>/stat): 'postgres', 'pgbench', 'node', … */
  comm: string
  /** The full command line; PostgreSQL backends show their database in it. Read on demand. */
  cmdline(): string
}

/** Decides which group a process belongs to; undefined = not tracked (counted in `other`). */
export type Classifier = (process: ProcessInfo) => string | undefined

// PostgreSQL's server-wide helpers: their work (WAL writing, checkpoints) is mostly the heaviest
// writer's, which during a write run is the benchmark.
const POSTGRES_SHARED =
  /^postgres: \S+: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|archiver)/

/**
 * 'postgres' for `database`'s backends and the server's shared helpers. Backends of other
 * databases (someone's test run on the same server) stay in `other`.
 */
export const postgresOf =
  (database: string) =>
  ({ comm, cmdline }: Pick<ProcessInfo, 'comm' | 'cmdline'>): 'postgres' | undefined => {
    if (comm !== 'postgres') return undefined
    const line = cmdline()
    const isOurs = line.includes(` ${database} `) || line.endsWith(` ${database}`)
    const isPostmaster = line.startsWith('/')
    return isOurs || isPostmaster || POSTGRES_SHARED.test(line) ? 'postgres' : undefined
  }

/** The main benchmark database's PostgreSQL processes. */
export const benchPostgres = postgresOf(BENCH_DB)

function readMachineBusy(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields
  return user + nice + system + irq + softirq + steal
}

/** CPU ticks so far of every process `classify` puts in a group, by pid. */
function readProcesses(classify: Classifier): Map<number, { group: string; ticks: number }> {
  const found = new Map<number, { group: string; ticks: number }>()
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // exited while we looked
    }
    // "pid (comm) state ppid …": comm may contain spaces, so split after the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const cmdline = () => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
      } catch {
        return ''
      }
    }
    const group = classify({ pid, comm, cmdline })
    if (group === undefined) continue
    // utime and stime are fields 14 and 15 of the line, 12th and 13th after "pid (comm) ".
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    found.set(pid, { group, ticks: Number(rest[11]) + Number(rest[12]) })
  }
  return found
}

/**
 * Starts measuring; the returned function ends the measurement and gives the cores each group
 * used, plus `other`: the rest of the machine's busy time. A tracked process loses at most its
 * last quarter second (after the last reading), which lands in `other`.
 */
export function startCpuMeasurement(classify: Classifier): () => CoreUsage {
  const started = process.hrtime.bigint()
  const machineBefore = readMachineBusy()
  let last = readProcesses(classify)
  const used = new Map<string, number>()
  const read = () => {
    const now = readProcesses(classify)
    for (const [pid, { group, ticks }] of now) {
      // A pid not seen before started during the measurement: all its time counts.
      const delta = ticks - (last.get(pid)?.ticks ?? 0)
      used.set(group, (used.get(group) ?? 0) + delta)
    }
    last = now
  }
  const timer = setInterval(read, SAMPLE_EVERY_MS)
  return () => {
    clearInterval(timer)
    read()
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds
    const groups: Record<string, number> = {}
    let tracked = 0
    for (const [group, ticks] of used) {
      tracked += ticks
      groups[group] = cores(ticks)
    }
    return { ...groups, other: Math.max(0, cores(readMachineBusy() - machineBefore - tracked)) }
  }
}

export function describeCores(cores: CoreUsage): string {
  return Object.entries(cores)
    .map(([group, n]) => `${group} ${n.toFixed(2)}`)
    .join(', ')
}
