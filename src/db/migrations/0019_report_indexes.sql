-- Reports (src/modules/reports) read the tickets whose moment falls in the range: first response,
-- resolution, a target's due time, a rating. One partial index per moment (only rows that have
-- it), carrying the columns the report needs, so the read is an index-only scan of the range.
-- Exact medians and p90s need the values, so these are indexes, not a rollup of counts.
CREATE INDEX "tickets_first_responded_at_report_idx" ON "tickets" USING btree ("first_responded_at")
  INCLUDE ("created_at", "first_response_due_at", "assigned_to") WHERE "first_responded_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolved_at_report_idx" ON "tickets" USING btree ("resolved_at")
  INCLUDE ("created_at", "resolution_due_at", "assigned_to") WHERE "resolved_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_first_response_due_at_report_idx" ON "tickets" USING btree ("first_response_due_at")
  INCLUDE ("first_responded_at", "status", "sla_paused_since", "assigned_to") WHERE "first_response_due_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_at_report_idx" ON "tickets" USING btree ("resolution_due_at")
  INCLUDE ("resolved_at", "status", "sla_paused_since", "assigned_to") WHERE "resolution_due_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_satisfaction_rated_at_idx" ON "tickets" USING btree ("satisfaction_rated_at")
  INCLUDE ("satisfaction_rating", "assigned_to") WHERE "satisfaction_rated_at" IS NOT NULL;
