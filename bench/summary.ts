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

/** Issue 9 §6: what a request may cost at 1M tickets, 32 connections. */
export const TARGETS = {
  /** GET /api/tickets/all: p99 under this many ms. */
  allListP99Ms: 20,
  /** POST /api/tickets: at least this share of pgbench's minimal create transaction. */
  createVsMinimal: 0.5,
}

function printTargets(http: HttpPhaseResult, pgbench: PgbenchResult[]): void {
  heading('Targets (issue 9 §6)')
  const rows: string[][] = []
  for (const result of http.api) {
    if (result.endpoint.method === 'GET' && result.endpoint.path.startsWith('/api/tickets/all')) {
      rows.push([
        result.endpoint.label,
        `p99 ${fmt.latency(result.p99)} (p50 ${fmt.latency(result.p50)}, ${fmt.int(result.requestsPerSecond)} req/s)`,
        `p99 < ${TARGETS.allListP99Ms} ms`,
        result.p99 < TARGETS.allListP99Ms && result.failures.length === 0 ? 'met' : 'MISSED',
      ])
    }
  }
  const minimal = pgbench.find((p) => p.kind === 'minimal')
  for (const result of http.api.filter((r) => r.endpoint.method === 'POST')) {
    if (!minimal) continue
    const ratio = result.requestsPerSecond / minimal.tps
    rows.push([
      result.endpoint.label,
      `${fmt.int(result.requestsPerSecond)} req/s = ${fmt.ratio(ratio)} pgbench minimal create c=${minimal.clients} (${fmt.int(minimal.tps)} tps)`,
      `≥ ${fmt.ratio(TARGETS.createVsMinimal)}`,
      ratio >= TARGETS.createVsMinimal && result.failures.length === 0 ? 'met' : 'MISSED',
    ])
  }
  table(['endpoint', 'measured', 'target', ''], rows)
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
  printTargets(http, pgbench)
}
