-- When each moderator was last given a ticket (assignment's round-robin tie-break) is now kept by
-- the tickets trigger that already keeps their open workload, for every assignment, automatic or
-- by hand: one upsert at commit instead of a separate statement in each code path that assigns.
CREATE FUNCTION assignee_stats_assign(p_user uuid, p_status text)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO assignee_stats (user_id, open_tickets, last_assigned_at)
  VALUES (p_user, CASE WHEN p_status IN ('todo', 'in_progress', 'waiting_for_customer') THEN 1 ELSE 0 END, now())
  ON CONFLICT (user_id) DO UPDATE
    SET open_tickets = assignee_stats.open_tickets + EXCLUDED.open_tickets, last_assigned_at = now();
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tickets_count_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM ticket_counts_bump(NEW.status, NEW.priority, NEW.assigned_to, 1);
    PERFORM assignee_stats_bump(NEW.assigned_to, NEW.status, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM ticket_counts_bump(OLD.status, OLD.priority, OLD.assigned_to, -1);
    PERFORM assignee_stats_bump(OLD.assigned_to, OLD.status, -1);
  ELSIF (OLD.status, OLD.priority, OLD.assigned_to) IS DISTINCT FROM (NEW.status, NEW.priority, NEW.assigned_to) THEN
    PERFORM ticket_counts_bump(OLD.status, OLD.priority, OLD.assigned_to, -1);
    PERFORM ticket_counts_bump(NEW.status, NEW.priority, NEW.assigned_to, 1);
    IF (OLD.status, OLD.assigned_to) IS DISTINCT FROM (NEW.status, NEW.assigned_to) THEN
      PERFORM assignee_stats_bump(OLD.assigned_to, OLD.status, -1);
      IF NEW.assigned_to IS NOT NULL AND OLD.assigned_to IS DISTINCT FROM NEW.assigned_to THEN
        PERFORM assignee_stats_assign(NEW.assigned_to, NEW.status);
      ELSE
        PERFORM assignee_stats_bump(NEW.assigned_to, NEW.status, 1);
      END IF;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
