CREATE TABLE "satisfaction_surveys" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_rated_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "satisfaction_rating" varchar(4);--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "satisfaction_comment" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "satisfaction_rated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_surveys_token_hash_key" ON "satisfaction_surveys" USING btree ("token_hash");--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_satisfaction_rating_check" CHECK ("tickets"."satisfaction_rating" IS NULL OR "tickets"."satisfaction_rating" IN ('good', 'bad'));