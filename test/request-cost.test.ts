// Round trips per request (issue 9 §6): every statement a request sends costs the server and
// PostgreSQL CPU and a wait, so the hot endpoints' counts are pinned here. The figures themselves
// belong to `npm run bench`.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

/** The app's statements (the tables a request reads and writes), not pg-boss's own housekeeping. */
const APP_TABLES =
  /sessions|ticket_counts|tickets|ticket_events|sla_policies|pgboss\.job|pg_notify|^\s*(begin|commit)\s*$/i

type QueryFn = (...args: unknown[]) => unknown

function textOf(args: unknown[]): string {
  const first = args[0]
  if (typeof first === 'string') return first
  if (typeof first === 'object' && first !== null && 'text' in first && typeof first.text === 'string')
    return first.text
  return ''
}

/** Counts the app's statements sent while `work` runs, on either driver. */
async function statementsDuring(ctx: TestContext, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = []
  const record = (args: unknown[]) => {
    const text = textOf(args)
    if (APP_TABLES.test(text)) seen.push(text)
  }
  const native = ctx.database.native
  const target: Record<'query' | 'exec', QueryFn> =
    native.driver === 'pglite'
      ? (native.client as unknown as Record<'query' | 'exec', QueryFn>)
      : (pg.Client.prototype as unknown as Record<'query' | 'exec', QueryFn>)
  const originals = { query: target.query, exec: target.exec }
  for (const name of ['query', 'exec'] as const) {
    const original = originals[name]
    if (typeof original !== 'function') continue
    target[name] = function (this: unknown, ...args: unknown[]) {
      record(args)
      return original.apply(this, args)
    }
  }
  try {
    await work()
  } finally {
    target.query = originals.query
    if (originals.exec) target.exec = originals.exec
  }
  return seen
}

describe('statements per request', () => {
  let ctx: TestContext
  let user: TestUser
  let moderator: TestUser

  beforeAll(async () => {
    ctx = await createTestContext()
    user = await signedInUser(ctx, 'user')
    moderator = await signedInUser(ctx, 'moderator')
    for (let i = 0; i < 3; i++) await createTicket(ctx, user)
  })
  afterAll(() => ctx.close())

  it('GET /api/tickets/all: the session lookup, then total and page in one statement', async () => {
    // The SLA calendars (for business time left) are read at most once per 5 s per process: the
    // first list after that reads them (one small SELECT of sla_policies), the others do not.
    const cold = await statementsDuring(ctx, () =>
      call(ctx, moderator, 'GET', '/api/tickets/all?status=todo'),
    )
    expect(cold.filter((text) => /sla_policies/.test(text))).toHaveLength(1)
    const sent = await statementsDuring(ctx, async () => {
      const { status, body } = await call(ctx, moderator, 'GET', '/api/tickets/all?status=todo')
      expect(status).toBe(200)
      expect(body.meta?.total).toBe(3)
      expect(body.data).toHaveLength(3)
    })
    expect(sent).toHaveLength(2)
  })

  it('GET /api/tickets (own): the session lookup, then total and page in one statement', async () => {
    const sent = await statementsDuring(ctx, async () => {
      const { status, body } = await call(ctx, user, 'GET', '/api/tickets?page=2&limit=2')
      expect(status).toBe(200)
      expect(body.meta?.total).toBe(3)
      expect(body.data).toHaveLength(1)
    })
    expect(sent).toHaveLength(2)
  })

  it('a page past the end still answers the exact total', async () => {
    const { body } = await call(ctx, moderator, 'GET', '/api/tickets/all?page=50')
    expect(body.data).toEqual([])
    expect(body.meta?.total).toBe(3)
  })

  // PGlite runs a transaction's statements on its own object, out of this counter's sight.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'POST /api/tickets: session lookup, BEGIN, SLA policies, ticket with its due times, history row, job insert with its NOTIFY, COMMIT',
    async () => {
      const sent = await statementsDuring(ctx, () => createTicket(ctx, user))
      expect(sent.map((text) => text.trim().split(/\s+/)[0]?.toUpperCase())).toEqual([
        'SELECT',
        'BEGIN',
        // The SLA policies (a handful of rows) with the transaction's now(): the due times are
        // computed in business time and go in with the ticket.
        'SELECT',
        'INSERT',
        'INSERT',
        'WITH',
        'COMMIT',
      ])
    },
  )
})
