// The user triggers on tickets, which the bulk load switches off (bench/bulk-phase.ts measures a
// load with them on) and the pgbench diagnostics switch off one at a time, and how to put back
// what they would have maintained.
import type pg from 'pg'

/** Every user trigger on tickets this benchmark knows, and what turning it off leaves behind. */
export const TICKET_TRIGGERS: Record<string, string> = {
  tickets_count_insert: 'ticket_counts and assignee_stats (rebuilt)',
  tickets_count_update: 'ticket_counts and assignee_stats (rebuilt)',
  tickets_count_delete: 'ticket_counts and assignee_stats (rebuilt)',
  tickets_count_truncate: 'ticket_counts and assignee_stats (rebuilt)',
  tickets_notify_change: 'nothing: live-update NOTIFYs nobody listens to during the load',
  tickets_search_inserted: 'ticket_search documents (missing rows rebuilt; the typo lexicon is not)',
  tickets_search_text: 'ticket_search documents (missing rows rebuilt; the typo lexicon is not)',
  tickets_search_filters: "ticket_search's copies of status, priority, assignee (resynced)",
  tickets_report_rollup_insert: 'report_daily (rebuilt)',
  tickets_report_rollup_update: 'report_daily (rebuilt)',
  tickets_report_rollup_delete: 'report_daily (rebuilt)',
}

/** report_daily from the tickets, each in slot abs(hashtext(id)) % slots (the triggers use the connection's). */
export const reportDailyFromTickets = (slots: number) => `
  INSERT INTO report_daily (dim, day, key, slot, created, resolved, first_response_met,
    first_response_missed, resolution_met, resolution_missed, good, bad)
  SELECT * FROM report_daily_of_tickets(${Math.trunc(slots)})`
const REBUILD_REPORT_DAILY = reportDailyFromTickets(1)

// What the count triggers would have built one +1 at a time. ticket_counts: one row per key, in
// slot 0. assignee_stats: each assignee's open tickets (0003_assignee_stats.sql's own backfill).
const REBUILD_DERIVED = [
  'DELETE FROM ticket_counts',
  `INSERT INTO ticket_counts (status, priority, assigned_to, slot, n)
   SELECT status, priority, coalesce(assigned_to, '00000000-0000-0000-0000-000000000000'), 0, count(*)
   FROM tickets GROUP BY 1, 2, 3`,
  'DELETE FROM assignee_stats',
  `INSERT INTO assignee_stats (user_id, open_tickets)
   SELECT assigned_to, count(*)::int FROM tickets
   WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer')
   GROUP BY assigned_to`,
  // The search documents of tickets loaded with the triggers off (their own text: the load adds no
  // comments), and the filter columns of rows changed with them off (migration 0021).
  `INSERT INTO ticket_search (ticket_id, created_at, status, priority, assigned_to, document)
   SELECT t.id, t.created_at, t.status, t.priority, t.assigned_to,
          search_ticket_words(search_language(), t.title, t.description, t.summary)
   FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = t.id)`,
  `UPDATE ticket_search s SET status = t.status, priority = t.priority, assigned_to = t.assigned_to
   FROM tickets t
   WHERE t.id = s.ticket_id AND (s.status, s.priority, s.assigned_to) IS DISTINCT FROM (t.status, t.priority, t.assigned_to)`,
  // The report counters, in slot 0, with the definition the triggers use (the report rollup migration).
  'DELETE FROM report_daily',
  REBUILD_REPORT_DAILY,
]

/** Rebuilds what the count triggers maintain; run it inside the caller's transaction. */
export async function rebuildDerivedTables(client: pg.Client): Promise<void> {
  for (const statement of REBUILD_DERIVED) await client.query(statement)
}

export async function ticketTriggers(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'tickets'::regclass AND NOT tgisinternal ORDER BY 1",
  )
  return rows.map((r) => r.name)
}

/**
 * Fails when tickets has a trigger not listed above: switching it off for the load could leave
 * some table it maintains wrong, silently. Whoever adds a trigger adds it (and its rebuild) here.
 */
export async function assertKnownTriggers(client: pg.Client): Promise<string[]> {
  const names = await ticketTriggers(client)
  const unknown = names.filter((name) => !(name in TICKET_TRIGGERS))
  if (unknown.length > 0) {
    throw new Error(`tickets has triggers bench/triggers.ts does not know: ${unknown.join(', ')}`)
  }
  return names
}

/** Runs `work` with the named triggers off, then turns them back on and rebuilds the counts. */
export async function withTriggersOff<T>(
  client: pg.Client,
  names: string[],
  work: () => Promise<T>,
): Promise<T> {
  // Identifiers cannot be parameters; names come from TICKET_TRIGGERS, never from input.
  const alter = (action: 'DISABLE' | 'ENABLE') =>
    client.query(`ALTER TABLE tickets ${names.map((n) => `${action} TRIGGER "${n}"`).join(', ')}`)
  if (names.length === 0) return work()
  await alter('DISABLE')
  try {
    return await work()
  } finally {
    await client.query('BEGIN')
    await alter('ENABLE')
    await rebuildDerivedTables(client)
    await client.query('COMMIT')
  }
}
