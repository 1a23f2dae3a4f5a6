CREATE TABLE "report_daily" (
	"dim" smallint NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"slot" smallint NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"first_response_met" integer DEFAULT 0 NOT NULL,
	"first_response_missed" integer DEFAULT 0 NOT NULL,
	"resolution_met" integer DEFAULT 0 NOT NULL,
	"resolution_missed" integer DEFAULT 0 NOT NULL,
	"good" integer DEFAULT 0 NOT NULL,
	"bad" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_daily_dim_day_key_slot_pk" PRIMARY KEY("dim","day","key","slot")
);
--> statement-breakpoint
-- Reports (issue 12) add up these per-day counters instead of reading every ticket of the range
-- for the counts and SLA rates; only the medians and p90s still read the tickets (they need the
-- values; see README, "Reports").
--
-- The UTC day on which each figure of one ticket counts (NULL: it does not count): created,
-- resolved, a target met (the answer's day), a breach candidate (answered late, or unanswered
-- and neither paused nor cancelled: its due day, whatever the clock says; readers take such days
-- only once they are over and read the current day's breaches from the tickets), a rating.
-- SQL functions, inlined into the statements that call them, so the triggers, the backfill, the
-- benchmark's rebuild and the tests all count with this one definition. They take the columns
-- they read, not the row: a whole-row value would copy each row, description included.
CREATE FUNCTION report_days(created_at timestamptz, resolved_at timestamptz,
  first_responded_at timestamptz, first_response_due_at timestamptz, resolution_due_at timestamptz,
  status text, sla_paused_since timestamptz, satisfaction_rating text, satisfaction_rated_at timestamptz)
RETURNS TABLE (created_day date, resolved_day date, first_response_met_day date, first_response_missed_day date, resolution_met_day date, resolution_missed_day date, good_day date, bad_day date)
LANGUAGE sql STABLE AS $$
  SELECT (created_at AT TIME ZONE 'UTC')::date,
    (resolved_at AT TIME ZONE 'UTC')::date,
    CASE WHEN first_responded_at <= first_response_due_at
      THEN (first_responded_at AT TIME ZONE 'UTC')::date END,
    CASE WHEN first_responded_at > first_response_due_at
       OR (first_responded_at IS NULL AND status <> 'cancelled' AND sla_paused_since IS NULL)
      THEN (first_response_due_at AT TIME ZONE 'UTC')::date END,
    CASE WHEN resolved_at <= resolution_due_at THEN (resolved_at AT TIME ZONE 'UTC')::date END,
    CASE WHEN resolved_at > resolution_due_at
       OR (resolved_at IS NULL AND status <> 'cancelled' AND sla_paused_since IS NULL)
      THEN (resolution_due_at AT TIME ZONE 'UTC')::date END,
    CASE WHEN satisfaction_rating = 'good' THEN (satisfaction_rated_at AT TIME ZONE 'UTC')::date END,
    CASE WHEN satisfaction_rating = 'bad' THEN (satisfaction_rated_at AT TIME ZONE 'UTC')::date END
$$;
--> statement-breakpoint
-- What p_n tickets with these days, assignee and skills add to report_daily (negative: take
-- back), per dimension: every ticket (0, ''), the assignee (1), each entry of related_skills (2).
-- Called on groups of tickets that share all of these, not on each ticket: a bulk statement's
-- rows collapse into a few thousand groups first.
CREATE FUNCTION report_contributions(p_n integer, created_day date, resolved_day date, first_response_met_day date, first_response_missed_day date, resolution_met_day date, resolution_missed_day date, good_day date, bad_day date,
  assigned_to uuid, related_skills text[])
RETURNS TABLE (day date, dim smallint, key text, created integer, resolved integer,
  first_response_met integer, first_response_missed integer, resolution_met integer,
  resolution_missed integer, good integer, bad integer)
LANGUAGE sql STABLE AS $$
  SELECT m.day, d.dim, d.key, p_n * m.c, p_n * m.r, p_n * m.fm, p_n * m.fx, p_n * m.rm,
         p_n * m.rx, p_n * m.g, p_n * m.b
  FROM (VALUES
    (created_day, 1, 0, 0, 0, 0, 0, 0, 0),
    (resolved_day, 0, 1, 0, 0, 0, 0, 0, 0),
    (first_response_met_day, 0, 0, 1, 0, 0, 0, 0, 0),
    (first_response_missed_day, 0, 0, 0, 1, 0, 0, 0, 0),
    (resolution_met_day, 0, 0, 0, 0, 1, 0, 0, 0),
    (resolution_missed_day, 0, 0, 0, 0, 0, 1, 0, 0),
    (good_day, 0, 0, 0, 0, 0, 0, 1, 0),
    (bad_day, 0, 0, 0, 0, 0, 0, 0, 1)
  ) AS m(day, c, r, fm, fx, rm, rx, g, b)
  CROSS JOIN LATERAL (
    SELECT 0::smallint, ''::text
    UNION ALL SELECT 1::smallint, assigned_to::text WHERE assigned_to IS NOT NULL
    UNION ALL SELECT 2::smallint, s.skill FROM unnest(related_skills) AS s(skill) WHERE s.skill IS NOT NULL
  ) AS d(dim, key)
  WHERE m.day IS NOT NULL
$$;
--> statement-breakpoint
-- report_daily as the tickets make it now, each ticket in slot abs(hashtext(id)) % p_slots: the
-- backfill below (1 slot), the benchmark's rebuilds and the tests' exactness check.
CREATE FUNCTION report_daily_of_tickets(p_slots integer)
RETURNS TABLE (dim smallint, day date, key text, slot smallint, created bigint, resolved bigint,
  first_response_met bigint, first_response_missed bigint, resolution_met bigint,
  resolution_missed bigint, good bigint, bad bigint)
LANGUAGE sql STABLE AS $$
  SELECT c.dim, c.day, c.key, g.slot, sum(c.created), sum(c.resolved), sum(c.first_response_met), sum(c.first_response_missed),
           sum(c.resolution_met), sum(c.resolution_missed), sum(c.good), sum(c.bad)
  FROM (
    SELECT d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, t.assigned_to, t.related_skills,
           (abs(hashtext(t.id::text)) % p_slots)::smallint AS slot, count(*)::integer AS n
    FROM tickets t CROSS JOIN LATERAL report_days(t.created_at, t.resolved_at, t.first_responded_at, t.first_response_due_at, t.resolution_due_at, t.status, t.sla_paused_since, t.satisfaction_rating, t.satisfaction_rated_at) d
    GROUP BY d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, t.assigned_to, t.related_skills, 11
  ) g CROSS JOIN LATERAL report_contributions(g.n, g.created_day, g.resolved_day, g.first_response_met_day, g.first_response_missed_day, g.resolution_met_day, g.resolution_missed_day, g.good_day, g.bad_day, g.assigned_to, g.related_skills) c
  GROUP BY c.dim, c.day, c.key, g.slot
$$;
--> statement-breakpoint
-- One statement's net change: old rows taken back, new rows added, grouped by what they count
-- (tickets that differ only in columns reports do not read fall into one group and cancel out: an
-- UPDATE of such columns writes nothing), then summed per (dim, day, key). Upserts in key order
-- into the writer's slot, like ticket_counts (0014): exact under concurrency, no deadlock between
-- two bulk statements, concurrent connections on different rows.
CREATE FUNCTION tickets_report_rollup_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_daily AS r (dim, day, key, slot, created, resolved, first_response_met,
      first_response_missed, resolution_met, resolution_missed, good, bad)
    SELECT c.dim, c.day, c.key, (pg_backend_pid() % 16)::smallint, sum(c.created), sum(c.resolved), sum(c.first_response_met), sum(c.first_response_missed),
           sum(c.resolution_met), sum(c.resolution_missed), sum(c.good), sum(c.bad)
    FROM (
      SELECT d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, x.assigned_to, x.related_skills, sum(x.sign) AS n
      FROM (SELECT 1 AS sign, * FROM new_rows) x CROSS JOIN LATERAL report_days(x.created_at, x.resolved_at, x.first_responded_at, x.first_response_due_at, x.resolution_due_at, x.status, x.sla_paused_since, x.satisfaction_rating, x.satisfaction_rated_at) d
      GROUP BY d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, x.assigned_to, x.related_skills
      HAVING sum(x.sign) <> 0
    ) g CROSS JOIN LATERAL report_contributions(g.n::integer, g.created_day, g.resolved_day, g.first_response_met_day, g.first_response_missed_day, g.resolution_met_day, g.resolution_missed_day, g.good_day, g.bad_day, g.assigned_to, g.related_skills) c
    GROUP BY c.dim, c.day, c.key
    HAVING sum(c.created) <> 0 OR sum(c.resolved) <> 0 OR sum(c.first_response_met) <> 0
      OR sum(c.first_response_missed) <> 0 OR sum(c.resolution_met) <> 0
      OR sum(c.resolution_missed) <> 0 OR sum(c.good) <> 0 OR sum(c.bad) <> 0
    ORDER BY c.dim, c.day, c.key
    ON CONFLICT (dim, day, key, slot) DO UPDATE SET
      created = r.created + EXCLUDED.created, resolved = r.resolved + EXCLUDED.resolved,
      first_response_met = r.first_response_met + EXCLUDED.first_response_met,
      first_response_missed = r.first_response_missed + EXCLUDED.first_response_missed,
      resolution_met = r.resolution_met + EXCLUDED.resolution_met,
      resolution_missed = r.resolution_missed + EXCLUDED.resolution_missed,
      good = r.good + EXCLUDED.good, bad = r.bad + EXCLUDED.bad;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_daily AS r (dim, day, key, slot, created, resolved, first_response_met,
      first_response_missed, resolution_met, resolution_missed, good, bad)
    SELECT c.dim, c.day, c.key, (pg_backend_pid() % 16)::smallint, sum(c.created), sum(c.resolved), sum(c.first_response_met), sum(c.first_response_missed),
           sum(c.resolution_met), sum(c.resolution_missed), sum(c.good), sum(c.bad)
    FROM (
      SELECT d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, x.assigned_to, x.related_skills, sum(x.sign) AS n
      FROM (SELECT -1 AS sign, * FROM old_rows) x CROSS JOIN LATERAL report_days(x.created_at, x.resolved_at, x.first_responded_at, x.first_response_due_at, x.resolution_due_at, x.status, x.sla_paused_since, x.satisfaction_rating, x.satisfaction_rated_at) d
      GROUP BY d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, x.assigned_to, x.related_skills
      HAVING sum(x.sign) <> 0
    ) g CROSS JOIN LATERAL report_contributions(g.n::integer, g.created_day, g.resolved_day, g.first_response_met_day, g.first_response_missed_day, g.resolution_met_day, g.resolution_missed_day, g.good_day, g.bad_day, g.assigned_to, g.related_skills) c
    GROUP BY c.dim, c.day, c.key
    HAVING sum(c.created) <> 0 OR sum(c.resolved) <> 0 OR sum(c.first_response_met) <> 0
      OR sum(c.first_response_missed) <> 0 OR sum(c.resolution_met) <> 0
      OR sum(c.resolution_missed) <> 0 OR sum(c.good) <> 0 OR sum(c.bad) <> 0
    ORDER BY c.dim, c.day, c.key
    ON CONFLICT (dim, day, key, slot) DO UPDATE SET
      created = r.created + EXCLUDED.created, resolved = r.resolved + EXCLUDED.resolved,
      first_response_met = r.first_response_met + EXCLUDED.first_response_met,
      first_response_missed = r.first_response_missed + EXCLUDED.first_response_missed,
      resolution_met = r.resolution_met + EXCLUDED.resolution_met,
      resolution_missed = r.resolution_missed + EXCLUDED.resolution_missed,
      good = r.good + EXCLUDED.good, bad = r.bad + EXCLUDED.bad;
  ELSE
    INSERT INTO report_daily AS r (dim, day, key, slot, created, resolved, first_response_met,
      first_response_missed, resolution_met, resolution_missed, good, bad)
    SELECT c.dim, c.day, c.key, (pg_backend_pid() % 16)::smallint, sum(c.created), sum(c.resolved), sum(c.first_response_met), sum(c.first_response_missed),
           sum(c.resolution_met), sum(c.resolution_missed), sum(c.good), sum(c.bad)
    FROM (
      SELECT d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, x.assigned_to, x.related_skills, sum(x.sign) AS n
      FROM (SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1 AS sign, * FROM old_rows) x CROSS JOIN LATERAL report_days(x.created_at, x.resolved_at, x.first_responded_at, x.first_response_due_at, x.resolution_due_at, x.status, x.sla_paused_since, x.satisfaction_rating, x.satisfaction_rated_at) d
      GROUP BY d.created_day, d.resolved_day, d.first_response_met_day, d.first_response_missed_day, d.resolution_met_day, d.resolution_missed_day, d.good_day, d.bad_day, x.assigned_to, x.related_skills
      HAVING sum(x.sign) <> 0
    ) g CROSS JOIN LATERAL report_contributions(g.n::integer, g.created_day, g.resolved_day, g.first_response_met_day, g.first_response_missed_day, g.resolution_met_day, g.resolution_missed_day, g.good_day, g.bad_day, g.assigned_to, g.related_skills) c
    GROUP BY c.dim, c.day, c.key
    HAVING sum(c.created) <> 0 OR sum(c.resolved) <> 0 OR sum(c.first_response_met) <> 0
      OR sum(c.first_response_missed) <> 0 OR sum(c.resolution_met) <> 0
      OR sum(c.resolution_missed) <> 0 OR sum(c.good) <> 0 OR sum(c.bad) <> 0
    ORDER BY c.dim, c.day, c.key
    ON CONFLICT (dim, day, key, slot) DO UPDATE SET
      created = r.created + EXCLUDED.created, resolved = r.resolved + EXCLUDED.resolved,
      first_response_met = r.first_response_met + EXCLUDED.first_response_met,
      first_response_missed = r.first_response_missed + EXCLUDED.first_response_missed,
      resolution_met = r.resolution_met + EXCLUDED.resolution_met,
      resolution_missed = r.resolution_missed + EXCLUDED.resolution_missed,
      good = r.good + EXCLUDED.good, bad = r.bad + EXCLUDED.bad;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_report_rollup_insert AFTER INSERT ON tickets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_report_rollup_statement();
--> statement-breakpoint
CREATE TRIGGER tickets_report_rollup_update AFTER UPDATE ON tickets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_report_rollup_statement();
--> statement-breakpoint
CREATE TRIGGER tickets_report_rollup_delete AFTER DELETE ON tickets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_report_rollup_statement();
--> statement-breakpoint
-- The tickets that exist already, in slot 0.
INSERT INTO report_daily (dim, day, key, slot, created, resolved, first_response_met,
  first_response_missed, resolution_met, resolution_missed, good, bad)
SELECT * FROM report_daily_of_tickets(1);
