// EXPLAIN (ANALYZE, BUFFERS) of every query the two list endpoints run, for each filter shape.
// The SQL is captured from the app's own service functions (capture.ts), parameters included.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type pg from 'pg'
import type { Db } from '../src/db/client.js'
import type { TicketListInput } from '../src/modules/tickets/ticket.schemas.js'
import { listAllTickets, listOwnTickets } from '../src/modules/tickets/ticket.service.js'
import { type CapturedQuery, openCapturingDb } from './capture.js'
import { DATA, RESULTS_DIR } from './config.js'
import { withClient } from './db-admin.js'
import { executionMsOf, planFlags, rootOf, ticketAccess } from './plan.js'

export interface ExplainPeople {
  heavyUser: { id: string; email: string }
  typicalUser: { id: string; email: string }
  moderator: { id: string; email: string }
}

export interface ExplainResult {
  endpoint: string
  captured: CapturedQuery
  /** Which of the endpoint's queries: its total or its page. */
  query: string
  topLine: string
  access: string
  executionMs: number
  flags: string[]
}

interface Case {
  endpoint: string
  run: (db: Db) => Promise<unknown>
}

/** The request as a reader would type it; the moderator's UUID shows as <mod> to keep tables narrow. */
function requestLine(path: string, query: TicketListInput, moderatorId: string, who?: string): string {
  const search = Object.entries(query)
    .map(([key, value]) => `${key}=${value === moderatorId ? '<mod>' : String(value)}`)
    .join('&')
  return `GET ${path}${search ? `?${search}` : ''}${who ? ` (${who})` : ''}`
}

function cases({ heavyUser, typicalUser, moderator }: ExplainPeople): Case[] {
  const mod = moderator.id
  const own = (user: { id: string }, who: string, query: TicketListInput): Case => ({
    endpoint: requestLine('/api/tickets', query, mod, who),
    run: (db) => listOwnTickets(db, { id: user.id, role: 'user' }, query),
  })
  const all = (query: TicketListInput): Case => ({
    endpoint: requestLine('/api/tickets/all', query, mod),
    run: (db) => listAllTickets(db, query),
  })
  return [
    own(heavyUser, 'heaviest user', {}),
    own(heavyUser, 'heaviest user', { page: 500 }),
    own(heavyUser, 'heaviest user', { status: 'todo' }),
    own(heavyUser, 'heaviest user', { priority: 'high' }),
    own(typicalUser, 'median user', {}),
    all({}),
    all({ status: 'todo' }),
    all({ status: 'closed' }),
    all({ status: 'cancelled' }),
    all({ priority: 'low' }),
    all({ assigned_to: mod }),
    all({ assigned_to: mod, status: 'in_progress' }),
    all({ assigned_to: 'unassigned' }),
    all({ page: 500 }),
    all({ status: 'closed', page: 500 }),
    all({ priority: 'low', page: 500 }),
    all({ assigned_to: mod, page: 500 }),
  ]
}

function queryName(sql: string): string {
  if (sql.includes('"ticket_counts"')) return 'total (ticket_counts)'
  if (sql.includes('count(*)')) return 'total (count)'
  return 'page'
}

/**
 * One query's plan, twice: JSON for planFlags/ticketAccess, text for people. The time reported
 * is the faster of the two runs, which damps noise from other work on the machine.
 */
export async function explainOne(client: pg.Client, { sql, params }: CapturedQuery) {
  const json = await client.query<{ 'QUERY PLAN': unknown }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
    params,
  )
  const explainJson = json.rows[0]?.['QUERY PLAN']
  const root = rootOf(explainJson)
  const text = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)
  const plan = text.rows.map((r) => r['QUERY PLAN']).join('\n')
  const textMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN)
  return { root, plan, executionMs: Math.min(textMs, executionMsOf(explainJson)) }
}

export async function explainListQueries(
  databaseUrl: string,
  people: ExplainPeople,
): Promise<ExplainResult[]> {
  const capturing = openCapturingDb(databaseUrl)
  const results: ExplainResult[] = []
  const file: string[] = [
    `EXPLAIN (ANALYZE, BUFFERS) of the ticket list queries at ${DATA.tickets.toLocaleString('en-US')} tickets`,
    `Captured from src/modules/tickets/ticket.service.ts via drizzle's logger; ${new Date().toISOString()}`,
    `<mod> in assigned_to: ${people.moderator.email} (${people.moderator.id}), the busiest moderator`,
  ]
  try {
    await withClient(databaseUrl, async (client) => {
      for (const { endpoint, run } of cases(people)) {
        // Running the endpoint's code once captures its statements (and warms the cache the way
        // a live server's would be).
        await run(capturing.db)
        for (const captured of capturing.take()) {
          const { root, plan, executionMs } = await explainOne(client, captured)
          const query = queryName(captured.sql)
          const flags = planFlags(root, executionMs)
          results.push({
            endpoint,
            captured,
            query,
            topLine: plan.split('\n')[0] ?? '',
            access: ticketAccess(root),
            executionMs,
            flags,
          })
          file.push(
            '',
            '='.repeat(100),
            `${endpoint} — ${query}`,
            `flags: ${flags.join('; ') || 'none'}`,
            `SQL: ${captured.sql}`,
            `params: ${JSON.stringify(captured.params)}`,
            '',
            plan,
          )
        }
      }
    })
  } finally {
    await capturing.close()
  }
  await mkdir(RESULTS_DIR, { recursive: true })
  await writeFile(join(RESULTS_DIR, 'explain.txt'), `${file.join('\n')}\n`)
  return results
}
