// Pulls concrete specifics out of a ticket (error messages and codes, hosts, versions, paths)
// so notes can point at what the reporter actually saw. Only text present in the ticket is
// returned: nothing here is inferred.

export interface Specifics {
  /** Quoted error messages, e.g. 'gateway unreachable'. */
  messages: string[]
  /** Error and status codes: HTTP 500, SMTP 550 5.7.1, 0x80070005, NullPointerException, error 809. */
  codes: string[]
  /** Host-like names: db-01, app-server-2, portal.example.com. */
  hosts: string[]
  /** Versions: v3.2, iOS 17.4, version 4.1. */
  versions: string[]
  /** URL paths and API routes: /api/v2/orders. */
  paths: string[]
}

const MAX_EACH = 3
const MAX_LENGTH = 80
const LONG_RUN = /\S{101,}/g

function uniq(values: Iterable<string>): string[] {
  const out: string[] = []
  for (const v of values) {
    const t = v.trim()
    if (t.length > 0 && t.length <= MAX_LENGTH && !out.some((o) => o.toLowerCase() === t.toLowerCase()))
      out.push(t)
    if (out.length >= MAX_EACH) break
  }
  return out
}

function all(re: RegExp, text: string, group = 0): string[] {
  return [...text.matchAll(re)].map((m) => m[group] ?? '')
}

export function extractSpecifics(text: string): Specifics {
  // Bounded so a pathological 5000-character ticket cannot make the regexes expensive: several
  // backtrack across a run of "ab-ab-ab…" or "ab.ab.ab…" in time quadratic in its length (130 ms
  // for one 6,000-character run), and no specific worth quoting is longer than MAX_RUN.
  const t = text.slice(0, 5000).replace(LONG_RUN, ' ')
  const messages = uniq([
    ...all(/(?:^|[\s(:])'([^'\n]{4,80})'(?=[\s.,;:!?)]|$)/g, t, 1),
    ...all(/"([^"\n]{4,80})"/g, t, 1),
    ...all(/[“]([^”\n]{4,80})[”]/g, t, 1),
  ])
  const codes = uniq([
    ...all(
      /\b(?:HTTP\s*)?[45]\d\d(?:\s+[45]\.\d\.\d{1,3})?(?=\s+(?:[A-Z][a-z]+|error|errors|status|response)\b)/g,
      t,
    ),
    ...all(/\b[45]\d\d\s+[45]\.\d\.\d{1,3}\b/g, t),
    ...all(/\b0x[0-9a-f]{4,8}\b/gi, t),
    ...all(/\b(?:[a-z]+\.)*[A-Z][A-Za-z]+(?:Exception|Error|BackOff)\b/g, t),
    ...all(/\b(?:error|code|fehler)\s+#?([A-Z0-9][\w-]{1,15})\b/gi, t).filter((c) => /\d/.test(c)),
    ...all(/\b(?:HTTP|status)\s+([1-5]\d\d)\b/gi, t),
  ])
  const hosts = uniq([
    ...all(/\b[a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d{1,3}\b/g, t),
    ...all(/\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|internal|local|corp|cloud|dev|de|uk)\b/gi, t).filter(
      (h) => !/\.(?:exe|txt)$/i.test(h),
    ),
  ])
  const versions = uniq([...all(/\b(?:iOS|Android|Windows|macOS|version|v)\s?\d+(?:\.\d+){0,2}\b/gi, t)])
  const paths = uniq(
    all(/(?:^|\s)((?:GET|POST|PUT|PATCH|DELETE)\s+)?(\/[a-z0-9_:.-]+(?:\/[a-z0-9_:.*-]+)+)/gi, t, 0),
  )
  return { messages, codes, hosts, versions, paths }
}

/** One line naming what the reporter saw, or '' when the ticket names nothing concrete. */
export function describeSpecifics(s: Specifics): string {
  const parts: string[] = []
  if (s.messages.length) parts.push(`message ${s.messages.map((m) => `"${m}"`).join(', ')}`)
  if (s.codes.length) parts.push(`code ${s.codes.join(', ')}`)
  if (s.paths.length) parts.push(`path ${s.paths.map((p) => p.trim()).join(', ')}`)
  if (s.hosts.length) parts.push(`host ${s.hosts.join(', ')}`)
  if (s.versions.length) parts.push(`version ${s.versions.join(', ')}`)
  return parts.join('; ')
}
