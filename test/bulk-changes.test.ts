// Bulk changes (issue 9): a statement over many tickets keeps ticket_counts and assignee_stats
// exact (statement triggers, migration 0011) and sends one `bulk` notification instead of one per
// row, so the servers listening keep answering.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ExecuteSql, executeSqlIn } from '../src/db/client.js'
import { startTicketChangeBus, type TicketChange } from '../src/modules/events/ticket-change-bus.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { testDatabaseUrl } from './helpers/template.js'

let ctx: TestContext
let requesters: TestUser[]
let moderators: TestUser[]

beforeAll(async () => {
  ctx = await createTestContext()
  requesters = [await signedInUser(ctx, 'user'), await signedInUser(ctx, 'user')]
  moderators = [
    await signedInUser(ctx, 'moderator'),
    await signedInUser(ctx, 'moderator'),
    await signedInUser(ctx, 'moderator'),
  ]
})
afterAll(() => ctx.close())

const run = (text: string, values?: unknown[]) => ctx.database.executeSql(text, values)

/**
 * `count` tickets in one statement over every status and priority, spread over the requesters,
 * a quarter unassigned and the rest over the moderators. Marked by `tag` in the title.
 */
async function insertTickets(count: number, tag: string) {
  await run(
    `INSERT INTO tickets (title, description, status, priority, created_by, assigned_to)
     SELECT $2 || ' #' || g, 'bulk test',
            (ARRAY['todo', 'in_progress', 'waiting_for_customer', 'resolved', 'closed', 'cancelled'])[1 + g % 6],
            (ARRAY['low', 'medium', 'high'])[1 + g % 3],
            ($3::uuid[])[1 + g % 2],
            CASE WHEN g % 4 <> 0 THEN ($4::uuid[])[1 + (g / 4) % 3] END
     FROM generate_series(1, $1::int) AS g`,
    [count, tag, requesters.map((u) => u.id), moderators.map((u) => u.id)],
  )
}

/** Every way the counters disagree with count(*) over the rows; [] when exact. */
async function countMismatches(db: ExecuteSql = run) {
  const { rows } = await db(`
    WITH actual AS (
      SELECT status, priority, coalesce(assigned_to, '00000000-0000-0000-0000-000000000000') AS assigned_to,
             count(*)::int AS n
      FROM tickets GROUP BY 1, 2, 3
    ), counted AS (
      SELECT status, priority, assigned_to, sum(n)::int AS n FROM ticket_counts GROUP BY 1, 2, 3
    ), open_actual AS (
      SELECT assigned_to AS user_id, count(*)::int AS n FROM tickets
      WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer') GROUP BY 1
    )
    SELECT 'ticket_counts' AS what, status || '/' || priority || '/' || assigned_to AS key,
           coalesce(c.n, 0) AS counted, coalesce(a.n, 0) AS actual
    FROM actual a FULL JOIN counted c USING (status, priority, assigned_to)
    WHERE coalesce(c.n, 0) <> coalesce(a.n, 0)
    UNION ALL
    SELECT 'assignee_stats', user_id::text, coalesce(s.open_tickets, 0), coalesce(o.n, 0)
    FROM open_actual o FULL JOIN assignee_stats s USING (user_id)
    WHERE coalesce(s.open_tickets, 0) <> coalesce(o.n, 0)`)
  return rows
}

const ticketTotal = async () => Number((await run('SELECT count(*)::int AS n FROM tickets')).rows[0]?.n)

describe('counts after bulk statements', () => {
  it('stay exact after a bulk INSERT over every status, priority and assignee', async () => {
    const before = await ticketTotal()
    await insertTickets(1_200, 'insert')
    expect(await ticketTotal()).toBe(before + 1_200)
    expect(await countMismatches()).toEqual([])
  })

  it('stay exact after bulk UPDATEs of status, priority and assignee, and stamp whoever was given tickets', async () => {
    await insertTickets(900, 'update')
    const [first, second, third] = moderators.map((m) => m.id)
    await run(`UPDATE assignee_stats SET last_assigned_at = '2000-01-01' WHERE user_id = ANY($1::uuid[])`, [
      [first, second, third],
    ])
    // Statuses move (open ↔ closed), priorities rotate, and the first moderator's tickets go to
    // the second, who also keeps their own: a mix of every kind of change in one statement.
    await run(
      `UPDATE tickets SET
         status = CASE status WHEN 'todo' THEN 'closed' WHEN 'resolved' THEN 'in_progress' ELSE status END,
         priority = CASE priority WHEN 'low' THEN 'high' ELSE priority END,
         assigned_to = CASE WHEN assigned_to = $1 THEN $2::uuid WHEN assigned_to IS NULL THEN $1::uuid ELSE assigned_to END
       WHERE title LIKE 'update #%'`,
      [first, second],
    )
    expect(await countMismatches()).toEqual([])
    // Unassigned tickets went to the first moderator, the first's to the second: both were given
    // tickets, the third was not (0007's last_assigned_at: whoever a ticket is assigned to).
    const { rows } = await run(
      `SELECT user_id, last_assigned_at > '2000-01-01' AS stamped FROM assignee_stats WHERE user_id = ANY($1::uuid[])`,
      [[first, second, third]],
    )
    const stamped = Object.fromEntries(rows.map((r) => [String(r.user_id), r.stamped === true]))
    expect(stamped).toEqual({ [String(first)]: true, [String(second)]: true, [String(third)]: false })

    // An update that changes none of the counted columns writes nothing and changes nothing.
    await run(`UPDATE tickets SET helpful_notes = 'bulk note' WHERE title LIKE 'update #%'`)
    expect(await countMismatches()).toEqual([])
  })

  it('stay exact after a bulk DELETE, and after several statements in one transaction', async () => {
    await insertTickets(700, 'delete')
    await run(`DELETE FROM tickets WHERE title LIKE 'delete #%' AND status <> 'closed'`)
    expect(await countMismatches()).toEqual([])

    await ctx.database.db.transaction(async (tx) => {
      const client = executeSqlIn(tx)
      await client(`INSERT INTO tickets (title, description, created_by)
                    SELECT 'txn #' || g, 'x', '${requesters[0]?.id}' FROM generate_series(1, 50) g`)
      await client(`UPDATE tickets SET assigned_to = '${moderators[2]?.id}' WHERE title LIKE 'txn #%'`)
      await client(`UPDATE tickets SET status = 'in_progress' WHERE title LIKE 'txn #%'`)
      await client(`DELETE FROM tickets WHERE title LIKE 'txn #1%'`)
      // Inside the transaction the counters already agree with the rows (one snapshot).
      expect(await countMismatches(client)).toEqual([])
    })
    expect(await countMismatches()).toEqual([])
  })

  it('stay exact when a moderator with open tickets and a requester are deleted', async () => {
    const leaving = await signedInUser(ctx, 'moderator')
    const requester = await signedInUser(ctx, 'user')
    await run(
      `INSERT INTO tickets (title, description, created_by, assigned_to)
       SELECT 'leaving #' || g, 'x', $1, $2 FROM generate_series(1, 40) g`,
      [requester.id, leaving.id],
    )
    // Their tickets lose the assignee (SET NULL) after their stats row went (CASCADE).
    await run('DELETE FROM users WHERE id = $1', [leaving.id])
    expect(await countMismatches()).toEqual([])
    await run('DELETE FROM users WHERE id = $1', [requester.id])
    expect(await countMismatches()).toEqual([])
  })

  it('stay exact after TRUNCATE', async () => {
    await run('TRUNCATE tickets CASCADE')
    expect(await countMismatches()).toEqual([])
    await insertTickets(30, 'after-truncate')
    expect(await countMismatches()).toEqual([])
  })
})

describe.runIf(testDatabaseUrl() !== undefined)('counts under concurrency (PostgreSQL)', () => {
  it('stay exact when two transactions change disjoint sets of tickets at once', async () => {
    await insertTickets(2_000, 'concurrent')
    const url = ctx.databaseUrl
    if (!url) throw new Error('no database URL on PostgreSQL')
    const [a, b] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })]
    await Promise.all([a.connect(), b.connect()])
    try {
      await Promise.all([a.query('BEGIN'), b.query('BEGIN')])
      // Both touch the same counter rows and moderators (same keys, possibly the same slot):
      // the second waits for the first's locks and then adds to what the first committed.
      const [mod0, mod1] = moderators.map((m) => m.id)
      await a.query(
        `UPDATE tickets SET status = 'closed', assigned_to = $1 WHERE title LIKE 'concurrent #%' AND right(title, 1) IN ('0','1','2','3','4')`,
        [mod0],
      )
      const second = b.query(
        `UPDATE tickets SET status = 'in_progress', assigned_to = $1 WHERE title LIKE 'concurrent #%' AND right(title, 1) IN ('5','6','7','8','9')`,
        [mod1],
      )
      const secondInsert = second.then(() =>
        b.query(
          `INSERT INTO tickets (title, description, status, assigned_to, created_by)
             SELECT 'concurrent-extra #' || g, 'x', 'todo', $1, $2 FROM generate_series(1, 600) g`,
          [mod0, requesters[1]?.id],
        ),
      )
      await new Promise((resolve) => setTimeout(resolve, 200))
      await a.query('COMMIT')
      await secondInsert
      await b.query('COMMIT')
    } finally {
      await Promise.all([a.end(), b.end()])
    }
    expect(await countMismatches()).toEqual([])
  })
})

describe('what the statement triggers cost', () => {
  it('run without JIT: the planner cannot cost transition tables, and compiling took 0.3-1 s a bulk statement', async () => {
    const names = [
      'search_tickets_filters_changed',
      'search_tickets_inserted',
      'tickets_after_delete_statement',
      'tickets_after_insert_statement',
      'tickets_after_update_statement',
      'tickets_report_rollup_statement',
    ]
    const { rows } = await run(
      'SELECT proname AS name, proconfig AS config FROM pg_proc WHERE proname = ANY($1::text[]) ORDER BY proname',
      [names],
    )
    expect(rows).toEqual(names.map((name) => ({ name, config: ['jit=off'] })))
  })
})

describe('live notifications of bulk statements', () => {
  it('sends one bulk event for a statement over 1,000 tickets, none per row, and the server keeps answering', async () => {
    const received: TicketChange[] = []
    const bus = await startTicketChangeBus(ctx.database, { warn: () => {}, debug: () => {} })
    bus.subscribe((change) => received.push(change))
    try {
      await insertTickets(1_000, 'notify')
      await run(`UPDATE tickets SET status = 'cancelled' WHERE title LIKE 'notify #%'`)
      // A small change after them marks the end of what they sent (notifications arrive in order).
      const [marker] = (
        await run(
          `INSERT INTO tickets (title, description, created_by) VALUES ('marker', 'x', $1) RETURNING id`,
          [requesters[0]?.id],
        )
      ).rows
      const deadline = Date.now() + 10_000
      while (!received.some((c) => c.kind === 'created' && c.ticket_id === marker?.id)) {
        if (Date.now() > deadline) throw new Error(`no marker event; got ${received.length} events`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(received).toHaveLength(3)
      expect(received.slice(0, 2)).toEqual([{ kind: 'bulk' }, { kind: 'bulk' }])
      expect((await call(ctx, null, 'GET', '/health/ready')).status).toBe(200)
      expect((await call(ctx, moderators[0] ?? null, 'GET', '/api/tickets/all')).status).toBe(200)
    } finally {
      await bus.stop()
    }
  })

  it('keeps one event per ticket for a statement of a few tickets', async () => {
    const received: TicketChange[] = []
    const bus = await startTicketChangeBus(ctx.database, { warn: () => {}, debug: () => {} })
    bus.subscribe((change) => received.push(change))
    try {
      await insertTickets(5, 'few')
      const deadline = Date.now() + 10_000
      while (received.length < 5) {
        if (Date.now() > deadline) throw new Error(`got ${received.length} events`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(received.every((c) => c.kind === 'created')).toBe(true)
    } finally {
      await bus.stop()
    }
  })
})
