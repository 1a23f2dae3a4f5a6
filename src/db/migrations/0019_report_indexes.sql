-- Reports (src/modules/reports) read the tickets whose moment falls in the range: creation, first
-- response, resolution, a target's due time, a rating. One index per moment (partial: only rows
-- that have it), carrying every column a report reads about those rows (assignee, skills, the
-- other timestamps), so a 90-day report is index-only scans of 90 days of entries, never the
-- table. Exact medians and p90s need the values themselves, so these are indexes rather than a
-- rollup of counts (see README, "Reports").
CREATE INDEX "tickets_created_at_report_idx" ON "tickets" USING btree ("created_at")
  INCLUDE ("assigned_to", "related_skills");--> statement-breakpoint
CREATE INDEX "tickets_first_responded_at_report_idx" ON "tickets" USING btree ("first_responded_at")
  INCLUDE ("created_at", "first_response_due_at", "assigned_to", "related_skills")
  WHERE "first_responded_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolved_at_report_idx" ON "tickets" USING btree ("resolved_at")
  INCLUDE ("created_at", "resolution_due_at", "assigned_to", "related_skills")
  WHERE "resolved_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_first_response_due_at_report_idx" ON "tickets" USING btree ("first_response_due_at")
  INCLUDE ("first_responded_at", "status", "sla_paused_since", "assigned_to", "related_skills")
  WHERE "first_response_due_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_at_report_idx" ON "tickets" USING btree ("resolution_due_at")
  INCLUDE ("resolved_at", "status", "sla_paused_since", "assigned_to", "related_skills")
  WHERE "resolution_due_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_satisfaction_rated_at_idx" ON "tickets" USING btree ("satisfaction_rated_at")
  INCLUDE ("satisfaction_rating", "assigned_to", "related_skills")
  WHERE "satisfaction_rated_at" IS NOT NULL;
