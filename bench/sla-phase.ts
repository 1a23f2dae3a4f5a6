// The SLA escalation job's cost per run (issue 12), on its own PostgreSQL database:
// BENCH_SLA_TICKETS (default 100,000) open tickets with running clocks, due times spread over the
// next 30 days, and BENCH_SLA_DUE (default 200) whose warning or breach instant has come. Prints
// the plan of the job's claim query (it must read tickets_sla_next_check_at_idx, never scan the
// open tickets), then times a run that announces the due ones (history, emails, live event,
// assignment) and a run with nothing due: the price of the every-minute tick itself.
// Alone: `npx tsx bench/sla-phase.ts`.
import { openDatabase } from '../src/db/client.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { createJobQueue } from '../src/jobs/queue.js'
import { hashPassword } from '../src/modules/auth/password.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { runEscalation } from '../src/modules/sla/escalation.js'
import { BENCH_DB, DATA, databaseUrl } from './config.js'
import { dropDatabase, recreateDatabase, withClient } from './db-admin.js'
import { elapsedSeconds, fmt, heading } from './report.js'

const SLA_DB = `${BENCH_DB}_sla`
const TICKETS = Number(process.env.BENCH_SLA_TICKETS ?? 100_000)
const DUE = Number(process.env.BENCH_SLA_DUE ?? 200)

// Open tickets under the seeded default policy; every DUE-th one's next check is a minute ago,
// the others' lie ahead (up to 30 days). Due times are consistent with the next check.
const INSERT_TICKETS = `
  INSERT INTO tickets (title, description, status, priority, created_by, created_at, sla_policy_id,
                       first_response_due_at, first_response_warning_at, resolution_due_at,
                       resolution_warning_at, sla_due_at, sla_next_check_at)
  SELECT 'Ticket ' || i, 'Generated for the SLA escalation benchmark.',
         (ARRAY['todo', 'in_progress'])[1 + i % 2], (ARRAY['low', 'medium', 'high'])[1 + i % 3],
         $1, now() - interval '1 hour', $2,
         t.due, t.due - interval '10 minutes', t.due + interval '1 day', t.due + interval '20 hours',
         t.due, t.due - interval '10 minutes'
  FROM generate_series(1, $3::int) AS i
  CROSS JOIN LATERAL (
    SELECT CASE WHEN i % ($3::int / $4::int) = 0 THEN now() - interval '1 minute'
                ELSE now() + (i % 43200) * interval '1 minute' + interval '1 hour' END AS due
  ) AS t`

export async function runSlaPhase(): Promise<void> {
  heading(`SLA escalation: ${fmt.int(TICKETS)} open tickets with running clocks, ${fmt.int(DUE)} due`)
  await recreateDatabase(SLA_DB)
  const url = databaseUrl(SLA_DB)
  const database = await openDatabase({ databaseUrl: url, dataDir: '' })
  const queue = createJobQueue(database)
  try {
    await migrateDatabase(database)
    await queue.start()
    const seeded = process.hrtime.bigint()
    await withClient(url, async (client) => {
      const hash = await hashPassword(DATA.password)
      const { rows: people } = await client.query<{ id: string }>(
        `INSERT INTO users (email, password_hash, role) VALUES
           ('requester@sla.local', $1, 'user'), ('mod@sla.local', $1, 'moderator'), ('admin@sla.local', $1, 'admin')
         RETURNING id`,
        [hash],
      )
      const { rows: policy } = await client.query<{ id: string }>(
        'SELECT id FROM sla_policies WHERE is_default',
      )
      await client.query(INSERT_TICKETS, [people[0]?.id, policy[0]?.id, TICKETS, DUE])
      await client.query('VACUUM ANALYZE tickets')
    })
    console.log(`seeded in ${fmt.s(elapsedSeconds(seeded))}`)

    const plan = await withClient(url, async (client) => {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
         SELECT * FROM tickets WHERE sla_next_check_at IS NOT NULL AND sla_next_check_at <= now()
         ORDER BY sla_next_check_at LIMIT 200 FOR UPDATE SKIP LOCKED`,
      )
      return rows.map((r) => r['QUERY PLAN'])
    })
    console.log('claim query plan (the job reads only what is due):')
    for (const line of plan) console.log(`  ${line}`)
    const usesIndex = plan.some((line) => line.includes('tickets_sla_next_check_at_idx'))
    console.log(`index used: ${usesIndex ? 'yes' : 'NO (a scan: investigate)'}`)

    const notifier = createNotifier({ queue, appUrl: 'http://bench.local', smtpEnabled: false })
    const busyStarted = process.hrtime.bigint()
    const busy = await runEscalation(database.db, notifier)
    const busySeconds = elapsedSeconds(busyStarted)
    console.log(
      `run with ${fmt.int(DUE)} due: ${fmt.ms(busySeconds * 1000)} (${fmt.ms((busySeconds * 1000) / Math.max(1, DUE))} per ticket); ` +
        `${busy.warnings} warnings, ${busy.breaches} breaches, ${busy.assigned} assigned`,
    )
    const idle: number[] = []
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint()
      await runEscalation(database.db, notifier)
      idle.push(elapsedSeconds(started) * 1000)
    }
    idle.sort((a, b) => a - b)
    console.log(`run with nothing due (the every-minute tick): median ${fmt.ms(idle[2] ?? 0)} of 5 runs`)
  } finally {
    await queue.stop()
    await database.close()
    await dropDatabase(SLA_DB)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runSlaPhase()
