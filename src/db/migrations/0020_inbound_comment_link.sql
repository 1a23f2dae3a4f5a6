ALTER TABLE "inbound_messages" ADD COLUMN "comment_id" uuid;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_comment_id_ticket_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."ticket_comments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_messages_comment_id_idx" ON "inbound_messages" USING btree ("comment_id");--> statement-breakpoint
-- Replies filed before this column: the comment was written in the same transaction as the
-- message's record, so both carry that transaction's now().
UPDATE "inbound_messages" AS m SET "comment_id" = c."id"
FROM "ticket_comments" AS c
WHERE m."outcome" = 'comment_added' AND m."comment_id" IS NULL AND c."ticket_id" = m."ticket_id"
  AND c."channel" = 'email' AND c."created_at" = m."received_at";
