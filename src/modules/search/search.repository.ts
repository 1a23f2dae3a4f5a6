// Search SQL over ticket_search (migration 0021). Every function takes `db` first. Queries take the
// tsquery as its text (computed once by `resolveTsquery`), so each statement has one parameter for
// it and EXPLAIN shows the query as PostgreSQL runs it.
import { inArray, type SQL, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { type TicketPriority, type TicketRow, type TicketStatus, tickets } from '../../db/schema.js'

/**
 * How many of the newest matches are ranked by relevance. Ranking reads each match's document;
 * a common word matches 100k tickets at a million, and ranking them all takes seconds. So the
 * newest RANK_WINDOW matches are ranked, and older ones follow by date (README, "Search").
 */
export const RANK_WINDOW = 1000

/** Who is searching: staff search every document; a requester the public documents of the tickets they may see. */
export type Searcher = { staff: true } | { staff: false; userId: string }

export interface SearchFilter {
  status?: TicketStatus | undefined
  priority?: TicketPriority | undefined
  /** A user id, or null for unassigned. */
  assignedTo?: string | null | undefined
}

/** Markers ts_headline puts around matches; removed from the text first, turned into <mark> after escaping. */
export const MARK_START = '\u0001'
export const MARK_END = '\u0002'

type Rows<T> = { rows: T[] }

async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as Rows<T>
  return result.rows
}

/** The tsquery's text ('' when every word was a stop word). */
export async function resolveTsquery(db: DbOrTx, expression: SQL): Promise<string> {
  const [row] = await rows<{ query: string }>(db, sql`SELECT (${expression})::text AS query`)
  return row?.query ?? ''
}

function visibleDocument(searcher: Searcher): SQL {
  return searcher.staff ? sql`s.document` : sql`coalesce(s.public_document, s.document)`
}

function matchConditions(searcher: Searcher, tsquery: string, filter: SearchFilter, exclude?: string): SQL {
  const q = sql`${tsquery}::tsquery`
  const conditions: SQL[] = [sql`s.document @@ ${q}`]
  if (!searcher.staff) {
    // public_document ⊆ document: the first condition lets the planner use the GIN index for a
    // requester with many tickets; this one hides internal notes.
    conditions.push(sql`coalesce(s.public_document, s.document) @@ ${q}`)
    conditions.push(sql`s.ticket_id IN (${visibleTicketIds(searcher.userId)})`)
  }
  if (filter.status) conditions.push(sql`s.status = ${filter.status}`)
  if (filter.priority) conditions.push(sql`s.priority = ${filter.priority}`)
  if (filter.assignedTo === null) conditions.push(sql`s.assigned_to IS NULL`)
  else if (filter.assignedTo) conditions.push(sql`s.assigned_to = ${filter.assignedTo}::uuid`)
  if (exclude) conditions.push(sql`s.ticket_id <> ${exclude}::uuid`)
  return sql.join(conditions, sql` AND `)
}

/** A requester's tickets: filed by them, or followed (participants.ts). */
function visibleTicketIds(userId: string): SQL {
  return sql`SELECT id FROM tickets WHERE created_by = ${userId}::uuid
             UNION ALL SELECT ticket_id FROM ticket_participants WHERE user_id = ${userId}::uuid`
}

export interface MatchPage {
  total: number
  ids: string[]
}

export interface MatchQueryInput {
  searcher: Searcher
  tsquery: string
  filter: SearchFilter
  offset: number
  limit: number
  /** A ticket already shown first (the number lookup): not counted or listed again. */
  exclude?: string | undefined
  /** RANK_WINDOW unless a test wants a small one. */
  rankWindow?: number
}

/**
 * The ranked part of a page and the exact total, in one statement: the matches are read once
 * (GIN bitmap over ticket_search's narrow rows), counted, and the newest RANK_WINDOW of them ranked.
 */
export function rankedPageQuery(input: MatchQueryInput): SQL {
  const { searcher, tsquery, filter, offset, limit, exclude } = input
  const document = visibleDocument(searcher)
  const rankWindow = input.rankWindow ?? RANK_WINDOW
  return sql`
    WITH matches AS MATERIALIZED (
      SELECT s.ticket_id, s.created_at FROM ticket_search s
      WHERE ${matchConditions(searcher, tsquery, filter, exclude)}
    ), newest AS (
      SELECT ticket_id, created_at FROM matches ORDER BY created_at DESC, ticket_id DESC LIMIT ${rankWindow}
    ), page AS (
      SELECT n.ticket_id, ts_rank(${document}, ${tsquery}::tsquery) AS rank, n.created_at
      FROM newest n JOIN ticket_search s ON s.ticket_id = n.ticket_id
      ORDER BY rank DESC, n.created_at DESC, n.ticket_id DESC
      OFFSET ${offset} LIMIT ${limit}
    )
    SELECT (SELECT count(*) FROM matches)::int AS total, page.ticket_id
    FROM (SELECT 1) AS one LEFT JOIN page ON true
    ORDER BY page.rank DESC, page.created_at DESC, page.ticket_id DESC`
}

/** Matches past the ranked window, by date. */
export function olderPageQuery(input: MatchQueryInput): SQL {
  const { searcher, tsquery, filter, offset, limit, exclude } = input
  return sql`
    SELECT s.ticket_id FROM ticket_search s
    WHERE ${matchConditions(searcher, tsquery, filter, exclude)}
    ORDER BY s.created_at DESC, s.ticket_id DESC
    OFFSET ${offset} LIMIT ${limit}`
}

/**
 * Settings for a search's statements alone (their own transaction). The matches are collected in
 * a bitmap of heap pages; past work_mem (4 MB by default: roughly 60k pages) it turns lossy, and
 * every row of a lossy page is read and tested again. At 1M tickets (88k pages of ticket_search)
 * a word in 15% of them re-tested 311k extra rows, about half of the statement's time
 * (bench/results/search-explain.txt). 32 MB keeps the bitmap exact to several million tickets,
 * and is only allocated as far as the matches need it.
 */
const SEARCH_SETTINGS = sql`SELECT set_config('work_mem', '32MB', true)`

export async function findMatches(db: DbOrTx, input: MatchQueryInput): Promise<MatchPage> {
  return db.transaction(async (tx) => {
    await tx.execute(SEARCH_SETTINGS)
    return findMatchesIn(tx, input)
  })
}

async function findMatchesIn(db: DbOrTx, input: MatchQueryInput): Promise<MatchPage> {
  const ranked = await rows<{ total: number; ticket_id: string | null }>(db, rankedPageQuery(input))
  const total = ranked[0]?.total ?? 0
  const ids = ranked.flatMap((r) => (r.ticket_id === null ? [] : [r.ticket_id]))
  const end = input.offset + input.limit
  const rankWindow = input.rankWindow ?? RANK_WINDOW
  if (end > rankWindow && total > rankWindow && ids.length < input.limit) {
    const offset = Math.max(input.offset, rankWindow)
    const older = await rows<{ ticket_id: string }>(
      db,
      olderPageQuery({ ...input, offset, limit: end - offset }),
    )
    ids.push(...older.map((r) => r.ticket_id))
  }
  return { total, ids }
}

/** The ticket with this number if the searcher may see it and it passes the filters. */
export async function findByNumber(
  db: DbOrTx,
  searcher: Searcher,
  number: number,
  filter: SearchFilter,
): Promise<string | undefined> {
  const conditions: SQL[] = [sql`t.number = ${number}`]
  if (!searcher.staff) conditions.push(sql`t.id IN (${visibleTicketIds(searcher.userId)})`)
  if (filter.status) conditions.push(sql`t.status = ${filter.status}`)
  if (filter.priority) conditions.push(sql`t.priority = ${filter.priority}`)
  if (filter.assignedTo === null) conditions.push(sql`t.assigned_to IS NULL`)
  else if (filter.assignedTo) conditions.push(sql`t.assigned_to = ${filter.assignedTo}::uuid`)
  const [row] = await rows<{ id: string }>(
    db,
    sql`SELECT t.id FROM tickets t WHERE ${sql.join(conditions, sql` AND `)}`,
  )
  return row?.id
}

export async function loadTickets(db: DbOrTx, ids: string[]): Promise<TicketRow[]> {
  if (ids.length === 0) return []
  return db.select().from(tickets).where(inArray(tickets.id, ids))
}

export interface HighlightRow {
  id: string
  title: string
  body: string
}

const HEADLINE_MARKS = `StartSel=${MARK_START}, StopSel=${MARK_END}`

/**
 * Snippets with the matches between MARK_START and MARK_END: the whole title; for the body the
 * best fragments of the description, else of the summary, else of the first comment the searcher
 * may see that matches, else the description's opening (the match was a subject or a file name).
 */
export async function highlights(
  db: DbOrTx,
  searcher: Searcher,
  ids: string[],
  tsquery: string,
): Promise<HighlightRow[]> {
  if (ids.length === 0) return []
  const q = sql`${tsquery}::tsquery`
  const clean = (column: SQL) => sql`translate(${column}, ${MARK_START + MARK_END}, '')`
  const fragments = `${HEADLINE_MARKS}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "`
  const headline = (text: SQL) => sql`ts_headline(search_language(), ${clean(text)}, ${q}, ${fragments})`
  const matches = (text: SQL) => sql`to_tsvector(search_language(), ${text}) @@ ${q}`
  const commentVisible = searcher.staff ? sql`true` : sql`NOT c.internal`
  return rows<HighlightRow>(
    db,
    sql`
      SELECT t.id,
        ts_headline(search_language(), ${clean(sql`t.title`)}, ${q}, ${`${HEADLINE_MARKS}, HighlightAll=true`}) AS title,
        CASE
          WHEN ${matches(sql`t.description`)} THEN ${headline(sql`t.description`)}
          WHEN t.summary IS NOT NULL AND ${matches(sql`t.summary`)} THEN ${headline(sql`t.summary`)}
          ELSE coalesce(
            (SELECT ${headline(sql`c.body`)} FROM ticket_comments c
             WHERE c.ticket_id = t.id AND ${commentVisible} AND ${matches(sql`c.body`)}
             ORDER BY c.created_at, c.id LIMIT 1),
            ${headline(sql`t.description`)})
        END AS body
      FROM tickets t
      WHERE t.id IN (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
  )
}

/**
 * The known word most like each of `words` (pg_trgm similarity), for the typo fallback. Staff:
 * every word any ticket holds (search_lexicon); a requester: only the words of tickets they may
 * see, so a correction never reveals what someone else's ticket says. A word that is already
 * known (its stem is) gets no correction.
 */
export async function similarWords(
  db: DbOrTx,
  searcher: Searcher,
  words: string[],
): Promise<Map<string, string>> {
  const corrections = new Map<string, string>()
  for (const raw of words) {
    const word = raw.toLowerCase()
    const stem = sql`coalesce((SELECT string_agg(lexeme, ' ') FROM unnest(to_tsvector(search_language(), ${word}))), ${word})`
    const candidates = searcher.staff
      ? sql`SELECT l.word FROM search_lexicon l WHERE l.word % ${word} OR l.word % ${stem}`
      : sql`SELECT DISTINCT w AS word
            FROM ticket_search s, unnest(tsvector_to_array(coalesce(s.public_document, s.document))) AS w
            WHERE s.ticket_id IN (${visibleTicketIds(searcher.userId)})
              AND w ~ '^[[:alpha:]]{3,40}$' AND (w % ${word} OR w % ${stem})`
    const [best] = await rows<{ word: string; known: boolean }>(
      db,
      sql`SELECT c.word, c.word = ${stem} AS known FROM (${candidates}) c
          ORDER BY c.word = ${stem} DESC, greatest(similarity(c.word, ${word}), similarity(c.word, ${stem})) DESC, c.word
          LIMIT 1`,
    )
    if (best && !best.known) corrections.set(word, best.word)
  }
  return corrections
}
