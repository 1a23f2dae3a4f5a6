// Similar tickets (api-contract.md, "Similar tickets and merge"): the tickets most like a given one,
// each with a similarity from 0 to 1 and, once resolved, how it was resolved.
//
// Two stages, both on the search index (ticket_search.document, GIN), so the cost follows the
// number of tickets that share the ticket's distinctive words, not the number of tickets:
//   1. shortlist: an OR query of the ticket's most distinctive lexemes (rarest first, title words
//      counted double; lexemes in more than COMMON of tickets left out, in more than MIDDLING never
//      used), ranked by cover density (ts_rank_cd) over the whole document; the best SHORTLIST
//      tickets. When those lexemes are common enough that the OR would match more than
//      MATCH_BUDGET tickets, the query asks for any two of them instead (fewer, better matches),
//      and at most SAMPLE matches are ranked: the cost is bounded whatever the words.
//   2. score: cosine similarity of the two tickets' own words (title and description; weighted by
//      rarity, idf, title words double), blended with pg_trgm's similarity of the titles
//      (catches "VPN drops" / "VPN keeps dropping" that stemming may miss).
// Rarity comes from the planner's statistics of the index column (pg_stats.most_common_elems, which
// ANALYZE keeps): no count over the tickets is ever made.
import type { DbOrTx } from '../../db/client.js'
import type { TicketRow } from '../../db/schema.js'
import * as repo from './similar.repository.js'

/** Tickets scored in stage 2. */
const SHORTLIST = 40
/** Lexemes in the stage-1 query. */
const QUERY_TERMS = 12
/** Lexemes paired with each other when the OR would match too many tickets. */
const PAIRED_TERMS = 8
/** A lexeme held by more tickets than this fraction is left out of the query (it still scores). */
const COMMON = 0.05
/**
 * When a ticket has fewer than two distinctive lexemes, up to MIDDLING_TERMS of those held by at
 * most this fraction join the query; lexemes more common than that never do (their posting lists
 * are a large part of the index).
 */
const MIDDLING = 0.25
const MIDDLING_TERMS = 4
/**
 * Matches ranked at most: bounds a query of common words (similar.repository.ts, shortlist).
 * Cover density over a query of 20 lexeme pairs costs ~0.05 ms a document: ranking 2,000 took
 * 114 ms of a 216 ms lookup at 1M tickets (loaded machine), 500 take ~20 ms. The holdout's
 * recall@5 is the same (96.0 %): 40 of them go on to be scored either way.
 */
const SAMPLE = 500
/** The same for a query of middling words only (every match shares only common ground). */
const MIDDLING_SAMPLE = 500
/**
 * Lexemes that never make the query (they still score): numbers and hashes (over half digits, or
 * over 20 characters), which name one thing (an order, a reference), not what a ticket is about.
 */
const queryable = (lexeme: string) =>
  lexeme.length <= 20 && (lexeme.match(/\d/g)?.length ?? 0) * 2 <= lexeme.length
/** Estimated index hits beyond which the query asks for two shared lexemes. */
const MATCH_BUDGET = 20_000
const TITLE_BOOST = 2
/** Share of the title trigram similarity in the final score. */
const TITLE_SHARE = 0.2
/** Statistics are read again after this long. */
const STATS_TTL_MS = 60_000

export interface SimilarMatch {
  ticketId: string
  similarity: number
}

export type Stats = Awaited<ReturnType<typeof repo.lexemeStats>>
// Keyed by the object a caller passes: a database hits it every time, a transaction (a new
// object each time) never does, so code running inside transactions reads the statistics
// beforehand with lexemeStatistics(db) and hands them in (ticket-workflow.ts does).
const statsCache = new WeakMap<DbOrTx, { at: number; stats: Promise<Stats> }>()

/** How common each lexeme is, kept for STATS_TTL_MS per database object. */
export function lexemeStatistics(db: DbOrTx): Promise<Stats> {
  const cached = statsCache.get(db)
  if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached.stats
  const stats = repo.lexemeStats(db)
  statsCache.set(db, { at: Date.now(), stats })
  stats.catch(() => statsCache.delete(db))
  return stats
}

/** How rare a lexeme is: ln(1/fraction of tickets holding it); unknown lexemes are rarer than any known one. */
function rarity(stats: Stats) {
  let least = 1
  for (const f of stats.freq.values()) least = Math.min(least, f)
  const unknown = stats.freq.size > 0 ? least / 2 : 0.001
  const fraction = (lexeme: string) => stats.freq.get(lexeme) ?? unknown
  return {
    fraction,
    idf: (lexeme: string) => Math.log(1 / Math.min(Math.max(fraction(lexeme), 1e-6), 0.999)),
  }
}

type Weights = Map<string, number>

function weigh(terms: repo.Term[], idf: (lexeme: string) => number): Weights {
  const weights: Weights = new Map()
  for (const t of terms) {
    const w = idf(t.lexeme) * (t.inTitle ? TITLE_BOOST : 1)
    weights.set(t.lexeme, Math.max(weights.get(t.lexeme) ?? 0, w))
  }
  return weights
}

function cosine(a: Weights, b: Weights): number {
  let dot = 0
  for (const [lexeme, w] of a) {
    const other = b.get(lexeme)
    if (other !== undefined) dot += w * other
  }
  const norm = (v: Weights) => Math.sqrt([...v.values()].reduce((s, w) => s + w * w, 0))
  const denominator = norm(a) * norm(b)
  return denominator === 0 ? 0 : dot / denominator
}

/** The stage-1 tsquery (text form) and how many matches to rank; undefined when no word is usable. */
function queryFor(
  weights: Weights,
  stats: Stats,
  fraction: (lexeme: string) => number,
): { query: string; sample: number } | undefined {
  const ranked = [...weights.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([lexeme]) => lexeme)
    .filter(queryable)
  const chosen = ranked.filter((l) => fraction(l) <= COMMON).slice(0, QUERY_TERMS)
  const sample = chosen.length >= 2 ? SAMPLE : MIDDLING_SAMPLE
  if (chosen.length < 2)
    chosen.push(
      ...ranked.filter((l) => fraction(l) > COMMON && fraction(l) <= MIDDLING).slice(0, MIDDLING_TERMS),
    )
  if (chosen.length === 0) return undefined
  const estimate = chosen.reduce((sum, l) => sum + fraction(l), 0) * stats.tickets
  if (estimate <= MATCH_BUDGET || chosen.length < 3)
    return { query: chosen.map(repo.quoteLexeme).join(' | '), sample }
  const paired = chosen.slice(0, PAIRED_TERMS)
  const pairs: string[] = []
  for (let i = 0; i < paired.length; i++)
    for (let j = i + 1; j < paired.length; j++)
      pairs.push(`(${repo.quoteLexeme(paired[i] ?? '')} & ${repo.quoteLexeme(paired[j] ?? '')})`)
  return { query: pairs.join(' | '), sample }
}

/**
 * The tickets most similar to a text (a ticket's title and description), best first.
 * `excludeId`: the ticket itself. `createdBy`/`openOnly`: only that user's open tickets.
 */
export async function findSimilar(
  db: DbOrTx,
  text: { title: string; description: string },
  options: {
    limit: number
    excludeId?: string | null
    createdBy?: string
    openOnly?: boolean
    /** Statistics read beforehand (lexemeStatistics); else read (or found cached) for `db`. */
    stats?: Stats
  },
): Promise<SimilarMatch[]> {
  const [terms, stats] = await Promise.all([
    repo.termsOf(db, text.title, text.description),
    options.stats ?? lexemeStatistics(db),
  ])
  const { fraction, idf } = rarity(stats)
  const source = weigh(terms, idf)
  const chosen = queryFor(source, stats, fraction)
  if (!chosen) return []
  const candidates = await repo.shortlist(db, chosen.query, {
    title: text.title,
    excludeId: options.excludeId ?? null,
    limit: SHORTLIST,
    sample: chosen.sample,
    ...(options.createdBy ? { createdBy: options.createdBy } : {}),
    ...(options.openOnly ? { openOnly: true } : {}),
  })
  return candidates
    .map((c) => {
      const words = cosine(source, weigh(c.terms, idf))
      const score = (1 - TITLE_SHARE) * words + TITLE_SHARE * c.titleSimilarity
      return { ticketId: c.ticketId, similarity: Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000 }
    })
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, options.limit)
}

export interface SimilarTicket {
  ticket: TicketRow
  similarity: number
  resolution: string | null
  /** Who resolved it (the actor of its last move to resolved), if it was resolved. */
  resolvedBy: string | null
}

/**
 * Below this a "similar" ticket shares only a stray word or two (a VPN ticket and a database
 * outage, both "since ten minutes", scored 0.08): not shown, nor offered for merging. Set after a
 * new-user try showed such matches beside a real one (0.41); on the holdout pairs it hides 2 of
 * 123 true matches (eval/similar.ts applies it too).
 */
export const SHOWN_FROM = 0.1

/** Entries kept per ticket: the most `GET /api/tickets/:id/similar` can ask for. */
export const LIST_SIZE = 20

/**
 * The tickets most similar to `ticket` (at least SHOWN_FROM), with their resolutions, best first.
 * From the ticket's kept list (ticket_similar): computed once, when the ticket was analysed or
 * first asked for, and joined since by similar tickets filed later. A ticket's title and
 * description never change, so neither does its list's basis; only the word rarities drift.
 * Reading a list costs a few index lookups; computing one a shortlist over the search index
 * (~30 ms at 1M tickets, more when every word is common).
 */
export async function similarTickets(
  db: DbOrTx,
  ticket: Pick<TicketRow, 'id' | 'title' | 'description'>,
  limit: number,
  stats?: Stats,
): Promise<SimilarTicket[]> {
  const kept = await repo.keptList(db, ticket.id, limit)
  if (kept) return withResolutions(db, kept)
  const list = await computeSimilarList(db, ticket, stats)
  await keepSimilarList(db, ticket.id, list)
  return withResolutions(db, list.slice(0, limit))
}

/** The ticket's list as it would be kept: up to LIST_SIZE tickets from SHOWN_FROM, best first. */
export async function computeSimilarList(
  db: DbOrTx,
  ticket: Pick<TicketRow, 'id' | 'title' | 'description'>,
  stats?: Stats,
): Promise<SimilarMatch[]> {
  const found = await findSimilar(db, ticket, {
    limit: LIST_SIZE,
    excludeId: ticket.id,
    ...(stats ? { stats } : {}),
  })
  return found.filter((m) => m.similarity >= SHOWN_FROM)
}

/**
 * Keeps a computed list, whole or not at all (its own transaction, or a savepoint). Keep it in a
 * short transaction: adding the ticket to other tickets' lists waits for anyone adding to the same
 * entries, until they commit (the workflow keeps its list after its own transaction committed).
 */
export async function keepSimilarList(db: DbOrTx, ticketId: string, list: SimilarMatch[]): Promise<void> {
  await db.transaction((tx) => repo.keepList(tx, ticketId, list, LIST_SIZE))
}

async function withResolutions(db: DbOrTx, matches: SimilarMatch[]): Promise<SimilarTicket[]> {
  const rows = new Map(
    (
      await repo.ticketsWithResolution(
        db,
        matches.map((m) => m.ticketId),
      )
    ).map((r) => [r.ticket.id, r]),
  )
  return matches.flatMap((m) => {
    const row = rows.get(m.ticketId)
    return row ? [{ ...row, similarity: m.similarity }] : []
  })
}

/** Similarity from which a new ticket is worth a "you filed something similar" warning. */
export const OWN_SIMILAR_THRESHOLD = 0.35

/** The user's own open tickets that look like the text they are about to file (at most 3). */
export async function ownSimilarOpen(
  db: DbOrTx,
  userId: string,
  text: { title: string; description: string },
): Promise<SimilarTicket[]> {
  const matches = await findSimilar(db, text, { limit: 3, createdBy: userId, openOnly: true })
  return withResolutions(
    db,
    matches.filter((m) => m.similarity >= OWN_SIMILAR_THRESHOLD),
  )
}

/** Similarity from which a resolved ticket's resolution is offered to a new ticket's analysis. */
export const CLOSE_MATCH_THRESHOLD = 0.5

/**
 * The most similar resolved (or closed after resolution) ticket with a resolution, if close
 * enough, and the ticket's whole list (for the caller to keep once its transaction committed).
 */
export async function closestResolved(
  db: DbOrTx,
  ticket: Pick<TicketRow, 'id' | 'title' | 'description'>,
  stats?: Stats,
): Promise<{ match: SimilarTicket | undefined; list: SimilarMatch[] }> {
  const list = await computeSimilarList(db, ticket, stats)
  const near = await withResolutions(
    db,
    list.slice(0, 5).filter((m) => m.similarity >= CLOSE_MATCH_THRESHOLD),
  )
  return { match: near.find((s) => s.resolution !== null), list }
}
