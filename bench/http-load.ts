// HTTP side: sign in, check an endpoint answers correctly, then load it with autocannon while
// sampling who used the CPU and what the database sessions waited on.
import autocannon from 'autocannon'
import type { ChildServer } from './child.js'
import { LOAD } from './config.js'
import { benchPostgres, type Classifier, type CoreUsage } from './cpu.js'
import { whileSampling } from './sampling.js'
import type { WaitProfile } from './waits.js'

export interface Endpoint {
  label: string
  method: 'GET' | 'POST'
  path: string
  cookie: string
  body?: unknown
  /** For lists: the row count SQL says the filter matches; meta.total must agree. */
  expectedTotal?: number
  /** Concurrent connections (default LOAD.connections). */
  connections?: number
  /** Paths the requests take in turn (e.g. comments spread over many tickets); `path` is the preflight's. */
  paths?: string[]
}

export interface LoadResult {
  endpoint: Endpoint
  requestsPerSecond: number
  p50: number
  p99: number
  ok: number
  /** Non-2xx answers, errors and timeouts: any of these makes the figure suspect. */
  failures: string[]
  /** Cores used during the run by server, autocannon, postgres and everything else (cpu.ts). */
  cores: CoreUsage
  waits: WaitProfile | undefined
}

export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (response.status !== 200)
    throw new Error(`login as ${email}: ${response.status} ${await response.text()}`)
  const sid = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('sid='))
  if (!sid) throw new Error(`login as ${email}: no sid cookie`)
  return sid
}

function requestInit(endpoint: Endpoint): {
  method: Endpoint['method']
  headers: Record<string, string>
  body?: string
} {
  const headers: Record<string, string> = { cookie: endpoint.cookie }
  if (endpoint.body === undefined) return { method: endpoint.method, headers }
  headers['content-type'] = 'application/json'
  return { method: endpoint.method, headers, body: JSON.stringify(endpoint.body) }
}

function isPage(value: unknown): value is { data: unknown[]; meta: { total: number } } {
  if (typeof value !== 'object' || value === null || !('data' in value) || !('meta' in value)) return false
  const { data, meta } = value
  return (
    Array.isArray(data) &&
    typeof meta === 'object' &&
    meta !== null &&
    'total' in meta &&
    typeof meta.total === 'number'
  )
}

/** One request before the load: a 2xx, and for lists a full page and the right total. Returns a one-line summary. */
export async function preflight(baseUrl: string, endpoint: Endpoint): Promise<string> {
  const response = await fetch(`${baseUrl}${endpoint.path}`, requestInit(endpoint))
  const body: unknown = await response.json()
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${endpoint.label}: ${response.status} ${JSON.stringify(body)}`)
  }
  if (endpoint.expectedTotal === undefined) return `${response.status}`
  if (!isPage(body)) throw new Error(`${endpoint.label}: not a page: ${JSON.stringify(body).slice(0, 200)}`)
  if (body.meta.total !== endpoint.expectedTotal) {
    throw new Error(`${endpoint.label}: meta.total ${body.meta.total}, SQL count ${endpoint.expectedTotal}`)
  }
  return `${response.status}, ${body.data.length} rows of ${body.meta.total.toLocaleString('en-US')}`
}

function failuresOf(result: autocannon.Result): string[] {
  const failures = Object.entries(result.statusCodeStats)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${count}× HTTP ${code}`)
  if (result.errors > 0) failures.push(`${result.errors} errors (${result.timeouts} timeouts)`)
  return failures
}

/** The processes a run involves; everything else busy on the machine is `other`. */
function loadClassifier(server: ChildServer): Classifier {
  return (proc) => {
    if (proc.pid === server.pid) return 'server'
    if (proc.pid === process.pid) return 'autocannon'
    return benchPostgres(proc)
  }
}

/** Warm-up, then the measured run; `databaseUrl` adds a pg_stat_activity profile of the run. */
export async function measure(
  server: ChildServer,
  endpoint: Endpoint,
  databaseUrl?: string,
): Promise<LoadResult> {
  let turn = 0
  const paths = endpoint.paths
  const options = {
    url: `${server.url}${endpoint.path}`,
    connections: endpoint.connections ?? LOAD.connections,
    ...requestInit(endpoint),
    ...(paths && paths.length > 0
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => {
                turn += 1
                return { ...request, path: paths[turn % paths.length] ?? endpoint.path }
              },
            },
          ],
        }
      : {}),
  }
  await autocannon({ ...options, duration: LOAD.warmupSeconds })

  const {
    value: result,
    cores,
    waits,
  } = await whileSampling(loadClassifier(server), databaseUrl, () =>
    autocannon({ ...options, duration: LOAD.durationSeconds }),
  )

  return {
    endpoint,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failures: failuresOf(result),
    cores,
    waits,
  }
}
