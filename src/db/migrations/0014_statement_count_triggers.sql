-- Bulk changes cost per statement, not per row (issue 9).
--
-- Before: ticket_counts and assignee_stats were kept by deferred per-row triggers, and every
-- changed ticket sent its own NOTIFY. One statement over N tickets bumped the same few counter
-- rows N times in one transaction; each bump adds a version to that row's HOT chain, which the
-- next bump walks, so the work grew with N² (200,000 tickets: 249 s), and N notifications
-- reached every listening API process.
--
-- Now:
--  1. The counters are kept by statement-level AFTER triggers with transition tables, one per
--     event (PostgreSQL allows transition tables only on single-event triggers, and not with an
--     UPDATE OF column list). Each statement adds its deltas with one GROUP BY per counter table:
--     a handful of upserts however many rows changed. They run inside the writer's statement, so
--     the counters commit (or roll back) with the rows: `meta.total` still reads one snapshot.
--     Upserts are exact under concurrency (ON CONFLICT … DO UPDATE adds to the committed value
--     after waiting for a concurrent writer's lock) and take their row locks in key order
--     (ORDER BY), so two bulk statements cannot deadlock on each other's counters.
--     The price: a counter row is locked from the statement to COMMIT instead of only at COMMIT
--     (0005). ticket_counts keeps the per-connection slot, so concurrent connections still write
--     different rows; bench/workflow measures the difference (see the README).
--  2. A statement that changes more than 500 tickets (or adds more than 500 comments) sends ONE
--     notification {"kind":"bulk"} on sts_ticket_changes (clients refetch what they show) and
--     flags the transaction (set_config('sts.bulk_changes', 'on', true), i.e. transaction-local,
--     rolled back with a savepoint). The deferred per-row notify trigger of 0009 stays, because
--     it is what gives small transactions one event per ticket carrying the state that commits
--     (the workflow's three UPDATEs → one event); when the flag is set it returns before any
--     query, so a bulk statement costs one cheap function call per row at commit and one
--     notification, instead of a SELECT and a NOTIFY per row. A statement trigger cannot do the
--     small case alone: it fires per statement, before later statements of the transaction, so
--     it would send the intermediate states.
--  500: the most per-ticket events a screen could use (a page shows at most 100 tickets), and far
--     below what floods a LISTEN connection.
DROP TRIGGER tickets_count_insert_delete ON tickets;
--> statement-breakpoint
DROP TRIGGER tickets_count_update ON tickets;
--> statement-breakpoint
DROP FUNCTION tickets_count_trigger();
--> statement-breakpoint
CREATE FUNCTION flag_bulk_ticket_changes(p_rows bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_rows > 500 THEN
    PERFORM set_config('sts.bulk_changes', 'on', true);
    -- Identical payloads within a transaction are delivered once: one per transaction.
    PERFORM pg_notify('sts_ticket_changes', '{"kind":"bulk"}');
  END IF;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION tickets_after_insert_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flag_bulk_ticket_changes((SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 501) s));
  INSERT INTO ticket_counts (status, priority, assigned_to, slot, n)
  SELECT status, priority, COALESCE(assigned_to, '00000000-0000-0000-0000-000000000000'::uuid),
         (pg_backend_pid() % 16)::smallint, count(*)
  FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (status, priority, assigned_to, slot) DO UPDATE SET n = ticket_counts.n + EXCLUDED.n;
  INSERT INTO assignee_stats (user_id, open_tickets)
  SELECT assigned_to, count(*)
  FROM new_rows
  WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer')
  GROUP BY 1 ORDER BY 1
  ON CONFLICT (user_id) DO UPDATE SET open_tickets = assignee_stats.open_tickets + EXCLUDED.open_tickets;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION tickets_after_delete_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flag_bulk_ticket_changes((SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 501) s));
  INSERT INTO ticket_counts (status, priority, assigned_to, slot, n)
  SELECT status, priority, COALESCE(assigned_to, '00000000-0000-0000-0000-000000000000'::uuid),
         (pg_backend_pid() % 16)::smallint, -count(*)
  FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (status, priority, assigned_to, slot) DO UPDATE SET n = ticket_counts.n + EXCLUDED.n;
  INSERT INTO assignee_stats (user_id, open_tickets)
  SELECT assigned_to, -count(*)
  FROM old_rows
  WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer')
    AND EXISTS (SELECT 1 FROM users u WHERE u.id = assigned_to)
  GROUP BY 1 ORDER BY 1
  ON CONFLICT (user_id) DO UPDATE SET open_tickets = assignee_stats.open_tickets + EXCLUDED.open_tickets;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- An update's net effect: +1 for each row's new key, -1 for its old key; rows whose status,
-- priority and assignee did not change cancel out and write nothing. Whoever is given a ticket
-- (assignee changed to them) gets last_assigned_at = now(), as 0007's row trigger did, even when
-- the ticket is not open; that needs old and new paired by id. A deleted user's tickets lose
-- their assignee (ON DELETE SET NULL) after the user's stats row went (CASCADE): users that no
-- longer exist get no stats row (the row triggers failed such a delete with a foreign-key error).
CREATE FUNCTION tickets_after_update_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flag_bulk_ticket_changes((SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 501) s));
  INSERT INTO ticket_counts (status, priority, assigned_to, slot, n)
  SELECT status, priority, assignee, (pg_backend_pid() % 16)::smallint, sum(delta)
  FROM (
    SELECT status, priority, COALESCE(assigned_to, '00000000-0000-0000-0000-000000000000'::uuid) AS assignee, 1 AS delta
    FROM new_rows
    UNION ALL
    SELECT status, priority, COALESCE(assigned_to, '00000000-0000-0000-0000-000000000000'::uuid), -1
    FROM old_rows
  ) d
  GROUP BY status, priority, assignee HAVING sum(delta) <> 0 ORDER BY status, priority, assignee
  ON CONFLICT (status, priority, assigned_to, slot) DO UPDATE SET n = ticket_counts.n + EXCLUDED.n;
  INSERT INTO assignee_stats (user_id, open_tickets, last_assigned_at)
  SELECT user_id, sum(delta), CASE WHEN bool_or(given) THEN now() END
  FROM (
    SELECT assigned_to AS user_id, 1 AS delta, false AS given
    FROM new_rows
    WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer')
    UNION ALL
    SELECT assigned_to, -1, false
    FROM old_rows
    WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer')
    UNION ALL
    SELECT n.assigned_to, 0, true
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.assigned_to IS NOT NULL AND o.assigned_to IS DISTINCT FROM n.assigned_to
  ) d
  WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = d.user_id)
  GROUP BY user_id HAVING sum(delta) <> 0 OR bool_or(given) ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE
    SET open_tickets = assignee_stats.open_tickets + EXCLUDED.open_tickets,
        last_assigned_at = COALESCE(EXCLUDED.last_assigned_at, assignee_stats.last_assigned_at);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_after_insert_statement();
--> statement-breakpoint
CREATE TRIGGER tickets_count_update AFTER UPDATE ON tickets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_after_update_statement();
--> statement-breakpoint
CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_after_delete_statement();
--> statement-breakpoint
CREATE FUNCTION ticket_comments_after_insert_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flag_bulk_ticket_changes((SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 501) s));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_comments_bulk_notify AFTER INSERT ON ticket_comments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_comments_after_insert_statement();
--> statement-breakpoint
-- 0012's deferred per-row notify (number, a comment's internal flag), now silent in a transaction
-- flagged bulk.
CREATE OR REPLACE FUNCTION notify_ticket_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_ticket tickets%ROWTYPE;
  kind text;
  internal boolean := false;
BEGIN
  IF current_setting('sts.bulk_changes', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'ticket_comments' THEN
    SELECT * INTO row_ticket FROM tickets WHERE id = NEW.ticket_id;
    kind := 'comment';
    internal := NEW.internal;
  ELSIF TG_OP = 'DELETE' THEN
    row_ticket := OLD;
    kind := 'deleted';
  ELSE
    -- As it stands at commit; nothing if the same transaction deleted it (its DELETE tells).
    SELECT * INTO row_ticket FROM tickets WHERE id = NEW.id;
    kind := CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'updated' END;
  END IF;
  IF row_ticket.id IS NOT NULL THEN
    PERFORM pg_notify('sts_ticket_changes', json_build_object(
      'kind', kind,
      'ticket_id', row_ticket.id,
      'number', row_ticket.number,
      'created_by', row_ticket.created_by,
      'assigned_to', row_ticket.assigned_to,
      'status', row_ticket.status,
      'processing_status', row_ticket.processing_status,
      'internal', internal
    )::text);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Comment notifications move to commit too, so a bulk flag raised by any statement of the
-- transaction silences them (an AFTER ROW trigger would fire before the statement's flag).
DROP TRIGGER ticket_comments_notify_change ON ticket_comments;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ticket_comments_notify_change AFTER INSERT ON ticket_comments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION notify_ticket_change();
