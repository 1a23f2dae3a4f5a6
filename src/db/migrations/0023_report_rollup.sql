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
-- What one ticket adds (sign = 1) or takes back (sign = -1), per dimension: every ticket (0, ''),
-- its assignee (1), each entry of related_skills (2); each figure on the UTC day of its own moment.
-- A breach candidate is counted on its due day whatever the clock says; readers take such days
-- only once they are over (the current day's breaches are read from the tickets, by due time < now).
-- A SQL function of one row, inlined into the statements that call it: the triggers, the backfill
-- below and the benchmark's rebuild all count with this one definition.
CREATE FUNCTION report_contributions(t tickets, p_sign integer)
RETURNS TABLE (day date, dim smallint, key text, created integer, resolved integer,
  first_response_met integer, first_response_missed integer, resolution_met integer,
  resolution_missed integer, good integer, bad integer)
LANGUAGE sql STABLE AS $$
  SELECT m.day, d.dim, d.key, p_sign * m.c, p_sign * m.r, p_sign * m.fm, p_sign * m.fx, p_sign * m.rm,
         p_sign * m.rx, p_sign * m.g, p_sign * m.b
  FROM (VALUES
    ((t.created_at AT TIME ZONE 'UTC')::date, 1, 0, 0, 0, 0, 0, 0, 0),
    ((t.resolved_at AT TIME ZONE 'UTC')::date, 0, 1, 0, 0, 0, 0, 0, 0),
    (CASE WHEN t.first_responded_at <= t.first_response_due_at
      THEN (t.first_responded_at AT TIME ZONE 'UTC')::date END, 0, 0, 1, 0, 0, 0, 0, 0),
    (CASE WHEN t.first_responded_at > t.first_response_due_at
       OR (t.first_responded_at IS NULL AND t.status <> 'cancelled' AND t.sla_paused_since IS NULL)
      THEN (t.first_response_due_at AT TIME ZONE 'UTC')::date END, 0, 0, 0, 1, 0, 0, 0, 0),
    (CASE WHEN t.resolved_at <= t.resolution_due_at
      THEN (t.resolved_at AT TIME ZONE 'UTC')::date END, 0, 0, 0, 0, 1, 0, 0, 0),
    (CASE WHEN t.resolved_at > t.resolution_due_at
       OR (t.resolved_at IS NULL AND t.status <> 'cancelled' AND t.sla_paused_since IS NULL)
      THEN (t.resolution_due_at AT TIME ZONE 'UTC')::date END, 0, 0, 0, 0, 0, 1, 0, 0),
    (CASE WHEN t.satisfaction_rating = 'good'
      THEN (t.satisfaction_rated_at AT TIME ZONE 'UTC')::date END, 0, 0, 0, 0, 0, 0, 1, 0),
    (CASE WHEN t.satisfaction_rating = 'bad'
      THEN (t.satisfaction_rated_at AT TIME ZONE 'UTC')::date END, 0, 0, 0, 0, 0, 0, 0, 1)
  ) AS m(day, c, r, fm, fx, rm, rx, g, b)
  CROSS JOIN LATERAL (
    SELECT 0::smallint, ''::text
    UNION ALL SELECT 1::smallint, t.assigned_to::text WHERE t.assigned_to IS NOT NULL
    UNION ALL SELECT 2::smallint, s.skill FROM unnest(t.related_skills) AS s(skill) WHERE s.skill IS NOT NULL
  ) AS d(dim, key)
  WHERE m.day IS NOT NULL
$$;
--> statement-breakpoint
-- One statement's net change: old rows taken back, new rows added, summed per (dim, day, key);
-- an UPDATE that changed nothing a report counts nets to zero and writes nothing. Upserts in key
-- order into the writer's slot, like ticket_counts (0014): exact under concurrency, no deadlock
-- between two bulk statements, concurrent connections on different rows.
CREATE FUNCTION tickets_report_rollup_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_daily AS r (dim, day, key, slot, created, resolved, first_response_met,
      first_response_missed, resolution_met, resolution_missed, good, bad)
    SELECT c.dim, c.day, c.key, (pg_backend_pid() % 16)::smallint, sum(c.created), sum(c.resolved),
           sum(c.first_response_met), sum(c.first_response_missed), sum(c.resolution_met),
           sum(c.resolution_missed), sum(c.good), sum(c.bad)
    FROM new_rows n CROSS JOIN LATERAL report_contributions(n, 1) c
    GROUP BY c.dim, c.day, c.key ORDER BY c.dim, c.day, c.key
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
    SELECT c.dim, c.day, c.key, (pg_backend_pid() % 16)::smallint, sum(c.created), sum(c.resolved),
           sum(c.first_response_met), sum(c.first_response_missed), sum(c.resolution_met),
           sum(c.resolution_missed), sum(c.good), sum(c.bad)
    FROM old_rows o CROSS JOIN LATERAL report_contributions(o, -1) c
    GROUP BY c.dim, c.day, c.key ORDER BY c.dim, c.day, c.key
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
    SELECT c.dim, c.day, c.key, (pg_backend_pid() % 16)::smallint, sum(c.created), sum(c.resolved),
           sum(c.first_response_met), sum(c.first_response_missed), sum(c.resolution_met),
           sum(c.resolution_missed), sum(c.good), sum(c.bad)
    FROM (
      SELECT c.* FROM new_rows n CROSS JOIN LATERAL report_contributions(n, 1) c
      UNION ALL
      SELECT c.* FROM old_rows o CROSS JOIN LATERAL report_contributions(o, -1) c
    ) c
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
SELECT c.dim, c.day, c.key, 0, sum(c.created), sum(c.resolved), sum(c.first_response_met),
       sum(c.first_response_missed), sum(c.resolution_met), sum(c.resolution_missed), sum(c.good), sum(c.bad)
FROM tickets t CROSS JOIN LATERAL report_contributions(t, 1) c
GROUP BY c.dim, c.day, c.key;
