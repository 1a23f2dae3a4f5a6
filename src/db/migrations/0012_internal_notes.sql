ALTER TABLE "ticket_comments" ADD COLUMN "internal" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_comments" ADD COLUMN "channel" varchar(10) DEFAULT 'web' NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_comments" ADD CONSTRAINT "ticket_comments_channel_check" CHECK ("ticket_comments"."channel" IN ('web', 'email'));--> statement-breakpoint
-- Live updates carry the ticket's number, and a comment's `internal` flag: the stream must not
-- tell a requester that staff wrote a note on their ticket.
CREATE OR REPLACE FUNCTION notify_ticket_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_ticket tickets%ROWTYPE;
  kind text;
  internal boolean := false;
BEGIN
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
