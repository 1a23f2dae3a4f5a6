-- The counters' helpers, called by the tickets triggers at every commit that changes a ticket's
-- status, priority or assignee, were SQL-language functions: PostgreSQL parses and plans a SQL
-- function's body on every call, twice or more per workflow commit. The same bodies in PL/pgSQL
-- are planned once per connection. Same signatures, same effects.
CREATE OR REPLACE FUNCTION ticket_counts_bump(p_status text, p_priority text, p_assigned uuid, p_delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_counts (status, priority, assigned_to, slot, n)
  VALUES (p_status, p_priority, COALESCE(p_assigned, '00000000-0000-0000-0000-000000000000'::uuid),
          (pg_backend_pid() % 16)::smallint, p_delta)
  ON CONFLICT (status, priority, assigned_to, slot) DO UPDATE SET n = ticket_counts.n + EXCLUDED.n;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION assignee_stats_bump(p_user uuid, p_status text, p_delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_user IS NULL OR p_status NOT IN ('todo', 'in_progress', 'waiting_for_customer') THEN
    RETURN;
  END IF;
  INSERT INTO assignee_stats (user_id, open_tickets)
  VALUES (p_user, p_delta)
  ON CONFLICT (user_id) DO UPDATE SET open_tickets = assignee_stats.open_tickets + EXCLUDED.open_tickets;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION assignee_stats_assign(p_user uuid, p_status text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assignee_stats (user_id, open_tickets, last_assigned_at)
  VALUES (p_user, CASE WHEN p_status IN ('todo', 'in_progress', 'waiting_for_customer') THEN 1 ELSE 0 END, now())
  ON CONFLICT (user_id) DO UPDATE
    SET open_tickets = assignee_stats.open_tickets + EXCLUDED.open_tickets, last_assigned_at = now();
END;
$$;
