-- Live updates: every change to a ticket or its comments sends a NOTIFY on sts_ticket_changes,
-- delivered when the change commits (never for a rolled-back one) to every listening server
-- process, which streams it to the browsers allowed to see that ticket (GET /api/events).
-- The payload names the ticket and its creator, so access can be checked without a query.
CREATE FUNCTION notify_ticket_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
  ELSIF TG_OP = 'INSERT' THEN
    row_ticket := NEW;
    kind := 'created';
  ELSE
    row_ticket := NEW;
    kind := 'updated';
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
CREATE TRIGGER tickets_notify_change AFTER INSERT OR UPDATE OR DELETE ON tickets
  FOR EACH ROW EXECUTE FUNCTION notify_ticket_change();
--> statement-breakpoint
CREATE TRIGGER ticket_comments_notify_change AFTER INSERT ON ticket_comments
  FOR EACH ROW EXECUTE FUNCTION notify_ticket_change();
