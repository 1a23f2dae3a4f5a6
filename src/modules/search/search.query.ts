// Web-search syntax → a tsquery, built in SQL from parameters (never by pasting user text into
// tsquery syntax). Pure: parsing here, the SQL expression in `toTsquery`.
//
//   printer paris        both words (AND)
//   "paper jam"          the words next to each other, in this order
//   -toner  -"out of"    excludes a word or phrase
//   paris or london      either word; `or` binds the two terms around it, so
//   printer paris or london = printer AND (paris OR london)
//   the last word also matches as a prefix ("prin" finds "printer") so results follow typing.
import { type SQL, sql } from 'drizzle-orm'

export type Term =
  | { kind: 'word'; text: string; prefix: boolean }
  | { kind: 'phrase'; text: string }
  /** A lexeme as stored (the typo fallback's correction): matched as is, no stemming. */
  | { kind: 'lexeme'; text: string }

/** One AND-ed part of the query, matching one of `terms` (an `or` chain), or none of them when `negated`. */
export interface Clause {
  terms: Term[]
  negated: boolean
}

export interface ParsedQuery {
  clauses: Clause[]
  /** `#1042` or `1042`: the ticket with that number goes first. */
  number: number | undefined
}

const NUMBER_QUERY = /^#?(\d{1,9})$/

interface Token {
  text: string
  quoted: boolean
  negated: boolean
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < q.length) {
    const char = q[i] ?? ''
    if (/\s/.test(char)) {
      i += 1
      continue
    }
    let negated = false
    if (char === '-' && i + 1 < q.length && !/\s/.test(q[i + 1] ?? '')) {
      negated = true
      i += 1
    }
    if (q[i] === '"') {
      // An unterminated quote runs to the end: the phrase someone is still typing.
      const end = q.indexOf('"', i + 1)
      const stop = end === -1 ? q.length : end
      tokens.push({ text: q.slice(i + 1, stop), quoted: true, negated })
      i = stop + 1
      continue
    }
    let end = i
    while (end < q.length && !/\s/.test(q[end] ?? '') && q[end] !== '"') end += 1
    tokens.push({ text: q.slice(i, end), quoted: false, negated })
    i = end
  }
  return tokens
}

/** Letters and digits only: what the text parser would keep of a word anyway. */
const hasWordCharacters = (text: string) => /[\p{L}\p{N}]/u.test(text)

export function parseSearchQuery(q: string): ParsedQuery {
  const trimmed = q.trim()
  const numberMatch = NUMBER_QUERY.exec(trimmed)
  const clauses: Clause[] = []
  let joinNext = false
  const tokens = tokenize(trimmed).filter((t) => hasWordCharacters(t.text) || isOr(t))
  tokens.forEach((token, index) => {
    if (isOr(token)) {
      // `or` between two terms; at the start or the end it is just a word nobody searches for.
      joinNext = clauses.length > 0 && index < tokens.length - 1
      return
    }
    const isLast = index === tokens.length - 1
    const term: Term = token.quoted
      ? { kind: 'phrase', text: token.text }
      : { kind: 'word', text: token.text, prefix: isLast && !token.negated }
    const previous = clauses.at(-1)
    if (joinNext && previous && !previous.negated && !token.negated) previous.terms.push(term)
    else clauses.push({ terms: [term], negated: token.negated })
    joinNext = false
  })
  return { clauses, number: numberMatch?.[1] === undefined ? undefined : Number(numberMatch[1]) }
}

function isOr(token: Token): boolean {
  return !token.quoted && !token.negated && token.text.toLowerCase() === 'or'
}

/** Whether the query asks for anything (a query of exclusions alone would match everything). */
export function hasPositiveClause(query: ParsedQuery): boolean {
  return query.clauses.some((c) => !c.negated)
}

/** The plain words a typo could hide in (the fallback corrects these). */
export function correctableWords(query: ParsedQuery): string[] {
  return query.clauses
    .filter((c) => !c.negated)
    .flatMap((c) => c.terms)
    .flatMap((t) => (t.kind === 'word' ? wordParts(t.text) : []))
    .filter((w) => /^\p{L}{3,40}$/u.test(w))
}

/** The query with each corrected word also matching its correction. */
export function withCorrections(query: ParsedQuery, corrections: ReadonlyMap<string, string>): ParsedQuery {
  return {
    ...query,
    clauses: query.clauses.map((clause) => {
      if (clause.negated) return clause
      const extra: Term[] = []
      for (const term of clause.terms) {
        if (term.kind !== 'word') continue
        for (const part of wordParts(term.text)) {
          const lexeme = corrections.get(part.toLowerCase())
          if (lexeme !== undefined) extra.push({ kind: 'lexeme', text: lexeme })
        }
      }
      return { ...clause, terms: [...clause.terms, ...extra] }
    }),
  }
}

function wordParts(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length > 0)
}

function termSql(term: Term): SQL {
  const language = sql`search_language()`
  switch (term.kind) {
    case 'phrase':
      return sql`phraseto_tsquery(${language}, ${term.text})`
    case 'lexeme':
      // Lexemes come from the documents and are letters only: valid tsquery operands as they are.
      return sql`to_tsquery('simple', ${term.text})`
    case 'word': {
      if (!term.prefix) return sql`plainto_tsquery(${language}, ${term.text})`
      // "e-mail serv" → 'e-mail' & 'serv':* ; the last run of letters/digits is the prefix, and
      // being letters and digits only it is a valid operand of to_tsquery.
      const parts = wordParts(term.text)
      const last = parts.at(-1) ?? ''
      const head = parts.slice(0, -1).join(' ')
      const prefix = sql`to_tsquery(${language}, ${`${last}:*`})`
      return head === '' ? prefix : sql`(plainto_tsquery(${language}, ${head}) && ${prefix})`
    }
  }
}

/** The query as one SQL tsquery expression (empty when every word is a stop word). */
export function toTsquery(query: ParsedQuery): SQL {
  const clauses = query.clauses.map((clause) => {
    const any = sql.join(
      clause.terms.map((t) => termSql(t)),
      sql` || `,
    )
    return clause.negated ? sql`(!! (${any}))` : sql`(${any})`
  })
  if (clauses.length === 0) return sql`''::tsquery`
  return sql.join(clauses, sql` && `)
}
