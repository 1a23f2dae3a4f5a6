-- Full-text search (src/modules/search, README "Search"). pg_trgm is for the typo fallback; PGlite
-- ships it too (src/db/client.ts loads it into the embedded database before migrations run).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "search_lexicon" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"language" text DEFAULT 'english' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_search" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"status" varchar(30) NOT NULL,
	"priority" varchar(10) NOT NULL,
	"assigned_to" uuid,
	"document" "tsvector" NOT NULL,
	"public_document" "tsvector"
);
--> statement-breakpoint
ALTER TABLE "ticket_search" ADD CONSTRAINT "ticket_search_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_lexicon_word_trgm_idx" ON "search_lexicon" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "ticket_search_document_idx" ON "ticket_search" USING gin ("document");
--> statement-breakpoint
-- Narrow heap rows: documents go out of line (uncompressed: ranking reads them back) as soon as a
-- row passes 128 bytes, so a count over 100k matches reads ~60-byte rows. Room on each page for
-- the in-place (HOT) updates a status change makes.
ALTER TABLE "ticket_search" SET (toast_tuple_target = 128, fillfactor = 90);
--> statement-breakpoint
ALTER TABLE "ticket_search" ALTER COLUMN "document" SET STORAGE EXTERNAL;
--> statement-breakpoint
ALTER TABLE "ticket_search" ALTER COLUMN "public_document" SET STORAGE EXTERNAL;
--> statement-breakpoint
-- english until a server starts with another SEARCH_LANGUAGE (no row: a new database stays
-- empty, which db:import requires).
CREATE FUNCTION search_language() RETURNS regconfig LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT language::regconfig FROM search_settings), 'english'::regconfig)
$$;
--> statement-breakpoint
CREATE FUNCTION search_words(cfg regconfig, body text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector(cfg, coalesce(body, '')), weight)
$$;
--> statement-breakpoint
-- "invoice_2024-final.pdf" is one token to the parser: also index its parts.
CREATE FUNCTION search_file_words(cfg regconfig, names text) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector(cfg, coalesce(names, '')) ||
                   to_tsvector(cfg, regexp_replace(coalesce(names, ''), '[._\-]+', ' ', 'g')), 'C')
$$;
--> statement-breakpoint
CREATE FUNCTION search_ticket_words(cfg regconfig, title text, description text, summary text) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
  SELECT search_words(cfg, title, 'A') || search_words(cfg, description, 'B') || search_words(cfg, summary, 'B')
$$;
--> statement-breakpoint
-- Appends a comment's words. tsvector holds at most 1 MB: a ticket whose document passed 512 kB
-- keeps growing by words only (no positions), which a new word adds a few bytes to.
CREATE FUNCTION search_append(doc tsvector, words tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN pg_column_size(doc) > 524288 THEN doc || strip(words) ELSE doc || words END
$$;
--> statement-breakpoint
-- Remembers the words of a document for the typo fallback (letters only: numbers, ids and
-- addresses are never "corrected" to).
CREATE FUNCTION search_learn(words tsvector) RETURNS void LANGUAGE sql AS $$
  INSERT INTO search_lexicon (word)
  SELECT w FROM unnest(tsvector_to_array(words)) AS w
  WHERE w ~ '^[[:alpha:]]{3,40}$' AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.word = w)
  ON CONFLICT DO NOTHING
$$;
--> statement-breakpoint
-- A ticket's documents built from everything it holds: after a change that is not a plain new
-- comment (edited text, analysis summary, email subjects, attachments, moved comments) and when the
-- language changes. Capped texts keep even a very long thread under tsvector's 1 MB.
CREATE FUNCTION search_refresh(p_ticket uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cfg regconfig := search_language();
  t tickets%ROWTYPE;
  shared tsvector;
  private tsvector;
BEGIN
  SELECT * INTO t FROM tickets WHERE id = p_ticket;
  IF NOT FOUND THEN
    RETURN; -- deleted in this transaction; the cascade removed its row
  END IF;
  SELECT search_words(cfg, left(string_agg(m.subject, E'\n' ORDER BY m.received_at), 100000), 'B')
    INTO shared FROM inbound_messages m
    WHERE m.ticket_id = p_ticket AND m.outcome IN ('ticket_created', 'comment_added');
  shared := search_ticket_words(cfg, t.title, t.description, t.summary) || shared;
  SELECT shared || search_words(cfg, left(string_agg(c.body, E'\n' ORDER BY c.created_at, c.id) FILTER (WHERE NOT c.internal), 1000000), 'C'),
         search_words(cfg, left(string_agg(c.body, E'\n' ORDER BY c.created_at, c.id) FILTER (WHERE c.internal), 1000000), 'C')
    INTO shared, private
    FROM ticket_comments c WHERE c.ticket_id = p_ticket;
  -- A file on an internal note is staff-only; so is a staff upload no comment has claimed yet.
  SELECT shared || search_file_words(cfg, string_agg(f.filename, E'\n') FILTER (WHERE NOT f.internal)),
         private || search_file_words(cfg, string_agg(f.filename, E'\n') FILTER (WHERE f.internal))
    INTO shared, private
    FROM (
      SELECT a.filename,
             CASE WHEN a.comment_id IS NOT NULL THEN coalesce(c.internal, false)
                  ELSE coalesce(u.role IN ('moderator', 'admin'), false) END AS internal
      FROM attachments a
      LEFT JOIN ticket_comments c ON c.id = a.comment_id
      LEFT JOIN users u ON u.id = a.uploaded_by
      WHERE a.ticket_id = p_ticket
    ) f;
  INSERT INTO ticket_search (ticket_id, created_at, status, priority, assigned_to, document, public_document)
  VALUES (t.id, t.created_at, t.status, t.priority, t.assigned_to, shared || private,
          CASE WHEN length(private) = 0 THEN NULL ELSE shared END)
  ON CONFLICT (ticket_id) DO UPDATE SET
    created_at = EXCLUDED.created_at, status = EXCLUDED.status, priority = EXCLUDED.priority,
    assigned_to = EXCLUDED.assigned_to, document = EXCLUDED.document, public_document = EXCLUDED.public_document;
  PERFORM search_learn(shared || private);
END;
$$;
--> statement-breakpoint
-- The two hot paths are incremental: a new ticket tokenises its own text only, a new comment
-- appends its words (the cost does not grow with the length of the thread's other comments).
CREATE FUNCTION search_ticket_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  words tsvector := search_ticket_words(search_language(), NEW.title, NEW.description, NEW.summary);
BEGIN
  INSERT INTO ticket_search (ticket_id, created_at, status, priority, assigned_to, document)
  VALUES (NEW.id, NEW.created_at, NEW.status, NEW.priority, NEW.assigned_to, words);
  PERFORM search_learn(words);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION search_ticket_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_refresh(NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION search_ticket_filters_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ticket_search SET status = NEW.status, priority = NEW.priority, assigned_to = NEW.assigned_to
  WHERE ticket_id = NEW.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION search_comment_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  words tsvector := search_words(search_language(), NEW.body, 'C');
BEGIN
  IF NEW.internal THEN
    -- Set from the row as it was: public_document keeps the document without this note.
    UPDATE ticket_search SET public_document = coalesce(public_document, document),
                             document = search_append(document, words)
    WHERE ticket_id = NEW.ticket_id;
  ELSE
    UPDATE ticket_search SET document = search_append(document, words),
                             public_document = CASE WHEN public_document IS NULL THEN NULL
                                                    ELSE search_append(public_document, words) END
    WHERE ticket_id = NEW.ticket_id;
  END IF;
  PERFORM search_learn(words);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Rarer changes rebuild the affected tickets' documents.
CREATE FUNCTION search_refresh_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM search_refresh(OLD.ticket_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.ticket_id IS DISTINCT FROM OLD.ticket_id) THEN
    PERFORM search_refresh(NEW.ticket_id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "tickets_search_inserted" AFTER INSERT ON "tickets"
  FOR EACH ROW EXECUTE FUNCTION search_ticket_inserted();
--> statement-breakpoint
CREATE TRIGGER "tickets_search_text" AFTER UPDATE OF "title", "description", "summary" ON "tickets"
  FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description
                     OR OLD.summary IS DISTINCT FROM NEW.summary)
  EXECUTE FUNCTION search_ticket_text_changed();
--> statement-breakpoint
CREATE TRIGGER "tickets_search_filters" AFTER UPDATE OF "status", "priority", "assigned_to" ON "tickets"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.priority IS DISTINCT FROM NEW.priority
                     OR OLD.assigned_to IS DISTINCT FROM NEW.assigned_to)
  EXECUTE FUNCTION search_ticket_filters_changed();
--> statement-breakpoint
CREATE TRIGGER "ticket_comments_search_inserted" AFTER INSERT ON "ticket_comments"
  FOR EACH ROW EXECUTE FUNCTION search_comment_inserted();
--> statement-breakpoint
CREATE TRIGGER "ticket_comments_search_changed" AFTER UPDATE OF "ticket_id", "body", "internal" OR DELETE ON "ticket_comments"
  FOR EACH ROW EXECUTE FUNCTION search_refresh_changed();
--> statement-breakpoint
CREATE TRIGGER "attachments_search_changed" AFTER INSERT OR UPDATE OF "ticket_id", "comment_id", "filename" OR DELETE ON "attachments"
  FOR EACH ROW EXECUTE FUNCTION search_refresh_changed();
--> statement-breakpoint
CREATE TRIGGER "inbound_messages_search_changed" AFTER INSERT OR UPDATE OF "ticket_id", "outcome", "subject" ON "inbound_messages"
  FOR EACH ROW EXECUTE FUNCTION search_refresh_changed();
--> statement-breakpoint
-- Tickets filed before this migration.
SELECT search_refresh(id) FROM tickets;
