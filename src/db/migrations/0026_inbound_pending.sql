-- An inbound message is stored, with its filing job, before the SMTP listener answers 250 or the
-- mailbox poller flags it \Seen; a worker files it afterwards (src/jobs/inbound-filing.ts). Until
-- then its outcome is `pending`. Pending rows take part in the unique indexes on Message-ID and
-- content hash like any filed row: a second copy arriving while the first waits is a duplicate.
ALTER TABLE "inbound_messages" DROP CONSTRAINT "inbound_messages_outcome_check";
--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_outcome_check" CHECK ("inbound_messages"."outcome" IN ('ticket_created', 'comment_added', 'ignored_auto_reply', 'ignored_loop', 'bounce', 'rejected', 'duplicate', 'pending'));
