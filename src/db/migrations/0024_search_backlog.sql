-- A statement filing more than 500 tickets (an import) no longer builds their search documents
-- inline: tokenising them was most of a bulk INSERT's time (bench/bulk.ts, 200k tickets: 14 s
-- without the search trigger, 23 s with it, 25 s tokenising alone without writing anything), and
-- it put 1M tickets at ~105 s. The statement records the range of ticket numbers it filed in
-- search_backlog and notifies sts_search_backlog; the search-backlog job
-- (src/jobs/search-backlog.ts) indexes the range in batches after the commit, so those tickets
-- are findable a minute or two later. Smaller statements (a ticket filed through the API) stay
-- synchronous: a new ticket is found at once.
CREATE TABLE "search_backlog" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "search_backlog_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"next_number" integer NOT NULL,
	"last_number" integer NOT NULL
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION search_tickets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 501) s) > 500 THEN
    INSERT INTO search_backlog (next_number, last_number) SELECT min(number), max(number) FROM new_rows;
    -- A payload: listeners (src/db/listen.ts) skip empty ones.
    PERFORM pg_notify('sts_search_backlog', 'backlog');
    RETURN NULL;
  END IF;
  INSERT INTO ticket_search (ticket_id, created_at, status, priority, assigned_to, document)
  SELECT n.id, n.created_at, n.status, n.priority, n.assigned_to,
         search_ticket_words(search_language(), n.title, n.description, n.summary)
  FROM new_rows n;
  -- The pattern is checked once per distinct word (OFFSET 0 keeps it out of the subquery): per
  -- occurrence it was most of this statement's time in a bulk INSERT.
  INSERT INTO search_lexicon (word)
  SELECT d.w FROM (
    SELECT DISTINCT w
    FROM ticket_search s JOIN new_rows n ON n.id = s.ticket_id, unnest(tsvector_to_array(s.document)) AS w
    OFFSET 0
  ) d
  WHERE d.w ~ '^[[:alpha:]]{3,40}$' AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.word = d.w)
  ORDER BY d.w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- One batch of the oldest backlog range: indexes the tickets numbered next_number … +p_limit-1
-- that have no document yet, moves the cursor (or drops the range), and answers how many numbers
-- it covered (0: nothing left, or another job holds the range right now). Idempotent: a ticket
-- something else indexed meanwhile (a comment, an attachment, an edit rebuild its document) is
-- skipped, and the insert gives way to a concurrent one.
-- The advisory lock, shared here, taken exclusively by a status/priority/assignee change of a
-- ticket without a document (search_tickets_filters_changed below): such a change committing
-- while a batch reads would otherwise leave that batch's copy of the filters stale (the change's
-- trigger updates existing rows only). Row locks (FOR SHARE) did this first, but made a bulk
-- UPDATE crawl behind the batches at their pace. lock_timeout: the batch never makes anyone wait
-- on it for long (an insert conflicting with a transaction that then waits for this lock would
-- deadlock); it gives up after 200 ms and is tried again.
CREATE FUNCTION search_index_backlog(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  b search_backlog%ROWTYPE;
  upto integer;
BEGIN
  SELECT * INTO b FROM search_backlog ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  PERFORM set_config('lock_timeout', '200ms', true);
  PERFORM pg_advisory_xact_lock_shared(hashtext('sts_search_backlog'));
  upto := least(b.last_number::bigint, b.next_number::bigint + p_limit - 1)::integer;
  WITH batch AS (
    SELECT t.id, t.created_at, t.status, t.priority, t.assigned_to, t.title, t.description, t.summary
    FROM tickets t
    WHERE t.number BETWEEN b.next_number AND upto
      AND NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = t.id)
  ), added AS (
    INSERT INTO ticket_search (ticket_id, created_at, status, priority, assigned_to, document)
    SELECT id, created_at, status, priority, assigned_to,
           search_ticket_words(search_language(), title, description, summary)
    FROM batch
    ON CONFLICT (ticket_id) DO NOTHING
    RETURNING document
  )
  INSERT INTO search_lexicon (word)
  SELECT d.w FROM (SELECT DISTINCT w FROM added, unnest(tsvector_to_array(added.document)) AS w OFFSET 0) d
  WHERE d.w ~ '^[[:alpha:]]{3,40}$' AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.word = d.w)
  ORDER BY d.w
  ON CONFLICT DO NOTHING;
  IF upto >= b.last_number THEN
    DELETE FROM search_backlog WHERE id = b.id;
  ELSE
    UPDATE search_backlog SET next_number = upto + 1 WHERE id = b.id;
  END IF;
  RETURN upto - b.next_number + 1;
END;
$$;
--> statement-breakpoint
-- A comment on a ticket the backlog has not reached yet has no document to append to: it builds
-- the whole document (the ticket's text and this comment), which the backlog then skips.
CREATE OR REPLACE FUNCTION search_comment_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  words tsvector := search_words(search_language(), NEW.body, 'C');
BEGIN
  IF NEW.internal THEN
    -- Set from the row as it was: public_document keeps the document without this note.
    UPDATE ticket_search SET public_document = coalesce(public_document, document),
                             document = search_append(document, words)
    WHERE ticket_id = NEW.ticket_id;
  ELSE
    UPDATE ticket_search SET document = search_append(document, words),
                             public_document = CASE WHEN public_document IS NULL THEN NULL
                                                    ELSE search_append(public_document, words) END
    WHERE ticket_id = NEW.ticket_id;
  END IF;
  IF NOT FOUND THEN
    PERFORM search_refresh(NEW.ticket_id);
    RETURN NULL;
  END IF;
  PERFORM search_learn(words);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- A change to tickets the backlog has not reached waits for the batch in flight and holds the next
-- ones until it commits (the lock above), so no batch copies the filters it is replacing. Checked
-- only while a backlog exists: otherwise every ticket has its row.
CREATE OR REPLACE FUNCTION search_tickets_filters_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM search_backlog)
     AND EXISTS (SELECT 1 FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = n.id)) THEN
    PERFORM pg_advisory_xact_lock(hashtext('sts_search_backlog'));
  END IF;
  UPDATE ticket_search s SET status = n.status, priority = n.priority, assigned_to = n.assigned_to
  FROM new_rows n
  WHERE s.ticket_id = n.id
    AND (s.status, s.priority, s.assigned_to) IS DISTINCT FROM (n.status, n.priority, n.assigned_to);
  RETURN NULL;
END;
$$;
