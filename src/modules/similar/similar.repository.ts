// The SQL of similar tickets. Built on the search index (ticket_search.document and its GIN index,
// migration 0017): no text index of its own. Every function takes `db` or a transaction first.
import { inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { type TicketRow, tickets } from '../../db/schema.js'

/** A lexeme of a ticket's own text (title and description), and whether the title has it. */
export interface Term {
  lexeme: string
  inTitle: boolean
}

/** A ticket in the shortlist: its number, status, and the lexemes of its own text. */
export interface CandidateTerms {
  ticketId: string
  /** pg_trgm's similarity of its title to the source's (0–1). */
  titleSimilarity: number
  terms: Term[]
}

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows

/**
 * The lexemes of a text as the index holds them (the search language's stemming and stop words):
 * title words carry weight A, description words B (search_ticket_words, migration 0017).
 */
export async function termsOf(db: DbOrTx, title: string, description: string): Promise<Term[]> {
  const rows = rowsOf<{ lexeme: string; weights: string[] | string }>(
    await db.execute(sql`
      SELECT lexeme, weights
      FROM unnest(search_ticket_words(search_language(), ${title}, ${description}, NULL))`),
  )
  return rows.map((r) => ({ lexeme: r.lexeme, inTitle: weightsOf(r.weights).includes('A') }))
}

/** node-postgres gives a "char"[] as its text form ({A,B}); PGlite as an array. */
function weightsOf(value: string[] | string): string[] {
  return Array.isArray(value) ? value : value.replace(/[{}]/g, '').split(',')
}

/**
 * How common the most common lexemes are, from the planner's statistics on the index column
 * (ANALYZE fills them; autovacuum keeps them fresh on PostgreSQL): fraction of tickets holding
 * each, and how many tickets there are. Empty until the table was analysed.
 */
export async function lexemeStats(db: DbOrTx): Promise<{ freq: Map<string, number>; tickets: number }> {
  const rows = rowsOf<{ elems: string[] | string | null; freqs: number[] | string | null; tickets: number }>(
    await db.execute(sql`
      SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs::float8[] AS freqs,
             greatest(c.reltuples, 0)::float8 AS tickets
      FROM pg_class c
      LEFT JOIN pg_stats s ON s.tablename = 'ticket_search' AND s.attname = 'document'
                          AND s.schemaname = current_schema()
      WHERE c.oid = 'ticket_search'::regclass`),
  )
  const row = rows[0]
  const freq = new Map<string, number>()
  const elems = row?.elems ? textArray(row.elems) : []
  const freqs = row?.freqs ? numberArray(row.freqs) : []
  elems.forEach((lexeme, i) => {
    const f = freqs[i]
    if (f !== undefined) freq.set(lexeme, f)
  })
  return { freq, tickets: Number(row?.tickets ?? 0) }
}

function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value
  // {a,"b c"}: pg's array text form; lexemes hold no commas or quotes in practice, but strip them.
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((s) => s.replace(/^"|"$/g, ''))
    .filter((s) => s !== '')
}

function numberArray(value: number[] | string): number[] {
  return Array.isArray(value) ? value.map(Number) : textArray(value).map(Number)
}

/** A lexeme as a tsquery operand: quoted, so the parser takes it as it is (no stemming again). */
export const quoteLexeme = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/**
 * The best `limit` tickets (other than `excludeId`) whose document matches `query` (a tsquery in
 * text form), by cover density over the whole document; each with the lexemes of its own text
 * (weights A and B: title, description, summary, email subjects). GIN-driven: only tickets that
 * match are read. Merged tickets are left out (their thread lives on the ticket they went into).
 */
export async function shortlist(
  db: DbOrTx,
  query: string,
  options: {
    title: string
    excludeId: string | null
    limit: number
    sample: number
    createdBy?: string
    openOnly?: boolean
  },
): Promise<CandidateTerms[]> {
  const rows = rowsOf<{
    ticket_id: string
    title_similarity: number
    lexemes: string[] | string
    titled: string[] | string
  }>(
    await db.execute(sql`
      WITH q AS (SELECT ${query}::tsquery AS q),
      -- At most \`sample\` matches are ranked: a bitmap index scan, then the heap stops there. Only
      -- a query of common words reaches it; distinctive words match fewer tickets than that.
      matched AS MATERIALIZED (
        SELECT s.ticket_id, s.document, s.created_at
        FROM ticket_search s, q
        WHERE s.document @@ q.q
          ${options.excludeId ? sql`AND s.ticket_id <> ${options.excludeId}` : sql``}
          ${options.openOnly ? sql`AND s.status IN ('todo', 'in_progress', 'waiting_for_customer')` : sql``}
          ${options.createdBy ? sql`AND s.ticket_id IN (SELECT id FROM tickets WHERE created_by = ${options.createdBy})` : sql``}
        LIMIT ${options.sample}
      ),
      hits AS (
        SELECT m.ticket_id, m.document
        FROM matched m, q
        ORDER BY ts_rank_cd(m.document, q.q) DESC, m.created_at DESC
        LIMIT ${options.limit}
      )
      SELECT h.ticket_id, similarity(lower(t.title), lower(${options.title})) AS title_similarity,
             w.lexemes, w.titled
      FROM hits h
      JOIN tickets t ON t.id = h.ticket_id
      -- One pass over each document: its own words (A: title; B: description, summary, subjects).
      CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(u.lexeme) FILTER (WHERE u.weights && '{A,B}'::text[]), '{}') AS lexemes,
               coalesce(array_agg(u.lexeme) FILTER (WHERE 'A' = ANY(u.weights)), '{}') AS titled
        FROM unnest(h.document) u
      ) w
      WHERE t.merged_into IS NULL`),
  )
  return rows.map((r) => {
    const titled = new Set(textArray(r.titled))
    return {
      ticketId: r.ticket_id,
      titleSimilarity: Number(r.title_similarity),
      terms: textArray(r.lexemes).map((lexeme) => ({ lexeme, inTitle: titled.has(lexeme) })),
    }
  })
}

/**
 * The tickets `ids` with their resolution: the text of the last public reply by a moderator or
 * admin written before the ticket was last resolved (null if it never was, or nobody replied).
 */
export async function ticketsWithResolution(
  db: DbOrTx,
  ids: string[],
): Promise<{ ticket: TicketRow; resolution: string | null; resolvedBy: string | null }[]> {
  if (ids.length === 0) return []
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      SELECT t.id, r.resolution, res.resolved_by
      FROM tickets t
      LEFT JOIN LATERAL (
        SELECT e.created_at AS resolved_at, e.actor_id AS resolved_by
        FROM ticket_events e
        WHERE e.ticket_id = t.id AND e.type = 'status_changed' AND e.to_value = 'resolved'
        ORDER BY e.seq DESC LIMIT 1
      ) res ON t.status IN ('resolved', 'closed')
      LEFT JOIN LATERAL (
        SELECT c.body AS resolution
        FROM ticket_comments c JOIN users u ON u.id = c.author_id
        WHERE c.ticket_id = t.id AND NOT c.internal AND u.role IN ('moderator', 'admin')
          AND c.created_at <= res.resolved_at
        ORDER BY c.created_at DESC, c.id DESC LIMIT 1
      ) r ON true
      WHERE t.id = ANY(${sql.param(ids)}::uuid[])`),
  )
  const extra = new Map(
    rows.map((r) => [
      String(r.id),
      {
        resolution: typeof r.resolution === 'string' ? r.resolution : null,
        resolvedBy: typeof r.resolved_by === 'string' ? r.resolved_by : null,
      },
    ]),
  )
  const found = await db.select().from(tickets).where(inArray(tickets.id, ids))
  return found.map((ticket) => ({
    ticket,
    resolution: extra.get(ticket.id)?.resolution ?? null,
    resolvedBy: extra.get(ticket.id)?.resolvedBy ?? null,
  }))
}

/** A kept list entry (ticket_similar, migration 0025). */
export interface ListedMatch {
  ticketId: string
  similarity: number
}

/**
 * The ticket's kept list, best first (at most `limit`, merged tickets left out), or undefined when
 * it was never computed.
 */
export async function keptList(
  db: DbOrTx,
  ticketId: string,
  limit: number,
): Promise<ListedMatch[] | undefined> {
  const rows = rowsOf<{ similar_id: string | null; similarity: number | null }>(
    await db.execute(sql`
      SELECT m.similar_id, m.similarity
      FROM ticket_similar_lists l
      LEFT JOIN LATERAL (
        SELECT s.similar_id, s.similarity
        FROM ticket_similar s JOIN tickets t ON t.id = s.similar_id
        WHERE s.ticket_id = l.ticket_id AND t.merged_into IS NULL
        ORDER BY s.similarity DESC, s.similar_id
        LIMIT ${limit}
      ) m ON true
      WHERE l.ticket_id = ${ticketId}`),
  )
  if (rows.length === 0) return undefined
  return rows.flatMap((r) =>
    r.similar_id === null ? [] : [{ ticketId: r.similar_id, similarity: Number(r.similarity) }],
  )
}

/**
 * Keeps `matches` in the ticket's list and marks it computed, and adds the ticket to the lists
 * of those matches (computed or not yet) where it ranks among their best `listSize`. Entries
 * others added are kept: a similar ticket analysed at the same moment adds itself to this list
 * without seeing it. Nothing is trimmed: an entry only joins above a list's `listSize`-th best,
 * and reads take the best. One statement, its rows in key order, so two tickets adding each
 * other at once take their row locks in the same order (no deadlock).
 */
export async function keepList(
  db: DbOrTx,
  ticketId: string,
  matches: ListedMatch[],
  listSize: number,
): Promise<void> {
  const ids = sql.param(matches.map((m) => m.ticketId))
  const scores = sql.param(matches.map((m) => m.similarity))
  await db.execute(sql`
    INSERT INTO ticket_similar_lists (ticket_id) VALUES (${ticketId})
    ON CONFLICT (ticket_id) DO UPDATE SET created_at = now()`)
  if (matches.length === 0) return
  // Similarity is symmetric (the cosine of the two tickets' words, the trigram similarity of their titles).
  await db.execute(sql`
    WITH m AS (SELECT * FROM unnest(${ids}::uuid[], ${scores}::float8[]) AS m(id, score))
    INSERT INTO ticket_similar (ticket_id, similar_id, similarity)
    SELECT e.ticket_id, e.similar_id, e.score FROM (
      SELECT ${ticketId}::uuid AS ticket_id, m.id AS similar_id, m.score FROM m
      UNION ALL
      SELECT m.id, ${ticketId}::uuid, m.score FROM m
      WHERE m.score > coalesce(
        (SELECT s.similarity FROM ticket_similar s WHERE s.ticket_id = m.id
         ORDER BY s.similarity DESC OFFSET ${listSize - 1} LIMIT 1), 0)
    ) e
    ORDER BY e.ticket_id, e.similar_id
    ON CONFLICT (ticket_id, similar_id) DO UPDATE SET similarity = excluded.similarity`)
}
