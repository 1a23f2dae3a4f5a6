CREATE TABLE "ticket_similar" (
	"ticket_id" uuid NOT NULL,
	"similar_id" uuid NOT NULL,
	"similarity" double precision NOT NULL,
	CONSTRAINT "ticket_similar_ticket_id_similar_id_pk" PRIMARY KEY("ticket_id","similar_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_similar_lists" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_similar" ADD CONSTRAINT "ticket_similar_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_similar" ADD CONSTRAINT "ticket_similar_similar_id_tickets_id_fk" FOREIGN KEY ("similar_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_similar_lists" ADD CONSTRAINT "ticket_similar_lists_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_similar_similar_id_idx" ON "ticket_similar" USING btree ("similar_id");