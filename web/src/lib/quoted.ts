// An emailed text in parts: what the sender wrote, and the quoted history in between ("> …",
// with the "On …, X wrote:" line that introduces it), so the page can fold the quotes.

export interface TextPart {
  quoted: boolean
  text: string
}

const QUOTE = /^\s*>/
const ATTRIBUTION = /\bwrote:\s*$/i

export function splitQuoted(text: string): TextPart[] {
  const lines = text.split('\n')
  const parts: TextPart[] = []
  const push = (quoted: boolean, line: string) => {
    const last = parts[parts.length - 1]
    if (last && last.quoted === quoted) last.text += `\n${line}`
    else parts.push({ quoted, text: line })
  }
  lines.forEach((line, index) => {
    const next = lines[index + 1]
    const introducesQuote = ATTRIBUTION.test(line) && next !== undefined && QUOTE.test(next)
    push(QUOTE.test(line) || introducesQuote, line)
  })
  // Blank lines at a part's edges belong to neither: trimmed, and empty parts dropped.
  return parts
    .map((p) => ({ quoted: p.quoted, text: p.text.replace(/^\n+|\n+$/g, '') }))
    .filter((p) => p.text.trim() !== '')
}
