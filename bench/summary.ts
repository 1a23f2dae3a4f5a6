// The closing table: every HTTP figure next to the yardstick it should be read against.
import { LOAD } from './config.js'
import type { LoadResult } from './http-load.js'
import type { HttpPhaseResult } from './http-phase.js'
import type { PgbenchResult } from './pgbench.js'
import { fmt, heading, table } from './report.js'

const cores = (used: Record<string, number>, group: string) => (used[group] ?? 0).toFixed(2)

function row(result: LoadResult, versus: string): string[] {
  return [
    result.endpoint.label,
    fmt.int(result.requestsPerSecond),
    fmt.latency(result.p50),
    fmt.latency(result.p99),
    fmt.int(result.ok),
    result.failures.join(', ') || 'none',
    `${cores(result.cores, 'server')} / ${cores(result.cores, 'postgres')} / ${cores(result.cores, 'other')}`,
    // CPU time per request, where the time goes: Node's share and the database's.
    fmt.ms(((result.cores.server ?? 0) * 1000) / result.requestsPerSecond),
    fmt.ms(((result.cores.postgres ?? 0) * 1000) / result.requestsPerSecond),
    versus,
  ]
}

export function printSummary(http: HttpPhaseResult, pgbench: PgbenchResult[]): void {
  heading('Summary')
  const yardsticks = pgbench.filter((p) => p.kind !== 'diagnostic')
  const bareRps = http.bare.requestsPerSecond
  const rows = http.api.map((result) => {
    if (result.endpoint.method === 'GET') {
      return row(result, `${fmt.ratio(result.requestsPerSecond / bareRps)} bare Fastify`)
    }
    const parts = yardsticks.map(
      (p) => `${fmt.ratio(result.requestsPerSecond / p.tps)} pgbench ${p.label} c=${p.clients}`,
    )
    return row(result, parts.join('; '))
  })
  rows.push(row(http.bare, 'yardstick'))
  table(
    [
      'endpoint',
      'req/s',
      'p50',
      'p99',
      '2xx',
      'non-2xx/errors',
      'cores srv/pg/other',
      'srv cpu/req',
      'pg cpu/req',
      'vs yardstick',
    ],
    rows,
  )
  console.log(
    `(autocannon: ${LOAD.connections} connections, ${LOAD.durationSeconds} s; req/s is autocannon's mean of per-second samples;` +
      ` latency has 1 ms resolution; "other" = CPU used by processes outside the benchmark)`,
  )
  console.log('\npgbench (yardsticks, then diagnostics):')
  table(
    ['script', 'clients', 'tps', 'latency avg', 'failed', 'cores pgbench/pg/other'],
    pgbench.map((p) => [
      p.label,
      String(p.clients),
      fmt.int(p.tps),
      fmt.ms(p.latencyMs),
      String(p.failed),
      `${cores(p.cores, 'pgbench')} / ${cores(p.cores, 'postgres')} / ${cores(p.cores, 'other')}`,
    ]),
  )
}
