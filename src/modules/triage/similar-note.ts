// "Similar resolved: #N — <resolution>": the analysis hands the moderator the fix of the closest
// resolved ticket, when there is one close enough (similar.service.ts, closestResolved).
import type { TicketAnalysis } from './triage.types.js'

/** The notes' limit (TicketAnalysisSchema.helpfulNotes, and the API's helpful_notes). */
const NOTES_MAX = 2000
/** How much of the resolution goes in the note: its gist; the link leads to the rest. */
const EXCERPT_MAX = 300

export interface ResolvedMatch {
  number: number
  resolution: string
}

/** The resolution on one line, cut at a word boundary near EXCERPT_MAX. */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`
}

export const similarNoteLine = (match: ResolvedMatch) =>
  `Similar resolved: #${match.number} — ${excerpt(match.resolution)}`

/** The analysis with the line added to its helpful notes (first, so it is read; within the limit). */
export function withSimilarNote(analysis: TicketAnalysis, match: ResolvedMatch): TicketAnalysis {
  const line = similarNoteLine(match)
  const rest = analysis.helpfulNotes.trim()
  const notes = rest === '' ? line : `${line}\n\n${rest}`
  return { ...analysis, helpfulNotes: notes.length > NOTES_MAX ? `${notes.slice(0, NOTES_MAX - 1)}…` : notes }
}
