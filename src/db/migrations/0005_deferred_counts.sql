-- Measured at 1M tickets (bench/): every new ticket is (todo, medium, unassigned), so creates
-- all bump the same few ticket_counts rows, and an AFTER ROW trigger holds that row's lock from
-- the INSERT until COMMIT, across the request's remaining round trips. Two changes:
--  1. The count triggers become deferred constraint triggers: the bump runs at COMMIT, and the
--     row lock lives for microseconds instead of the rest of the transaction.
--  2. The slot is the connection's (backend pid mod 16), not a random one: concurrent
--     connections write different rows; one connection's transactions reuse its own.
CREATE OR REPLACE FUNCTION ticket_counts_bump(p_status text, p_priority text, p_assigned uuid, p_delta integer)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO ticket_counts (status, priority, assigned_to, slot, n)
  VALUES (p_status, p_priority, COALESCE(p_assigned, '00000000-0000-0000-0000-000000000000'::uuid),
          (pg_backend_pid() % 16)::smallint, p_delta)
  ON CONFLICT (status, priority, assigned_to, slot) DO UPDATE SET n = ticket_counts.n + EXCLUDED.n;
$$;
--> statement-breakpoint
DROP TRIGGER tickets_count_insert_delete ON tickets;
--> statement-breakpoint
DROP TRIGGER tickets_count_update ON tickets;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER tickets_count_insert_delete AFTER INSERT OR DELETE ON tickets
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickets_count_trigger();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER tickets_count_update AFTER UPDATE OF status, priority, assigned_to ON tickets
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickets_count_trigger();
