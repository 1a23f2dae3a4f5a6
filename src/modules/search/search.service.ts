// Search use cases: parse the query, find the page, mark the matches up safely.
import type { Db } from '../../db/client.js'
import { badRequest } from '../../errors.js'
import type { SessionUser } from '../auth/session.repository.js'
import * as ticketRepo from '../tickets/ticket.repository.js'
import { isStaff } from '../users/roles.js'
import {
  correctableWords,
  hasPositiveClause,
  type ParsedQuery,
  parseSearchQuery,
  toTsquery,
  withCorrections,
} from './search.query.js'
import * as repo from './search.repository.js'
import type { SearchHitDto, SearchInput, SearchMeta } from './search.schemas.js'

type Actor = Pick<SessionUser, 'id' | 'role'>

export const NOTHING_TO_SEARCH = 'q must contain a word to search for, not only excluded ones'

export function searcherOf(user: Actor): repo.Searcher {
  return isStaff(user) ? { staff: true } : { staff: false, userId: user.id }
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)

/** Escapes everything, then turns ts_headline's markers into the only markup a snippet carries. */
export function markUp(snippet: string): string {
  const escaped = escapeHtml(snippet)
  return escaped.replaceAll(repo.MARK_START, '<mark>').replaceAll(repo.MARK_END, '</mark>')
}

function filterOf(input: SearchInput): repo.SearchFilter {
  return {
    status: input.status,
    priority: input.priority,
    assignedTo: input.assigned_to === 'unassigned' ? null : input.assigned_to?.toLowerCase(),
  }
}

interface Found {
  tsquery: string
  total: number
  ids: string[]
}

async function find(
  db: Db,
  searcher: repo.Searcher,
  query: ParsedQuery,
  filter: repo.SearchFilter,
  window: { offset: number; limit: number },
  pinned: string | undefined,
): Promise<Found> {
  const tsquery = await repo.resolveTsquery(db, toTsquery(query))
  if (tsquery === '') return { tsquery, total: 0, ids: [] }
  // The pinned ticket holds position 0: text matches start one later.
  const offset = pinned === undefined ? window.offset : Math.max(0, window.offset - 1)
  const limit = pinned !== undefined && window.offset === 0 ? window.limit - 1 : window.limit
  if (limit === 0) {
    const { total } = await repo.findMatches(db, {
      searcher,
      tsquery,
      filter,
      offset: 0,
      limit: 0,
      exclude: pinned,
    })
    return { tsquery, total, ids: [] }
  }
  const page = await repo.findMatches(db, { searcher, tsquery, filter, offset, limit, exclude: pinned })
  return { tsquery, ...page }
}

export async function searchTickets(
  db: Db,
  user: Actor,
  input: SearchInput,
): Promise<{ rows: SearchHitDto[]; meta: SearchMeta }> {
  const page = input.page ?? 1
  const limit = input.limit ?? 20
  const parsed = parseSearchQuery(input.q)
  if (parsed.number === undefined && !hasPositiveClause(parsed)) throw badRequest(NOTHING_TO_SEARCH)
  const searcher = searcherOf(user)
  const filter = filterOf(input)
  const window = { offset: (page - 1) * limit, limit }

  const pinned =
    parsed.number === undefined ? undefined : await repo.findByNumber(db, searcher, parsed.number, filter)
  let found = await find(db, searcher, parsed, filter, window, pinned)
  let fuzzy = false
  if (found.total === 0 && pinned === undefined) {
    const corrections = await repo.similarWords(db, searcher, correctableWords(parsed))
    if (corrections.size > 0) {
      fuzzy = true
      found = await find(db, searcher, withCorrections(parsed, corrections), filter, window, undefined)
    }
  }

  const ids = pinned !== undefined && window.offset === 0 ? [pinned, ...found.ids] : found.ids
  const [tickets, marks] = await Promise.all([
    repo.loadTickets(db, ids),
    repo.highlights(db, searcher, ids, found.tsquery),
  ])
  const byId = new Map(tickets.map((t) => [t.id, t]))
  const marksById = new Map(marks.map((m) => [m.id, m]))
  const rows = ids.flatMap((id) => {
    const ticket = byId.get(id)
    if (!ticket) return [] // deleted between the two reads
    const mark = marksById.get(id)
    return [
      {
        ...ticketRepo.toTicketDto(ticket),
        highlight: {
          title: markUp(mark?.title ?? ticket.title),
          body: markUp(mark?.body ?? ticket.description.slice(0, 300)),
        },
      },
    ]
  })
  const total = found.total + (pinned === undefined ? 0 : 1)
  return { rows, meta: { total, page, limit, ...(fuzzy ? { fuzzy: true } : {}) } }
}
