// Names for the ids a ticket carries. GET /api/tickets/:id has only ids; the emails come from
// the history (who filed it, the auto-assignment's assignee_email), from the staff list for
// admins, and "you" for the viewer.
import type { Comment, TicketEvent, User } from '../../api/types'
import { personName } from '../../lib/format'

export interface Directory {
  viewer: User
  /** Moderators and admins by id (admins only: moderators cannot list users). */
  staff: Map<string, User>
  /** Names (or emails) learnt from the history and the comments, by user id. */
  known: Map<string, string>
}

/** Who is who on this ticket: emails from the history, names from the comments' authors. */
export function learnPeople(
  events: TicketEvent[] | undefined,
  comments: Comment[] | undefined,
): Map<string, string> {
  const known = new Map<string, string>()
  for (const e of events ?? []) {
    if (e.actor) known.set(e.actor.id, e.actor.email)
    const email = e.details?.assignee_email
    if (e.type === 'assigned' && e.to && typeof email === 'string') known.set(e.to, email)
  }
  for (const c of comments ?? []) known.set(c.author.id, personName(c.author))
  return known
}

/** "you", an email, or a neutral description when the email is not known to this viewer. */
export function nameOf(
  directory: Directory,
  id: string | null | undefined,
  fallback = 'a support agent',
): string {
  if (!id) return fallback
  if (id === directory.viewer.id) return 'you'
  const staff = directory.staff.get(id)
  if (staff) return staff.name ? `${staff.name} (${staff.email})` : staff.email
  return directory.known.get(id) ?? fallback
}

/** Sentence case for "you" and the fallbacks; an email stays as it is written. */
export const capitalise = (text: string) =>
  text.includes('@') ? text : text.charAt(0).toUpperCase() + text.slice(1)
