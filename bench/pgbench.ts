// The database-side yardstick: pgbench replaying the statements POST /api/tickets sends, with no
// Node, HTTP or pool in between.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { CapturedQuery } from './capture.js'
import { PGBENCH, RESULTS_DIR } from './config.js'
import { benchPostgres, type Classifier, type CoreUsage } from './cpu.js'
import { whileSampling } from './sampling.js'
import type { WaitProfile } from './waits.js'

const run = promisify(execFile)

export interface PgbenchResult {
  /**
   * insert: the single-row yardstick; minimal: the least work a create must do (the POST target's
   * yardstick); request: everything one POST sends; diagnostic: a variant.
   */
  kind: 'insert' | 'minimal' | 'request' | 'diagnostic'
  label: string
  clients: number
  tps: number
  latencyMs: number
  failed: number
  cores: CoreUsage
  waits: WaitProfile | undefined
}

function pgbenchBinary(): string {
  const debianPath = '/usr/lib/postgresql/15/bin/pgbench'
  const onPath = (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, 'pgbench')))
  if (onPath) return 'pgbench'
  if (existsSync(debianPath)) return debianPath
  throw new Error('pgbench not found on PATH nor in /usr/lib/postgresql/15/bin')
}

/** A value as an SQL literal, the way node-postgres would have sent it as a parameter. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text =
    typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value)
  return `'${text.replaceAll("'", "''")}'`
}

/**
 * Turns captured statements into a pgbench script: parameters inlined as literals, except the
 * new ticket's id, which must be each transaction's own (the event's foreign key, pg-boss's
 * singleton key): the ticket insert stores its row with \gset and later statements use :t_id.
 */
export function toScript(queries: CapturedQuery[], ticketId?: string): string {
  return queries
    .map(({ sql, params }) => {
      const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
        const value = params[Number(n) - 1]
        return ticketId !== undefined && value === ticketId ? ':t_id' : literal(value)
      })
      const storesTicket = ticketId !== undefined && /^insert into "tickets"/i.test(sql)
      return storesTicket ? `${text} \\gset t_` : `${text};`
    })
    .join('\n')
}

function parse(output: string, pattern: RegExp): number {
  const match = pattern.exec(output)
  if (!match?.[1]) throw new Error(`pgbench output has no ${pattern}:\n${output}`)
  return Number(match[1])
}

export async function runPgbench(
  kind: PgbenchResult['kind'],
  label: string,
  script: string,
  clients: number,
  databaseUrl: string,
): Promise<PgbenchResult> {
  const file = join(
    RESULTS_DIR,
    `pgbench-${`${label}-c${clients}`.replaceAll(/[^a-z0-9]+/gi, '-').toLowerCase()}.sql`,
  )
  await mkdir(RESULTS_DIR, { recursive: true })
  await writeFile(file, `${script}\n`)
  // -M extended: node-postgres sends parameterised statements with the extended protocol too.
  const args = ['--no-vacuum', '-M', 'extended', '-c', String(clients), '-j', String(PGBENCH.threads)]
  args.push('-T', String(PGBENCH.durationSeconds), '-f', file, databaseUrl)
  const classify: Classifier = (proc) => (proc.comm === 'pgbench' ? 'pgbench' : benchPostgres(proc))
  const sampled = await whileSampling(classify, databaseUrl, () =>
    run(pgbenchBinary(), args, { maxBuffer: 16 * 1024 * 1024 }),
  )
  const { stdout } = sampled.value
  return {
    kind,
    label,
    clients,
    tps: parse(stdout, /^tps = ([\d.]+)/m),
    latencyMs: parse(stdout, /^latency average = ([\d.]+) ms/m),
    failed: parse(stdout, /^number of failed transactions: (\d+)/m),
    cores: sampled.cores,
    waits: sampled.waits,
  }
}
