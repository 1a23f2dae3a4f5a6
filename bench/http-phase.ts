// Step 3 and yardstick (a): the API's endpoints under autocannon, then a bare Fastify app under
// the same settings. Each server runs in a child process; autocannon runs in this one.
import type pg from 'pg'
import { startChild } from './child.js'
import { DATA, TICKET_BODY } from './config.js'
import { describeCores } from './cpu.js'
import { type Endpoint, type LoadResult, login, measure, preflight } from './http-load.js'
import { fmt, heading } from './report.js'
import type { Person } from './seed.js'
import { describeWaits } from './waits.js'

export interface HttpPhaseResult {
  api: LoadResult[]
  bare: LoadResult
  /** The POST's user's session token: the pgbench capture authenticates as the same user. */
  sessionToken: string
}

async function countTickets(client: pg.Client, where: string, params: unknown[]): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tickets WHERE ${where}`,
    params,
  )
  return rows[0]?.n ?? 0
}

async function endpoints(
  client: pg.Client,
  cookies: { heavy: string; typical: string; moderator: string },
  people: { heavyUser: Person; typicalUser: Person; busiestModerator: Person },
): Promise<Endpoint[]> {
  const mod = people.busiestModerator.id
  const status = (s: string) => countTickets(client, 'status = $1', [s])
  return [
    {
      label: 'GET /api/tickets (heaviest user)',
      method: 'GET',
      path: '/api/tickets',
      cookie: cookies.heavy,
      expectedTotal: await countTickets(client, 'created_by = $1', [people.heavyUser.id]),
    },
    {
      label: 'GET /api/tickets (median user)',
      method: 'GET',
      path: '/api/tickets',
      cookie: cookies.typical,
      expectedTotal: await countTickets(client, 'created_by = $1', [people.typicalUser.id]),
    },
    {
      label: 'GET /api/tickets/all?status=todo',
      method: 'GET',
      path: '/api/tickets/all?status=todo',
      cookie: cookies.moderator,
      expectedTotal: await status('todo'),
    },
    {
      label: 'GET /api/tickets/all?status=closed',
      method: 'GET',
      path: '/api/tickets/all?status=closed',
      cookie: cookies.moderator,
      expectedTotal: await status('closed'),
    },
    {
      label: 'GET /api/tickets/all?status=in_progress&assigned_to=<busiest mod>',
      method: 'GET',
      path: `/api/tickets/all?status=in_progress&assigned_to=${mod}`,
      cookie: cookies.moderator,
      expectedTotal: await countTickets(client, "status = 'in_progress' AND assigned_to = $1", [mod]),
    },
    // Last: it adds rows, and the GETs above should see the loaded data set as it was.
    {
      label: 'POST /api/tickets',
      method: 'POST',
      path: '/api/tickets',
      cookie: cookies.typical,
      body: TICKET_BODY,
    },
  ]
}

function printLoad(result: LoadResult): void {
  const failures = result.failures.length > 0 ? `  FAILURES: ${result.failures.join(', ')}` : ''
  console.log(
    `  ${result.endpoint.label}: ${fmt.int(result.requestsPerSecond)} req/s, p50 ${fmt.latency(result.p50)}, ` +
      `p99 ${fmt.latency(result.p99)}, ${fmt.int(result.ok)} × 2xx${failures}`,
  )
  console.log(`      cpu cores: ${describeCores(result.cores)}`)
  if (result.waits) console.log(`      db sessions (avg): ${describeWaits(result.waits)}`)
}

export async function runHttpPhase(
  databaseUrl: string,
  client: pg.Client,
  people: { heavyUser: Person; typicalUser: Person; busiestModerator: Person },
): Promise<HttpPhaseResult> {
  heading('Yardstick (a): bare Fastify, one GET route, same autocannon settings')
  const bareServer = await startChild('./bare-server.ts', {})
  let bare: LoadResult
  try {
    bare = await measure(bareServer, { label: 'GET / (bare Fastify)', method: 'GET', path: '/', cookie: '' })
    printLoad(bare)
  } finally {
    await bareServer.stop()
  }

  heading('API under load (server in a child process)')
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the API server over the whole load, written at exit.
  const profileDir = process.env.BENCH_CPU_PROF
  const server = await startChild(
    './app-server.ts',
    { BENCH_DATABASE_URL: databaseUrl },
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  )
  try {
    const cookies = {
      heavy: await login(server.url, people.heavyUser.email, DATA.password),
      typical: await login(server.url, people.typicalUser.email, DATA.password),
      moderator: await login(server.url, people.busiestModerator.email, DATA.password),
    }
    // BENCH_ENDPOINTS=<regex>: only the endpoints whose label matches (for iterating on one).
    const only = process.env.BENCH_ENDPOINTS ? new RegExp(process.env.BENCH_ENDPOINTS) : undefined
    const list = (await endpoints(client, cookies, people)).filter((e) => !only || only.test(e.label))
    console.log('preflight (one request each; list totals checked against SQL count(*)):')
    for (const endpoint of list) console.log(`  ${endpoint.label}: ${await preflight(server.url, endpoint)}`)
    console.log('load:')
    const api: LoadResult[] = []
    for (const endpoint of list) {
      const result = await measure(server, endpoint, databaseUrl)
      printLoad(result)
      api.push(result)
    }
    return { api, bare, sessionToken: cookies.typical.slice('sid='.length) }
  } finally {
    await server.stop()
  }
}
