import Type, { type Static } from 'typebox'
import {
  COMMENT_CHANNELS,
  PROCESSING_STATUSES,
  TICKET_CHANNELS,
  TICKET_EVENT_TYPES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
} from '../../db/schema.js'
import { DateTime, Nullable, PaginationQuery, StringEnum } from '../../http/schemas.js'
import { SatisfactionSchema } from '../satisfaction/satisfaction.schemas.js'
import { TicketSlaSchema } from '../sla/sla.schemas.js'
import { RoleSchema } from '../users/user.schemas.js'

// Wording from the spec's DTOs, led by the field name as the API spells it: the spec's own
// 400 examples say "title must be at least 5 characters long" (lower-case field name) while
// its DTOs say "Title must…"; a client reads `error` next to the field it sent, so we use the
// field's name.
export const StatusSchema = StringEnum(TICKET_STATUSES, 'status must be a valid ticket status')
export const PrioritySchema = StringEnum(TICKET_PRIORITIES, 'priority must be low, medium, or high')

/** A file on a ticket or comment (api-contract.md, "Attachments"). */
export const AttachmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  ticket_id: Type.String({ format: 'uuid' }),
  comment_id: Nullable(Type.String({ format: 'uuid' })),
  filename: Type.String(),
  content_type: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String(),
  created_at: DateTime,
})
export type AttachmentDto = Static<typeof AttachmentSchema>

export const TicketSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    number: Type.Integer({ minimum: 1, description: 'Sequential ticket number, shown as #1042' }),
    title: Type.String(),
    description: Type.String(),
    status: StatusSchema,
    priority: PrioritySchema,
    created_by: Type.String({ format: 'uuid' }),
    assigned_to: Nullable(Type.String({ format: 'uuid' })),
    summary: Nullable(Type.String()),
    helpful_notes: Nullable(Type.String()),
    related_skills: Nullable(Type.Array(Type.String())),
    processing_status: StringEnum(PROCESSING_STATUSES, '', 'State of the background analysis and assignment'),
    created_at: DateTime,
    updated_at: DateTime,
    satisfaction: Nullable(SatisfactionSchema),
    // Service levels: due times and state under the ticket's policy; null when none applies.
    sla: Nullable(TicketSlaSchema),
    merged_into: Nullable(
      Type.String({
        format: 'uuid',
        description: 'This ticket was a duplicate merged into that one (it is closed); null otherwise',
      }),
    ),
    // Single-ticket responses: the ticket's own files (those on comments come with the comments).
    attachments: Type.Optional(Type.Array(AttachmentSchema)),
    // Single-ticket responses: how it came in (an email, or the web UI / API).
    channel: Type.Optional(
      StringEnum(TICKET_CHANNELS, '', 'How the ticket came in: web (UI or API) or email'),
    ),
    // Single-ticket responses: who follows the ticket besides its requester (an email's Cc).
    participants: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.String({ format: 'uuid' }),
          email: Type.String(),
          name: Nullable(Type.String()),
        }),
      ),
    ),
  },
  { $id: 'Ticket' },
)
export type TicketDto = Static<typeof TicketSchema>

const PersonEmail = Type.Object({ email: Type.String() })
export const TicketWithPeopleSchema = Type.Object(
  {
    ...TicketSchema.properties,
    assignee: Nullable(PersonEmail),
    creator: PersonEmail,
  },
  { $id: 'TicketWithPeople' },
)
export type TicketWithPeopleDto = Static<typeof TicketWithPeopleSchema>

export const CreateTicketBody = Type.Object(
  {
    title: Type.String({ minLength: 5, maxLength: 200 }),
    description: Type.String({ minLength: 10, maxLength: 5000 }),
  },
  { additionalProperties: false },
)
export type CreateTicketInput = Static<typeof CreateTicketBody>

export const UpdateTicketBody = Type.Object(
  {
    status: Type.Optional(StatusSchema),
    helpful_notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    priority: Type.Optional(PrioritySchema),
    assigned_to: Type.Optional(
      Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
        errorMessage: 'assigned_to must be a user id (UUID) or null',
      }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    errorMessage: { minProperties: 'provide at least one of: status, helpful_notes, priority, assigned_to' },
  },
)
export type UpdateTicketInput = Static<typeof UpdateTicketBody>

export const TicketListQuery = Type.Object({
  ...PaginationQuery,
  status: Type.Optional(StatusSchema),
  priority: Type.Optional(PrioritySchema),
  assigned_to: Type.Optional(
    Type.String({
      pattern: '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|unassigned)$',
      errorMessage: 'assigned_to must be a user id (UUID) or "unassigned"',
      description:
        'A moderator id, or "unassigned". Applies to /all; the own-tickets list ignores it (spec).',
    }),
  ),
})
export type TicketListInput = Static<typeof TicketListQuery>

/** GET /all also sorts by the soonest SLA due time (tickets without one last). */
export const AllTicketsQuery = Type.Object({
  ...TicketListQuery.properties,
  sort: Type.Optional(
    StringEnum(
      ['created', 'due'],
      'sort must be created or due',
      'created: newest first (default); due: soonest due first',
    ),
  ),
})
export type AllTicketsInput = Static<typeof AllTicketsQuery>

/** `page`/`limit` for a ticket's comments and history: the list rules, 50 a page by default. */
export const ThreadPageQuery = Type.Object({
  page: PaginationQuery.page,
  limit: Type.Optional(Type.Integer({ ...PaginationQuery.limit, default: 50 })),
})
export type ThreadPageInput = Static<typeof ThreadPageQuery>

export const CommentSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    ticket_id: Type.String({ format: 'uuid' }),
    author: Type.Object({
      id: Type.String({ format: 'uuid' }),
      email: Type.String(),
      name: Nullable(Type.String()),
      role: RoleSchema,
    }),
    body: Type.String(),
    internal: Type.Boolean({ description: 'A staff-only note: never shown or emailed to the requester' }),
    channel: StringEnum(COMMENT_CHANNELS, '', 'Where the comment came from'),
    attachments: Type.Array(AttachmentSchema),
    created_at: DateTime,
  },
  { $id: 'Comment' },
)
export type CommentDto = Static<typeof CommentSchema>

export const CreateCommentBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 5000 }),
    internal: Type.Optional(
      Type.Boolean({
        errorMessage: 'internal must be true or false',
        description: 'A staff-only note (moderators and admins only)',
      }),
    ),
    attachment_ids: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        maxItems: 20,
        errorMessage: 'attachment_ids must be a list of at most 20 attachment ids (UUIDs)',
        description:
          'Files you uploaded to this ticket (POST /api/tickets/:id/attachments) and have not used yet',
      }),
    ),
  },
  { additionalProperties: false },
)

export const TicketEventSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    type: StringEnum(TICKET_EVENT_TYPES, ''),
    actor: Nullable(
      Type.Object(
        { id: Type.String({ format: 'uuid' }), email: Type.String() },
        { description: 'null: the system' },
      ),
    ),
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    details: Nullable(Type.Record(Type.String(), Type.Unknown())),
    created_at: DateTime,
  },
  { $id: 'TicketEvent' },
)
export type TicketEventDto = Static<typeof TicketEventSchema>

export const MergeTicketBody = Type.Object(
  {
    into: Type.Union(
      [Type.String({ format: 'uuid' }), Type.Integer({ minimum: 1, maximum: 2_147_483_647 })],
      {
        errorMessage: "into must be the target ticket's id (UUID) or its number",
        description: 'The ticket this one duplicates: its id, or its number (1042 for #1042)',
      },
    ),
  },
  { additionalProperties: false },
)
export type MergeTicketInput = Static<typeof MergeTicketBody>
