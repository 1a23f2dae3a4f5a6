// The API's shapes as the browser sees them (JSON: dates are ISO strings). Mirrors the route
// schemas in src/modules/*/*.schemas.ts; the UI depends on nothing but the public API.

import type { ProcessingStatus, TicketPriority, TicketStatus, UserRole } from '../../../src/shared/vocabulary'

// One definition for server and browser: the shared vocabulary.
export {
  PROCESSING_STATUSES,
  TICKET_PRIORITIES as PRIORITIES,
  TICKET_STATUSES,
  USER_ROLES as ROLES,
} from '../../../src/shared/vocabulary'
export type { ProcessingStatus, TicketStatus }
export type Priority = TicketPriority
export type Role = UserRole

export interface Ticket {
  id: string
  /** Sequential, shown as #1042. */
  number: number
  title: string
  description: string
  status: TicketStatus
  priority: Priority
  created_by: string
  assigned_to: string | null
  summary: string | null
  helpful_notes: string | null
  related_skills: string[] | null
  processing_status: ProcessingStatus
  created_at: string
  updated_at: string
}

/** GET /api/tickets/all adds the people's emails. */
export interface StaffTicket extends Ticket {
  assignee: { email: string } | null
  creator: { email: string }
}

export interface UserSkill {
  id: string
  name: string
  proficiency: number
}

export interface User {
  id: string
  email: string
  name: string | null
  role: Role
  is_active: boolean
  skills: UserSkill[]
  created_at: string
  updated_at: string
}

export interface Skill {
  id: string
  name: string
  description: string | null
  keywords: string[]
  moderator_count: number
}

export interface Comment {
  id: string
  ticket_id: string
  author: { id: string; email: string; name: string | null; role: Role }
  body: string
  /** A staff-only note: the requester never receives it. */
  internal: boolean
  channel: 'web' | 'email'
  attachments: Attachment[]
  created_at: string
}

export interface Attachment {
  id: string
  ticket_id: string
  comment_id: string | null
  filename: string
  content_type: string
  size: number
  sha256: string
  created_at: string
}

export type TicketEventType =
  | 'created'
  | 'status_changed'
  | 'priority_changed'
  | 'assigned'
  | 'notes_changed'
  | 'commented'
  | 'analysed'

export interface TicketEvent {
  id: string
  type: TicketEventType
  /** null: the system (background analysis and assignment). */
  actor: { id: string; email: string } | null
  from: string | null
  to: string | null
  details: Record<string, unknown> | null
  created_at: string
}

export type EmailStatus = 'pending' | 'sent' | 'failed' | 'skipped'

export interface Email {
  id: string
  to: string
  subject: string
  text: string
  status: EmailStatus
  attempts: number
  last_error: string | null
  ticket_id: string | null
  created_at: string
  sent_at: string | null
}

export interface PageMeta {
  total: number
  page: number
  limit: number
}

export interface Page<T> {
  items: T[]
  meta: PageMeta
}
