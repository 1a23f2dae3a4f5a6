// Assignment time with 1,000 moderators: the scoring statement over every active moderator, with
// skills and workloads spread like a large support org's.
import { eq, sql, TransactionRollbackError } from 'drizzle-orm'
import type { Database } from '../../src/db/client.js'
import { tickets } from '../../src/db/schema.js'
import { inTransaction } from '../../src/db/transaction.js'
import { chooseAssignee } from '../../src/modules/assignment/assignment.repository.js'
import { autoAssign } from '../../src/modules/assignment/assignment.service.js'
import { catalog } from './fixtures.js'

export async function measureAssignment(
  database: Database,
  moderators: number,
  samples: number,
  creatorId: string,
) {
  const { db } = database
  // Moderators by SQL: one shared password hash, 2-4 skills each, 0-40 open tickets of load.
  await db.execute(sql`
    INSERT INTO users (email, password_hash, role)
    SELECT 'bench-assign-' || g || '@example.com', (SELECT password_hash FROM users LIMIT 1), 'moderator'
    FROM generate_series(1, ${moderators}) g`)
  await db.execute(sql`
    INSERT INTO user_skills (user_id, skill_id, proficiency)
    SELECT u.id, s.id, 1 + floor(random() * 5)::int
    FROM users u CROSS JOIN LATERAL (
      -- The reference to u makes the subquery run per moderator (a fresh random pick each).
      SELECT skills.id FROM skills WHERE skills.id <> u.id ORDER BY random() LIMIT 2 + floor(random() * 3)::int
    ) s
    WHERE u.email LIKE 'bench-assign-%'
    ON CONFLICT DO NOTHING`)
  await db.execute(sql`
    INSERT INTO assignee_stats (user_id, open_tickets, last_assigned_at)
    SELECT id, floor(random() * 40)::int, now() - random() * interval '7 days'
    FROM users WHERE email LIKE 'bench-assign-%'
    ON CONFLICT (user_id) DO UPDATE SET open_tickets = EXCLUDED.open_tickets`)
  await db.execute(sql`ANALYZE`)

  const timings: number[] = []
  const choices: number[] = []
  for (let i = 0; i < samples; i++) {
    const skillNames = [
      catalog[i % catalog.length]?.name ?? 'Networking',
      catalog[(i * 7 + 3) % catalog.length]?.name ?? 'Email',
    ]
    const [row] = await db
      .insert(tickets)
      .values({
        title: `Assignment sample ${i}`,
        description: 'Timing the assignment step.',
        createdBy: creatorId,
        relatedSkills: skillNames,
      })
      .returning({ id: tickets.id })
    if (!row) throw new Error('insert returned no row')
    const started = performance.now()
    await inTransaction(db, (tx) => autoAssign(tx, row.id))
    timings.push(performance.now() - started)
    // The choice alone (scoring every moderator, locking the winner), in a transaction rolled back.
    await db
      .transaction(async (tx) => {
        const choosing = performance.now()
        await chooseAssignee(tx, skillNames)
        choices.push(performance.now() - choosing)
        tx.rollback()
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error
      })
    await db.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, row.id))
  }
  timings.sort((a, b) => a - b)
  choices.sort((a, b) => a - b)
  const pick = (p: number, sorted = timings) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
  const [staff] = (
    (await db.execute(
      sql`SELECT count(*)::int AS n FROM users WHERE role IN ('moderator', 'admin') AND is_active`,
    )) as unknown as {
      rows: { n: number }[]
    }
  ).rows
  return {
    moderators: staff?.n ?? 0,
    samples,
    p50: pick(0.5),
    p99: pick(0.99),
    max: timings.at(-1) ?? 0,
    choice: { p50: pick(0.5, choices), p99: pick(0.99, choices) },
  }
}
