// The search backlog (migration 0024): a statement filing more than 500 tickets leaves their
// documents to the search-backlog job; smaller ones index at once. Counts stay exact either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen } from '../src/db/listen.js'
import { runWorkers } from '../src/jobs/run-workers.js'
import { searchBacklog } from '../src/jobs/search-backlog.js'
import { createMetrics } from '../src/metrics.js'
import { backlogSize, SEARCH_BACKLOG_CHANNEL } from '../src/modules/search/search.backlog.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'

let ctx: TestContext
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

async function query<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await ctx.database.executeSql(text, values)).rows as T[]
}

/** One INSERT statement filing `n` tickets whose titles hold `word` and their ordinal. */
async function fileInOneStatement(n: number, word: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    `INSERT INTO tickets (title, description, status, priority, created_by)
     SELECT $2 || ' ticket ' || g, 'Imported ' || $2 || ' record ' || md5(g::text),
            CASE WHEN g % 2 = 0 THEN 'resolved' ELSE 'todo' END, 'medium', $3
     FROM generate_series(1, $1::int) AS g
     RETURNING id`,
    [n, word, admin.id],
  )
  return rows.map((r) => r.id)
}

async function indexed(ids: string[]): Promise<number> {
  const [row] = await query<{ n: number }>(
    'SELECT count(*)::int AS n FROM ticket_search WHERE ticket_id = ANY($1::uuid[])',
    [ids],
  )
  return Number(row?.n)
}

async function searchTotal(q: string): Promise<number> {
  const { status, body } = await call(ctx, admin, 'GET', `/api/tickets/search?q=${encodeURIComponent(q)}`)
  expect(status).toBe(200)
  return Number((body.meta as { total: number }).total)
}

/** The job's handler, as a worker runs it; answers what it reports. */
async function runJob() {
  const result = await searchBacklog.handle(
    { db: ctx.database.db, maxSeconds: 60 },
    { id: 'test', payload: {}, retryCount: 0, retryLimit: 5 },
  )
  return result as { ticketNumbersCovered: number }
}

async function countsExact() {
  const rows = await query<{ counted: number; actual: number }>(
    `SELECT (SELECT coalesce(sum(n), 0)::int FROM ticket_counts) AS counted, (SELECT count(*)::int FROM tickets) AS actual`,
  )
  expect(rows[0]?.counted).toBe(rows[0]?.actual)
}

describe('a bulk statement (more than 500 tickets)', () => {
  it('leaves the documents to the job, which makes every ticket findable; counts stay exact', async () => {
    const heard: string[] = []
    const stop = await listen(ctx.database, SEARCH_BACKLOG_CHANNEL, (payload) => heard.push(payload), {
      warn: () => undefined,
      debug: () => undefined,
    })
    const ids = await fileInOneStatement(600, 'zanzibarite')
    await expect.poll(() => heard.length).toBe(1)
    await stop()
    expect(await indexed(ids)).toBe(0)
    expect(await backlogSize(ctx.database.db)).toBeGreaterThanOrEqual(600)
    expect(await searchTotal('zanzibarite')).toBe(0)
    await countsExact()

    // Before the job runs: a comment on one of them, a status change on another.
    const [commented, closed] = ids
    const comment = await call(ctx, admin, 'POST', `/api/tickets/${commented}/comments`, {
      body: 'The quokkaberry printer again',
    })
    expect(comment.status).toBe(201)
    await query(`UPDATE tickets SET status = 'closed' WHERE id = $1`, [closed])

    const result = await runJob()
    expect(result.ticketNumbersCovered).toBeGreaterThanOrEqual(600)
    expect(await backlogSize(ctx.database.db)).toBe(0)
    expect(await indexed(ids)).toBe(600)
    expect(await searchTotal('zanzibarite')).toBe(600)
    // The comment's words survived (its ticket's document was built whole, the job skipped it).
    expect(await searchTotal('zanzibarite quokkaberry')).toBe(1)
    const [row] = await query<{ status: string }>('SELECT status FROM ticket_search WHERE ticket_id = $1', [
      closed,
    ])
    expect(row?.status).toBe('closed')
    // The typo fallback knows the new words too.
    const [lexicon] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM search_lexicon WHERE word = 'zanzibarit'`,
    )
    expect(lexicon?.n).toBe(1)
    await countsExact()
  })

  it('is idempotent: a second run, or a range covering indexed tickets, changes nothing', async () => {
    const ids = await fileInOneStatement(501, 'kumquatine')
    expect(await indexed(ids)).toBe(0)
    await runJob()
    expect(await indexed(ids)).toBe(501)
    const before = await query<{ ticket_id: string; document: string }>(
      'SELECT ticket_id, document::text AS document FROM ticket_search WHERE ticket_id = ANY($1::uuid[]) ORDER BY ticket_id',
      [ids],
    )
    expect((await runJob()).ticketNumbersCovered).toBe(0)
    // The same range queued again, one document lost meanwhile: only that one is rebuilt.
    await query('DELETE FROM ticket_search WHERE ticket_id = $1', [ids[0]])
    await query(
      `INSERT INTO search_backlog (next_number, last_number)
       SELECT min(number), max(number) FROM tickets WHERE id = ANY($1::uuid[])`,
      [ids],
    )
    await runJob()
    const after = await query<{ ticket_id: string; document: string }>(
      'SELECT ticket_id, document::text AS document FROM ticket_search WHERE ticket_id = ANY($1::uuid[]) ORDER BY ticket_id',
      [ids],
    )
    expect(after).toEqual(before)
    expect(await searchTotal('kumquatine')).toBe(501)
    await countsExact()
  })
})

describe('a small statement', () => {
  it('indexes its tickets at once: SQL of 500 tickets, and a ticket filed through the API', async () => {
    const ids = await fileInOneStatement(500, 'persimmonal')
    expect(await indexed(ids)).toBe(500)
    expect(await backlogSize(ctx.database.db)).toBe(0)
    expect(await searchTotal('persimmonal')).toBe(500)

    const created = await call(ctx, admin, 'POST', '/api/tickets', {
      title: 'Rambutanic scanner jams',
      description: 'The scanner on floor 3 jams on every page.',
    })
    expect(created.status).toBe(201)
    expect(await searchTotal('rambutanic')).toBe(1)
    await countsExact()
  })
})

describe('the worker', () => {
  it('indexes a bulk statement on its own once it commits (its NOTIFY enqueues the job)', async () => {
    const silent = { debug() {}, info() {}, warn() {}, error() {} }
    const worker = await runWorkers({
      config: ctx.config,
      database: ctx.database,
      queue: ctx.queue,
      metrics: createMetrics(),
      log: silent,
    })
    try {
      const ids = await fileInOneStatement(600, 'tamarindic')
      // Well before the every-minute schedule could have sent the job.
      await expect.poll(() => indexed(ids), { timeout: 20_000, interval: 200 }).toBe(600)
      expect(await searchTotal('tamarindic')).toBe(600)
    } finally {
      await worker.stop()
    }
    await countsExact()
  })
})
