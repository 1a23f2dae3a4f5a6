-- Exact `meta.total` for the ticket lists without counting rows at request time.
-- Every insert, delete, or change of status/priority/assignee adds +1/-1 to a row keyed by
-- (status, priority, assignee, slot). The slot is random, so concurrent writers spread over
-- eight rows per key instead of queueing on one. Counts are exact: the trigger runs in the
-- writer's transaction, so a reader sees the counters and the rows from the same snapshot.
CREATE FUNCTION ticket_counts_bump(p_status text, p_priority text, p_assigned uuid, p_delta integer)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO ticket_counts (status, priority, assigned_to, slot, n)
  VALUES (p_status, p_priority, COALESCE(p_assigned, '00000000-0000-0000-0000-000000000000'::uuid),
          floor(random() * 8)::smallint, p_delta)
  ON CONFLICT (status, priority, assigned_to, slot) DO UPDATE SET n = ticket_counts.n + EXCLUDED.n;
$$;
--> statement-breakpoint
CREATE FUNCTION tickets_count_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM ticket_counts_bump(NEW.status, NEW.priority, NEW.assigned_to, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM ticket_counts_bump(OLD.status, OLD.priority, OLD.assigned_to, -1);
  ELSIF (OLD.status, OLD.priority, OLD.assigned_to) IS DISTINCT FROM (NEW.status, NEW.priority, NEW.assigned_to) THEN
    PERFORM ticket_counts_bump(OLD.status, OLD.priority, OLD.assigned_to, -1);
    PERFORM ticket_counts_bump(NEW.status, NEW.priority, NEW.assigned_to, 1);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_count_insert_delete AFTER INSERT OR DELETE ON tickets
  FOR EACH ROW EXECUTE FUNCTION tickets_count_trigger();
--> statement-breakpoint
CREATE TRIGGER tickets_count_update AFTER UPDATE OF status, priority, assigned_to ON tickets
  FOR EACH ROW EXECUTE FUNCTION tickets_count_trigger();
--> statement-breakpoint
-- TRUNCATE bypasses row triggers; keep the counters honest anyway.
CREATE FUNCTION tickets_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ticket_counts;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_count_truncate AFTER TRUNCATE ON tickets
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_truncate();
--> statement-breakpoint
CREATE INDEX ticket_counts_assigned_to_idx ON ticket_counts (assigned_to);
