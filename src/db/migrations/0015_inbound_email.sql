CREATE TABLE "inbound_fetch_state" (
	"source" varchar(300) PRIMARY KEY NOT NULL,
	"last_fetch_at" timestamp with time zone,
	"last_error_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" varchar(998),
	"from_address" varchar(254),
	"subject" text,
	"received_via" varchar(10) NOT NULL,
	"outcome" varchar(30) NOT NULL,
	"ticket_id" uuid,
	"error" text,
	"content_hash" varchar(64) NOT NULL,
	"raw" "bytea" NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_messages_received_via_check" CHECK ("inbound_messages"."received_via" IN ('smtp', 'imap', 'http')),
	CONSTRAINT "inbound_messages_outcome_check" CHECK ("inbound_messages"."outcome" IN ('ticket_created', 'comment_added', 'ignored_auto_reply', 'ignored_loop', 'bounce', 'rejected', 'duplicate'))
);
--> statement-breakpoint
CREATE TABLE "ticket_participants" (
	"ticket_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_participants_ticket_id_user_id_pk" PRIMARY KEY("ticket_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "emails" DROP CONSTRAINT "emails_status_check";--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "message_id" varchar(300);--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "references" text[];--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "auto_submitted" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_participants" ADD CONSTRAINT "ticket_participants_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_participants" ADD CONSTRAINT "ticket_participants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_messages_message_id_key" ON "inbound_messages" USING btree ("message_id") WHERE "inbound_messages"."message_id" IS NOT NULL AND "inbound_messages"."outcome" <> 'duplicate';--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_messages_content_hash_key" ON "inbound_messages" USING btree ("content_hash") WHERE "inbound_messages"."outcome" <> 'duplicate';--> statement-breakpoint
CREATE INDEX "inbound_messages_received_at_idx" ON "inbound_messages" USING btree ("received_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "inbound_messages_ticket_id_idx" ON "inbound_messages" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "inbound_messages_from_received_at_idx" ON "inbound_messages" USING btree ("from_address","received_at");--> statement-breakpoint
CREATE INDEX "ticket_participants_user_id_idx" ON "ticket_participants" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "emails_message_id_key" ON "emails" USING btree ("message_id");--> statement-breakpoint
ALTER TABLE "emails" ADD CONSTRAINT "emails_status_check" CHECK ("emails"."status" IN ('pending', 'sent', 'failed', 'skipped', 'bounced'));