-- What a bulk statement's triggers cost beyond their own work (issue 9; bench/bulk-diagnose.ts
-- prints each trigger's time, the WAL and the temporary files of the 1M-ticket INSERT and the
-- 500k UPDATE of bench/bulk.ts).
--
-- 1. JIT. The planner cannot estimate joins and groups over transition tables (no statistics:
--    assignee_stats' pairing of new_rows with old_rows in a 150k-row UPDATE is costed at 111M
--    rows), so every bulk statement's triggers crossed the jit_*_above_cost thresholds and
--    compiled their queries with LLVM: ~0.3-1 s per statement (that upsert: 523 ms with JIT,
--    231 ms without; "JIT: Inlining 219 ms, Optimization 417 ms, Emission 355 ms" for a result of
--    a few groups). What they run is a few scans and hash aggregates that JIT barely speeds up:
--    off for these functions only.
ALTER FUNCTION tickets_after_insert_statement() SET jit = off;
--> statement-breakpoint
ALTER FUNCTION tickets_after_update_statement() SET jit = off;
--> statement-breakpoint
ALTER FUNCTION tickets_after_delete_statement() SET jit = off;
--> statement-breakpoint
ALTER FUNCTION tickets_report_rollup_statement() SET jit = off;
--> statement-breakpoint
ALTER FUNCTION search_tickets_inserted() SET jit = off;
--> statement-breakpoint
-- 2. The search filters' copy (0021, 0024) joined ticket_search with new_rows itself: an
--    UPDATE … FROM carries each joined row whole (for a concurrent-update recheck), so every
--    changed ticket — description included, ~1 kB — went through the hash join and spilled to
--    disk (a 500k UPDATE beside the backlog job: 548 temporary files, 1.3 GB, 3.6 s in this
--    trigger). The subquery keeps the four columns it reads (OFFSET 0: not flattened, or the whole
--    row would be carried again): the same 150k UPDATE's copy went from 2.5-3.9 s to 1.0 s.
CREATE OR REPLACE FUNCTION search_tickets_filters_changed() RETURNS trigger LANGUAGE plpgsql
SET jit = off AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM search_backlog)
     AND EXISTS (SELECT 1 FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = n.id)) THEN
    PERFORM pg_advisory_xact_lock(hashtext('sts_search_backlog'));
  END IF;
  UPDATE ticket_search s SET status = n.status, priority = n.priority, assigned_to = n.assigned_to
  FROM (SELECT id, status, priority, assigned_to FROM new_rows OFFSET 0) n
  WHERE s.ticket_id = n.id
    AND (s.status, s.priority, s.assigned_to) IS DISTINCT FROM (n.status, n.priority, n.assigned_to);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- 3. The search backlog's batch (0024) checked "no document yet" with NOT EXISTS, which the planner
--    may turn into a hash anti join over all of ticket_search. While the job drains an import the
--    table grows faster than autovacuum re-analyses it (estimated 9,728 rows, read 150,000), so
--    each batch of 2,000 tickets read and hashed every document row made so far: the drain was
--    quadratic, and at 1M tickets its 500 batches wrote 536 temporary files (0.97 GB) beside the
--    UPDATE of bench/bulk.ts. OFFSET 0 keeps the check a probe of ticket_search's primary key per
--    ticket of the batch, whatever the statistics say.
CREATE OR REPLACE FUNCTION search_index_backlog(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
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
      AND NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = t.id OFFSET 0)
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
