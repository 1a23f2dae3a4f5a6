// Server-side prepared statements for code that repeats a small, fixed set of query texts
// (pg-boss's fetch and complete; the workflow's hot queries). Sent unnamed, PostgreSQL parses and
// plans a statement every time: for pg-boss's fetch that was 0.47 ms of its 1.1 ms (server log,
// bench/workflow). A named statement is parsed once per connection and its plan cached.
import { createHash } from 'node:crypto'

/**
 * Names query texts, at most `limit` distinct ones per process: each name becomes a prepared
 * statement on every connection that runs it, so an unexpected stream of distinct texts must
 * not grow them without bound; texts past the limit simply run unnamed.
 */
export function statementNamer(limit = 200): (text: string) => string | undefined {
  const names = new Map<string, string>()
  return (text) => {
    const known = names.get(text)
    if (known !== undefined || names.size >= limit) return known
    const name = `sts_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
    names.set(text, name)
    return name
  }
}
