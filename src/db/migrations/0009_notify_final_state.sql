-- Live updates once per ticket per transaction, with the state that commits. The trigger now runs
-- at commit (deferred) and reads the ticket as it then stands: a transaction that updates a ticket
-- several times (the workflow: analysis, assignment, done) queues copies of one payload, which
-- PostgreSQL delivers once, instead of one notification per UPDATE carrying the states between.
CREATE OR REPLACE FUNCTION notify_ticket_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_ticket tickets%ROWTYPE;
  kind text;
BEGIN
  IF TG_TABLE_NAME = 'ticket_comments' THEN
    SELECT * INTO row_ticket FROM tickets WHERE id = NEW.ticket_id;
    kind := 'comment';
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
      'created_by', row_ticket.created_by,
      'assigned_to', row_ticket.assigned_to,
      'status', row_ticket.status,
      'processing_status', row_ticket.processing_status
    )::text);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER tickets_notify_change ON tickets;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER tickets_notify_change AFTER INSERT OR UPDATE OR DELETE ON tickets
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION notify_ticket_change();
