-- Ticket numbers ("#1042"): existing tickets numbered 1…n in the order they were filed, new ones
-- from an identity whose sequence starts after them, so a number is never given twice. The live
-- update trigger is off during the backfill: nobody needs an event per renumbered ticket.
ALTER TABLE "tickets" ADD COLUMN "number" integer;
--> statement-breakpoint
ALTER TABLE "tickets" DISABLE TRIGGER "tickets_notify_change";
--> statement-breakpoint
UPDATE "tickets" AS t SET "number" = o.n
FROM (SELECT "id", row_number() OVER (ORDER BY "created_at", "id") AS n FROM "tickets") AS o
WHERE t."id" = o."id";
--> statement-breakpoint
ALTER TABLE "tickets" ENABLE TRIGGER "tickets_notify_change";
--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "number" SET NOT NULL;
--> statement-breakpoint
DO $$
DECLARE next_number integer;
BEGIN
  SELECT coalesce(max("number"), 0) + 1 INTO next_number FROM "tickets";
  EXECUTE format(
    'ALTER TABLE "tickets" ALTER COLUMN "number" ADD GENERATED ALWAYS AS IDENTITY (sequence name "tickets_number_seq" START WITH %s)',
    next_number
  );
END $$;
--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_number_key" ON "tickets" USING btree ("number");
