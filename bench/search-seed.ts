// The search benchmark's data: comments whose words have known frequencies, then every ticket's
// search documents built in one pass (the triggers would build them one comment at a time).
//
// Per ticket, (number % 7) comments: 0-6, 3 on average, so 1M tickets carry 3M comments; 10% are
// internal notes (staff only). Besides the filler sentences, a comment carries
//   "restart"            p = 5.2% a comment → ~15% of tickets            (the common word)
//   "firmware"           p = 0.335%          → ~1% of tickets             (the medium word)
//   "screen went black"  p = 0.335%          → ~1% of tickets             (the phrase)
//   "black theme"        p = 1%: "black" apart from the phrase, so the phrase must check word order
//   "zeppelin"           p = 0.0007%         → ~20 tickets at a million   (the rare word)
// and the ticket titles (bench/seed.ts) put "invoice" in 12.5% of tickets.
import { elapsedSeconds } from './report.js'

/** pg.Client and PGlite both answer this. */
export interface SqlClient {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>
}

const INSERT_COMMENTS = `
  INSERT INTO ticket_comments (ticket_id, author_id, body, internal, created_at)
  SELECT c.ticket_id,
         CASE WHEN c.internal THEN ($1::uuid[])[1 + floor(cardinality($1::uuid[]) * c.r_author)::int] ELSE c.created_by END,
         concat_ws(' ',
           (ARRAY['Thanks for the quick reply.', 'Any update on this?', 'I attached the logs from this morning.',
                  'We checked the settings and it still fails.', 'Could you try signing out and in again?',
                  'It happens on every device we tried.'])[1 + floor(c.r_filler * 6)::int],
           CASE WHEN c.r_common < 0.052 THEN 'After a restart it worked for an hour.' END,
           CASE WHEN c.r_medium < 0.00335 THEN 'The firmware update did not help.' END,
           CASE WHEN c.r_phrase < 0.00335 THEN 'Then the screen went black.' END,
           CASE WHEN c.r_black < 0.01 THEN 'We use the black theme.' END,
           CASE WHEN c.r_rare < 0.000007 THEN 'The badge reader shows zeppelin mode.' END),
         c.internal,
         c.created_at
  FROM (
    SELECT t.id AS ticket_id, t.created_by, t.created_at + k * interval '1 hour' AS created_at,
           random() < 0.1 AS internal, random() AS r_author, random() AS r_filler, random() AS r_common,
           random() AS r_medium, random() AS r_phrase, random() AS r_black, random() AS r_rare
    FROM tickets t CROSS JOIN LATERAL generate_series(1, t.number % 7) AS k
    OFFSET 0
  ) c`

// Migration 0017's search_refresh, for every ticket at once: the same functions, the same weights.
const BUILD_DOCUMENTS = `
  INSERT INTO ticket_search (ticket_id, created_at, status, priority, assigned_to, document, public_document)
  SELECT t.id, t.created_at, t.status, t.priority, t.assigned_to,
         base || coalesce(c.shared, '') || coalesce(c.private, ''),
         CASE WHEN length(coalesce(c.private, '')) = 0 THEN NULL ELSE base || coalesce(c.shared, '') END
  FROM (SELECT t.*, search_ticket_words(search_language(), t.title, t.description, t.summary) AS base FROM tickets t) t
  LEFT JOIN (
    SELECT ticket_id,
           search_words(search_language(), string_agg(body, E'\\n' ORDER BY created_at, id) FILTER (WHERE NOT internal), 'C') AS shared,
           search_words(search_language(), string_agg(body, E'\\n' ORDER BY created_at, id) FILTER (WHERE internal), 'C') AS private
    FROM ticket_comments GROUP BY ticket_id
  ) c ON c.ticket_id = t.id`

const LEARN_WORDS = `
  INSERT INTO search_lexicon (word)
  SELECT word FROM ts_stat('SELECT document FROM ticket_search') WHERE word ~ '^[[:alpha:]]{3,40}$'
  ON CONFLICT DO NOTHING`

export interface SearchSeedReport {
  comments: number
  seconds: { comments: number; documents: number; total: number }
}

/**
 * Adds the comments and (re)builds ticket_search and search_lexicon, triggers off, index built
 * after the rows (what CREATE INDEX does in one sort beats a million GIN insertions).
 */
export async function seedSearchData(client: SqlClient): Promise<SearchSeedReport> {
  const started = process.hrtime.bigint()
  await client.query('SELECT setseed(0.17)')
  const moderators = await client.query<{ id: string }>(
    "SELECT id FROM users WHERE role = 'moderator' ORDER BY email",
  )
  await client.query('BEGIN')
  await client.query('ALTER TABLE ticket_comments DISABLE TRIGGER USER')
  await client.query(INSERT_COMMENTS, [`{${moderators.rows.map((r) => r.id).join(',')}}`])
  await client.query('ALTER TABLE ticket_comments ENABLE TRIGGER USER')
  await client.query('COMMIT')
  const commentsDone = process.hrtime.bigint()
  await client.query('BEGIN')
  await client.query('DROP INDEX ticket_search_document_idx')
  await client.query('TRUNCATE ticket_search')
  await client.query(BUILD_DOCUMENTS)
  // The same definition as migration 0017 (drizzle's schema names it too).
  await client.query('CREATE INDEX "ticket_search_document_idx" ON "ticket_search" USING gin ("document")')
  await client.query(LEARN_WORDS)
  await client.query('COMMIT')
  const documentsDone = process.hrtime.bigint()
  const [count] = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_comments')).rows
  return {
    comments: count?.n ?? 0,
    seconds: {
      comments: elapsedSeconds(started, commentsDone),
      documents: elapsedSeconds(commentsDone, documentsDone),
      total: elapsedSeconds(started),
    },
  }
}
