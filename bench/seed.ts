// Bulk load in SQL (INSERT … SELECT generate_series), not through the API: a million POSTs would
// take longer than the whole benchmark budget and would measure the API, not build a data set.
import type pg from 'pg'
import { hashPassword } from '../src/modules/auth/password.js'
import { DATA } from './config.js'
import { withClient } from './db-admin.js'
import { elapsedSeconds } from './report.js'
import { assertKnownTriggers, rebuildDerivedTables } from './triggers.js'

export interface Person {
  id: string
  email: string
  tickets: number
}

export interface SeedReport {
  /** The user triggers on tickets that were off during the load. */
  triggersDisabled: string[]
  seconds: { users: number; tickets: number; derived: number; vacuum: number; total: number }
  tableSizes: { table: string; size: string }[]
  statusCounts: { status: string; n: number }[]
  /** The user with the most tickets, and the median one: own-list cost grows with both. */
  heavyUser: Person
  typicalUser: Person
  /** The moderator with the most assigned tickets: the worst case for the assigned_to filter. */
  busiestModerator: Person
}

export const INSERT_USERS = `
  INSERT INTO users (email, name, password_hash, role, created_at, updated_at)
  SELECT format('%s%s@bench.local', r.prefix, lpad(i::text, 3, '0')), initcap(r.prefix) || ' ' || i,
         $1, r.role, now() - interval '800 days', now() - interval '800 days'
  FROM (VALUES ('user', 'user', $2::int), ('mod', 'moderator', $3::int), ('admin', 'admin', $4::int))
       AS r(prefix, role, n)
  CROSS JOIN LATERAL generate_series(0, r.n - 1) AS i`

// $1 = ticket count, $2 = user ids, $3 = moderator ids (each ordered by email, so index 0 is
// user000/mod000, the heaviest under the skew below).
//   created_at: evenly over the last 730 days, increasing with g: rows land in the heap in time
//               order, as an append-only table does in production.
//   status:     the newest 5% are all todo (not yet picked up); older tickets are ~73% closed.
//   priority:   60% medium, 25% low, 15% high.
//   created_by: user index = floor(users * r^2): user000 files ~6% of all tickets, the median
//               user ~0.25%, everyone at least ~0.15%.
//   assigned_to: moderator index = floor(moderators * r^1.5); the newest todo slice is 80%
//               unassigned, old todo/cancelled 40%, everything else 1%.
// OFFSET 0 fences the innermost subquery so each random() is drawn once per row and the CASEs
// above it read the same draw.
export const INSERT_TICKETS = `
  INSERT INTO tickets (title, description, status, priority, created_by, assigned_to, summary,
                       helpful_notes, related_skills, created_at, updated_at, processing_status,
                       priority_manual)
  SELECT s.title || ' #' || s.g,
         'Reported after the last release. ' || s.title || ' on the account page (reference '
           || md5(s.g::text) || '). Tried another browser and clearing the cache, same result.',
         s.status, s.priority,
         ($2::uuid[])[1 + floor(cardinality($2::uuid[]) * s.r_creator ^ 2)::int],
         CASE WHEN s.assigned THEN ($3::uuid[])[1 + floor(cardinality($3::uuid[]) * s.r_moderator ^ 1.5)::int] END,
         'Customer reports: ' || lower(s.title) || '. Likely area ' || s.skill || '.',
         CASE WHEN s.status IN ('resolved', 'closed') THEN 'Reproduced and fixed; asked the customer to confirm.' END,
         ARRAY[s.skill],
         s.created_at,
         CASE WHEN s.status = 'todo' THEN s.created_at ELSE s.created_at + s.r_misc * interval '6 days' END,
         'done',
         s.r_misc < 0.05
  FROM (
    SELECT shaped.*,
           CASE WHEN newest THEN r_assign < 0.2
                WHEN status IN ('todo', 'cancelled') THEN r_assign < 0.6
                ELSE r_assign < 0.99 END AS assigned
    FROM (
      SELECT raw.*,
             CASE WHEN newest THEN 'todo'
                  WHEN r_status < 0.73 THEN 'closed'
                  WHEN r_status < 0.81 THEN 'resolved'
                  WHEN r_status < 0.88 THEN 'cancelled'
                  WHEN r_status < 0.94 THEN 'in_progress'
                  WHEN r_status < 0.98 THEN 'waiting_for_customer'
                  ELSE 'todo' END AS status,
             CASE WHEN r_priority < 0.60 THEN 'medium' WHEN r_priority < 0.85 THEN 'low' ELSE 'high' END AS priority,
             (ARRAY['Cannot log in', 'Dashboard shows 404', 'Invoice total is wrong', 'Export to CSV fails',
                    'Password reset email never arrives', 'App crashes on upload', 'Search is very slow',
                    'Two-factor code rejected'])[1 + g % 8] AS title,
             (ARRAY['authentication', 'billing', 'frontend', 'performance', 'email', 'mobile'])[1 + floor(r_misc * 6)::int] AS skill
      FROM (
        SELECT g, g > $1::int * 0.95 AS newest,
               random() AS r_status, random() AS r_priority, random() AS r_creator,
               random() AS r_assign, random() AS r_moderator, random() AS r_misc,
               now() - ($1::int - g) * (interval '730 days' / $1::int) AS created_at
        FROM generate_series(1, $1::int) AS g
        OFFSET 0
      ) raw
    ) shaped
  ) s`

async function idsByRole(client: pg.Client, role: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>('SELECT id FROM users WHERE role = $1 ORDER BY email', [
    role,
  ])
  return rows.map((r) => r.id)
}

/**
 * Whether `url` already holds this benchmark's data set (a database kept by an earlier `--keep`
 * run): its users, and at least DATA.tickets tickets (each run's POSTs add a few thousand).
 */
export async function holdsSeed(url: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ users: number; tickets: number }>(`
      SELECT (SELECT count(*)::int FROM users WHERE email LIKE '%@bench.local') AS users,
             (SELECT coalesce(sum(n), 0)::int FROM ticket_counts) AS tickets`)
    const found = rows[0]
    return found?.users === DATA.users + DATA.moderators + DATA.admins && found.tickets >= DATA.tickets
  }).catch(() => false)
}

export async function seedDatabase(url: string): Promise<SeedReport> {
  return withClient(url, async (client) => {
    const started = process.hrtime.bigint()
    // Same data every run: random() draws from this seed on this session.
    await client.query('SELECT setseed(0.42)')
    const passwordHash = await hashPassword(DATA.password)
    await client.query(INSERT_USERS, [passwordHash, DATA.users, DATA.moderators, DATA.admins])
    const usersDone = process.hrtime.bigint()

    const triggers = await assertKnownTriggers(client)
    // One transaction: if the load fails, the triggers are not left disabled.
    await client.query('BEGIN')
    // Loading the data set is not what this phase measures (bench/bulk-phase.ts measures a load
    // with triggers on): the counts are rebuilt in one pass below instead. (Foreign-key checks are system triggers and
    // stay on.)
    await client.query('ALTER TABLE tickets DISABLE TRIGGER USER')
    await client.query(INSERT_TICKETS, [
      DATA.tickets,
      await idsByRole(client, 'user'),
      await idsByRole(client, 'moderator'),
    ])
    const ticketsDone = process.hrtime.bigint()
    await rebuildDerivedTables(client)
    await client.query('ALTER TABLE tickets ENABLE TRIGGER USER')
    await client.query('COMMIT')
    const countsDone = process.hrtime.bigint()

    // Fresh statistics and a set visibility map (index-only scans), then a checkpoint so the
    // load's dirty pages are not written out in the middle of a measured run.
    await client.query('VACUUM ANALYZE')
    await client.query('CHECKPOINT')
    const vacuumDone = process.hrtime.bigint()

    return {
      triggersDisabled: triggers,
      seconds: {
        users: elapsedSeconds(started, usersDone),
        tickets: elapsedSeconds(usersDone, ticketsDone),
        derived: elapsedSeconds(ticketsDone, countsDone),
        vacuum: elapsedSeconds(countsDone, vacuumDone),
        total: elapsedSeconds(started, vacuumDone),
      },
      ...(await describeData(client)),
    }
  })
}

export async function describeData(
  client: pg.Client,
): Promise<Omit<SeedReport, 'seconds' | 'triggersDisabled'>> {
  const sizes = await client.query<{ table: string; size: string }>(`
    SELECT relname AS table, pg_size_pretty(pg_total_relation_size(oid)) AS size
    FROM pg_class WHERE relname IN ('tickets', 'users', 'ticket_counts') ORDER BY relname`)
  const statuses = await client.query<{ status: string; n: number }>(`
    SELECT status, sum(n)::int AS n FROM ticket_counts GROUP BY status ORDER BY n DESC`)
  const creators = await client.query<Person>(`
    SELECT u.id, u.email, count(t.id)::int AS tickets
    FROM users u LEFT JOIN tickets t ON t.created_by = u.id
    WHERE u.role = 'user' GROUP BY u.id ORDER BY tickets DESC, u.email`)
  const moderators = await client.query<Person>(`
    SELECT u.id, u.email, sum(c.n)::int AS tickets
    FROM users u JOIN ticket_counts c ON c.assigned_to = u.id
    GROUP BY u.id ORDER BY tickets DESC, u.email LIMIT 1`)
  const heavyUser = creators.rows[0]
  const typicalUser = creators.rows[Math.floor(creators.rows.length / 2)]
  const busiestModerator = moderators.rows[0]
  if (!heavyUser || !typicalUser || !busiestModerator)
    throw new Error('seed produced no users or assignments')
  return {
    tableSizes: sizes.rows,
    statusCounts: statuses.rows,
    heavyUser,
    typicalUser,
    busiestModerator,
  }
}
