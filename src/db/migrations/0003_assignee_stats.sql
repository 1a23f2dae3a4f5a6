-- Each moderator's open workload (todo, in_progress, waiting_for_customer tickets assigned to
-- them), kept exact by the tickets triggers, so assignment reads one row per moderator instead
-- of counting tickets. Only assignment changes touch a moderator's row: new tickets are
-- unassigned, so creating tickets never contends here.
CREATE FUNCTION assignee_stats_bump(p_user uuid, p_status text, p_delta integer)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO assignee_stats (user_id, open_tickets)
  SELECT p_user, p_delta
  WHERE p_user IS NOT NULL AND p_status IN ('todo', 'in_progress', 'waiting_for_customer')
  ON CONFLICT (user_id) DO UPDATE SET open_tickets = assignee_stats.open_tickets + EXCLUDED.open_tickets;
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
      PERFORM assignee_stats_bump(NEW.assigned_to, NEW.status, 1);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tickets_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ticket_counts;
  UPDATE assignee_stats SET open_tickets = 0;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
INSERT INTO assignee_stats (user_id, open_tickets)
SELECT assigned_to, count(*)::int FROM tickets
WHERE assigned_to IS NOT NULL AND status IN ('todo', 'in_progress', 'waiting_for_customer')
GROUP BY assigned_to;
