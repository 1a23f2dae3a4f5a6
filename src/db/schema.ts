// The database schema, declared once. Row types come from here (`typeof table.$inferSelect`);
// API shapes come from the TypeBox schemas in each module.
import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core'

import {
  PROCESSING_STATUSES,
  type ProcessingStatus,
  SATISFACTION_RATINGS,
  type SatisfactionRating,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketPriority,
  type TicketStatus,
  USER_ROLES,
  type UserRole,
} from '../shared/vocabulary.js'

// The shared vocabulary, re-exported so database code finds the column enums beside the tables.
export * from '../shared/vocabulary.js'

const createdAt = () => timestamp('created_at', { withTimezone: true }).defaultNow()
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).defaultNow()
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '))

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: varchar('email', { length: 254 }).notNull(),
    name: varchar('name', { length: 100 }),
    passwordHash: text('password_hash').notNull(),
    role: varchar('role', { length: 20 }).$type<UserRole>().notNull().default('user'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt().notNull(),
    updatedAt: updatedAt().notNull(),
  },
  (t) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    index('users_role_idx').on(t.role),
    check('users_role_check', sql`${t.role} IN (${inList(USER_ROLES)})`),
  ],
)

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // SHA-256 of the cookie's token: a leaked table does not leak usable sessions.
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_id_idx').on(t.userId)],
)

// Password reset links: only the SHA-256 of the emailed token is kept; a token works once
// (used_at) and until expires_at. Housekeeping deletes them a day after they expire or are used.
export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('password_reset_tokens_token_hash_key').on(t.tokenHash),
    index('password_reset_tokens_user_id_idx').on(t.userId),
  ],
)

export const skills = pgTable(
  'skills',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 100 }).notNull(),
    description: varchar('description', { length: 500 }),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt().notNull(),
    updatedAt: updatedAt().notNull(),
  },
  (t) => [uniqueIndex('skills_name_lower_key').on(sql`lower(${t.name})`)],
)

export const userSkills = pgTable(
  'user_skills',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    skillId: uuid('skill_id')
      .notNull()
      .references(() => skills.id, { onDelete: 'cascade' }),
    proficiency: smallint('proficiency').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.skillId] }),
    index('user_skills_skill_id_idx').on(t.skillId),
    check('user_skills_proficiency_check', sql`${t.proficiency} BETWEEN 1 AND 5`),
  ],
)

// The tickets table is the spec's SQL, column for column (status, priority and the timestamps are
// also NOT NULL: the spec gives them defaults and no code path may clear them), plus two columns:
// processing_status (the background workflow's state, never mixed into `status`) and
// priority_manual (a moderator set the priority: analysis must not overwrite it).
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: varchar('title', { length: 200 }).notNull(),
    description: text('description').notNull(),
    status: varchar('status', { length: 30 }).$type<TicketStatus>().notNull().default('todo'),
    priority: varchar('priority', { length: 10 }).$type<TicketPriority>().notNull().default('medium'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    assignedTo: uuid('assigned_to').references(() => users.id, { onDelete: 'set null' }),
    summary: text('summary'),
    helpfulNotes: text('helpful_notes'),
    relatedSkills: text('related_skills').array(),
    createdAt: createdAt().notNull(),
    updatedAt: updatedAt().notNull(),
    processingStatus: varchar('processing_status', { length: 10 })
      .$type<ProcessingStatus>()
      .notNull()
      .default('queued'),
    priorityManual: boolean('priority_manual').notNull().default(false),
    // What people quote ("#1042"): sequential from 1, never reused (an identity's sequence).
    number: integer('number').notNull().generatedAlwaysAsIdentity(),
    // The requester's answer to the satisfaction survey sent when the ticket closed (the latest
    // one: it may be changed for SATISFACTION_CHANGE_DAYS). On the row so every ticket response
    // carries it without a join; the survey's token lives in satisfaction_surveys.
    satisfactionRating: varchar('satisfaction_rating', { length: 4 }).$type<SatisfactionRating>(),
    satisfactionComment: text('satisfaction_comment'),
    satisfactionRatedAt: timestamp('satisfaction_rated_at', { withTimezone: true }),
    // Service levels (src/modules/sla). The policy that set the due times; null: none applies.
    slaPolicyId: uuid('sla_policy_id').references((): AnyPgColumn => slaPolicies.id, {
      onDelete: 'set null',
    }),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }),
    // The first public staff reply (web or email); internal notes do not count.
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }),
    // The latest move to resolved (or closed without resolving first); cleared on reopen.
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    // Set while the clock is paused (waiting_for_customer, resolved).
    slaPausedSince: timestamp('sla_paused_since', { withTimezone: true }),
    // Business minutes spent in finished pauses (fractional: exact to the millisecond); due times
    // are creation + target + these.
    slaPausedMinutes: doublePrecision('sla_paused_minutes').notNull().default(0),
    // The soonest due time of a target still running (first response, then resolution), for
    // sort=due; kept while paused (frozen), null when nothing is pending.
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    // When escalation must next look at this ticket (a warning or a breach instant); null while
    // paused or when nothing is left to announce. The job reads only rows due through its index.
    slaNextCheckAt: timestamp('sla_next_check_at', { withTimezone: true }),
    // The instants at which 80 % of each target is used (the `warning` state), stored like the due
    // times so that every response computes its state from the row alone.
    firstResponseWarningAt: timestamp('first_response_warning_at', { withTimezone: true }),
    resolutionWarningAt: timestamp('resolution_warning_at', { withTimezone: true }),
    // When escalation recorded each announcement: at most one warning and one breach per target.
    firstResponseWarningSentAt: timestamp('first_response_warning_sent_at', { withTimezone: true }),
    firstResponseBreachSentAt: timestamp('first_response_breach_sent_at', { withTimezone: true }),
    resolutionWarningSentAt: timestamp('resolution_warning_sent_at', { withTimezone: true }),
    resolutionBreachSentAt: timestamp('resolution_breach_sent_at', { withTimezone: true }),
    // A duplicate merged into another ticket: closed, its thread moved to that one (tickets.merge).
    mergedInto: uuid('merged_into').references((): AnyPgColumn => tickets.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    check('tickets_status_check', sql`${t.status} IN (${inList(TICKET_STATUSES)})`),
    check('tickets_priority_check', sql`${t.priority} IN (${inList(TICKET_PRIORITIES)})`),
    check('tickets_processing_status_check', sql`${t.processingStatus} IN (${inList(PROCESSING_STATUSES)})`),
    check(
      'tickets_satisfaction_rating_check',
      sql`${t.satisfactionRating} IS NULL OR ${t.satisfactionRating} IN (${inList(SATISFACTION_RATINGS)})`,
    ),
    check('tickets_merged_into_check', sql`${t.mergedInto} <> ${t.id}`),
    // The tickets merged into one (a merge repoints them; chains stay one step long).
    index('tickets_merged_into_idx').on(t.mergedInto).where(sql`${t.mergedInto} IS NOT NULL`),
    // The spec's five indexes, as written.
    index('idx_tickets_created_by').on(t.createdBy),
    index('idx_tickets_assigned_to').on(t.assignedTo),
    index('idx_tickets_status').on(t.status),
    index('idx_tickets_priority').on(t.priority),
    index('idx_tickets_created_at').on(t.createdAt),
    // The lists' own shapes: "filter, newest first, page". Each lets the planner read one page
    // in index order instead of sorting every match (see README, "Indexes").
    index('tickets_created_by_created_at_idx').on(
      t.createdBy,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('tickets_status_created_at_idx').on(
      t.status,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('tickets_assigned_to_status_created_at_idx').on(
      t.assignedTo,
      t.status,
      t.createdAt.desc().nullsFirst(),
    ),
    index('tickets_assigned_to_created_at_idx').on(
      t.assignedTo,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // GET /api/tickets/all?sort=due reads this index in order.
    index('tickets_sla_due_at_idx').on(t.slaDueAt.asc().nullsLast(), t.id),
    // The escalation job's only way in: tickets whose next warning/breach instant has come.
    index('tickets_sla_next_check_at_idx').on(t.slaNextCheckAt).where(sql`${t.slaNextCheckAt} IS NOT NULL`),
  ],
)

export const COMMENT_CHANNELS = ['web', 'email'] as const
export type CommentChannel = (typeof COMMENT_CHANNELS)[number]
// How a ticket came in: the web UI and the API share one session, so both are `web`.
export const TICKET_CHANNELS = COMMENT_CHANNELS
export type TicketChannel = CommentChannel

export const ticketComments = pgTable(
  'ticket_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: createdAt().notNull(),
    // A staff-only note: never shown, streamed or emailed to the requester.
    internal: boolean('internal').notNull().default(false),
    channel: varchar('channel', { length: 10 }).$type<CommentChannel>().notNull().default('web'),
  },
  (t) => [
    index('ticket_comments_ticket_id_created_at_idx').on(t.ticketId, t.createdAt),
    check('ticket_comments_channel_check', sql`${t.channel} IN (${inList(COMMENT_CHANNELS)})`),
  ],
)

export const TICKET_EVENT_TYPES = [
  'created',
  'status_changed',
  'priority_changed',
  'assigned',
  'notes_changed',
  'commented',
  'analysed',
  'satisfaction_rated',
  'sla_warning',
  'sla_breached',
  'merged',
] as const
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number]

// History: one row per change, written in the same transaction as the change.
// actor_id null means the system (the background workflow).
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    type: varchar('type', { length: 30 }).$type<TicketEventType>().notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: createdAt().notNull(),
    // Order of writing: events of one transaction share created_at, and history must keep their order.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    index('ticket_events_ticket_id_seq_idx').on(t.ticketId, t.seq),
    // The database, not only the job's locking, guarantees one warning and one breach per target.
    uniqueIndex('ticket_events_sla_once_key')
      .on(t.ticketId, t.type, sql`(${t.details}->>'target')`)
      .where(sql`${t.type} IN ('sla_warning', 'sla_breached')`),
  ],
)

// Exact counts for the lists' `meta.total` without scanning: kept by triggers (see the
// ticket_counts migrations). Each change adds +1/-1 to a (status, priority, assignee) row in the
// slot of its database connection, at commit, so concurrent inserts do not queue on one hot row.
export const ticketCounts = pgTable(
  'ticket_counts',
  {
    status: varchar('status', { length: 30 }).notNull(),
    priority: varchar('priority', { length: 10 }).notNull(),
    // All-zero UUID stands for "unassigned", so the key has no NULLs.
    assignedTo: uuid('assigned_to').notNull(),
    slot: smallint('slot').notNull(),
    n: integer('n').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.status, t.priority, t.assignedTo, t.slot] })],
)

// Report counters per UTC day (issue 12), kept exact by statement-level triggers on tickets (see
// the report rollup migration): a 90-day report sums ~90 days of these rows instead of reading
// ~123k tickets per measure. dim 0 = every ticket (key ''), 1 = by assignee (key = user id),
// 2 = by skill (key = skill; a ticket counts once per entry of related_skills). Each figure sits on
// the day of its own moment: created on created_at's day, resolved on resolved_at's, a target met
// on the answer's day, a breach candidate (answered late, or unanswered and neither paused nor
// cancelled) on its due time's day. Slots as in ticket_counts: concurrent writers add to
// different rows.
export const reportDaily = pgTable(
  'report_daily',
  {
    dim: smallint('dim').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    key: text('key').notNull(),
    slot: smallint('slot').notNull(),
    created: integer('created').notNull().default(0),
    resolved: integer('resolved').notNull().default(0),
    firstResponseMet: integer('first_response_met').notNull().default(0),
    firstResponseMissed: integer('first_response_missed').notNull().default(0),
    resolutionMet: integer('resolution_met').notNull().default(0),
    resolutionMissed: integer('resolution_missed').notNull().default(0),
    good: integer('good').notNull().default(0),
    bad: integer('bad').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.dim, t.day, t.key, t.slot] })],
)

export type UserRow = typeof users.$inferSelect
export type SkillRow = typeof skills.$inferSelect
export type TicketRow = typeof tickets.$inferSelect
export type TicketCommentRow = typeof ticketComments.$inferSelect
export type TicketEventRow = typeof ticketEvents.$inferSelect

// Per-moderator workload for assignment, kept by the same triggers as ticket_counts:
// open_tickets counts the user's assigned tickets in todo, in_progress or waiting_for_customer.
export const assigneeStats = pgTable('assignee_stats', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  openTickets: integer('open_tickets').notNull().default(0),
  lastAssignedAt: timestamp('last_assigned_at', { withTimezone: true }),
})

// Memoised workflow steps: a step's result is stored in the same transaction as its effects,
// so a retried job skips every step that already finished.
export const workflowSteps = pgTable(
  'workflow_steps',
  {
    jobId: uuid('job_id').notNull(),
    step: varchar('step', { length: 50 }).notNull(),
    // No foreign key: a ticket deleted mid-workflow must not make the job's remaining steps fail.
    ticketId: uuid('ticket_id'),
    result: jsonb('result').$type<unknown>(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.step] }),
    index('workflow_steps_ticket_id_idx').on(t.ticketId),
    // For housekeeping's deletion by age. BRIN: rows arrive in completed_at order, and the index
    // costs next to nothing per insert (six step rows a ticket).
    index('workflow_steps_completed_at_idx').using('brin', t.completedAt),
  ],
)

// bounced: a delivery status notification came back for it (see the inbound module).
export const EMAIL_STATUSES = ['pending', 'sent', 'failed', 'skipped', 'bounced'] as const
export type EmailStatus = (typeof EMAIL_STATUSES)[number]

// The outbox: every email is recorded with the change that causes it, then delivered by a job.
export const emails = pgTable(
  'emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: varchar('to', { length: 254 }).notNull(),
    subject: varchar('subject', { length: 300 }).notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    // The Message-ID header, fixed when the email is recorded: stable across retries, and what a
    // reply's In-Reply-To/References point at (inbound threading). Null only on rows older than it.
    messageId: varchar('message_id', { length: 300 }),
    // The thread this email continues: In-Reply-To is the last of them.
    references: text('references').array(),
    // RFC 3834: automatic notices say so, so that auto-responders do not answer them.
    autoSubmitted: boolean('auto_submitted').notNull().default(true),
    // Files that go with it (a staff reply's attachments), by reference: the bytes stay in
    // attachment_blobs and are read when the email is sent.
    attachmentIds: uuid('attachment_ids').array(),
    status: varchar('status', { length: 10 }).$type<EmailStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt().notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('emails_created_at_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('emails_to_idx').on(t.to),
    uniqueIndex('emails_message_id_key').on(t.messageId),
    check('emails_status_check', sql`${t.status} IN (${inList(EMAIL_STATUSES)})`),
  ],
)

export type EmailRow = typeof emails.$inferSelect

// Who else follows a ticket: addresses in an email's Cc. They see the ticket and its public emails.
export const ticketParticipants = pgTable(
  'ticket_participants',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.userId] }),
    index('ticket_participants_user_id_idx').on(t.userId),
  ],
)

// Bytes as both drivers hand them over (node-postgres: a Buffer, PGlite: a Uint8Array; a Buffer is
// one). Typed without Node's Buffer: the web UI type-checks this file too (web/src/api/types.ts).
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
})

export const INBOUND_CHANNELS = ['smtp', 'imap', 'http'] as const
export type InboundChannel = (typeof INBOUND_CHANNELS)[number]
export const INBOUND_OUTCOMES = [
  'ticket_created',
  'comment_added',
  'ignored_auto_reply',
  'ignored_loop',
  'bounce',
  'rejected',
  'duplicate',
  // Stored with its filing job, not filed yet (SMTP listener, mailbox): a worker decides (0026).
  'pending',
] as const
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number]

// Every message that came in, with what it did; its outcome is written in the same transaction as
// its effect (until then, for mail accepted ahead of filing, it is `pending`).
// The unique indexes skip `duplicate` rows: they decide, even between concurrent deliveries of
// one message, that exactly one of them is filed.
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: varchar('message_id', { length: 998 }),
    fromAddress: varchar('from_address', { length: 254 }),
    subject: text('subject'),
    receivedVia: varchar('received_via', { length: 10 }).$type<InboundChannel>().notNull(),
    outcome: varchar('outcome', { length: 30 }).$type<InboundOutcome>().notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    // The comment a reply became (outcome comment_added): its "show original" for staff.
    commentId: uuid('comment_id').references(() => ticketComments.id, { onDelete: 'set null' }),
    error: text('error'),
    contentHash: varchar('content_hash', { length: 64 }).notNull(),
    // The original, byte for byte, for staff ("show original") and for re-parsing later.
    raw: bytea('raw').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('inbound_messages_message_id_key')
      .on(t.messageId)
      .where(sql`${t.messageId} IS NOT NULL AND ${t.outcome} <> 'duplicate'`),
    uniqueIndex('inbound_messages_content_hash_key')
      .on(t.contentHash)
      .where(sql`${t.outcome} <> 'duplicate'`),
    index('inbound_messages_received_at_idx').on(t.receivedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('inbound_messages_ticket_id_idx').on(t.ticketId),
    index('inbound_messages_comment_id_idx').on(t.commentId),
    index('inbound_messages_from_received_at_idx').on(t.fromAddress, t.receivedAt),
    check('inbound_messages_received_via_check', sql`${t.receivedVia} IN (${inList(INBOUND_CHANNELS)})`),
    check('inbound_messages_outcome_check', sql`${t.outcome} IN (${inList(INBOUND_OUTCOMES)})`),
  ],
)

// The mailbox poller's last fetch and last error, per source (one row per IMAP_URL's mailbox),
// so admins see a fetch that silently stopped, whichever process runs it.
export const inboundFetchState = pgTable('inbound_fetch_state', {
  source: varchar('source', { length: 300 }).primaryKey(),
  lastFetchAt: timestamp('last_fetch_at', { withTimezone: true }),
  lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
  lastError: text('last_error'),
})

export type TicketParticipantRow = typeof ticketParticipants.$inferSelect
export type InboundMessageRow = typeof inboundMessages.$inferSelect
export type InboundFetchStateRow = typeof inboundFetchState.$inferSelect

// Attachment bytes, content-addressed: the same file sent twice (a forwarded thread, a logo in
// every signature) is stored once. Kept in the database so backups and several servers need
// nothing more (Zammad's default store).
export const attachmentBlobs = pgTable('attachment_blobs', {
  sha256: varchar('sha256', { length: 64 }).primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  content: bytea('content').notNull(),
  createdAt: createdAt().notNull(),
})

// A file on a ticket: uploaded (comment_id null until a comment claims it) or from an email.
// content_type is what the bytes say (file-type), never what the client said.
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    commentId: uuid('comment_id').references(() => ticketComments.id, { onDelete: 'cascade' }),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    filename: varchar('filename', { length: 255 }).notNull(),
    contentType: varchar('content_type', { length: 255 }).notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: varchar('sha256', { length: 64 })
      .notNull()
      .references(() => attachmentBlobs.sha256),
    createdAt: createdAt().notNull(),
  },
  (t) => [
    index('attachments_ticket_id_idx').on(t.ticketId, t.createdAt),
    index('attachments_comment_id_idx').on(t.commentId),
    index('attachments_sha256_idx').on(t.sha256),
  ],
)

export type AttachmentRow = typeof attachments.$inferSelect

// The satisfaction survey of a closed ticket: one per ticket (the key), sent once, in the same
// transaction as the closing. Only the SHA-256 of the emailed token is kept: the token alone lets
// its holder rate (no sign-in), so a leaked table must not leak usable links.
export const satisfactionSurveys = pgTable(
  'satisfaction_surveys',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt().notNull(),
    // The first answer: a rating may be changed until SATISFACTION_CHANGE_DAYS after it.
    firstRatedAt: timestamp('first_rated_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('satisfaction_surveys_token_hash_key').on(t.tokenHash)],
)

export type SatisfactionSurveyRow = typeof satisfactionSurveys.$inferSelect
// Service-level policies. One default (a partial unique index allows no second); the others apply
// to tickets needing their skill, first match in `position` order. Targets are business minutes
// per priority; the calendar is an IANA zone, weekly opening ranges (empty: around the clock) and
// holidays (local dates).
export type SlaTargets = Record<
  TicketPriority,
  { first_response_minutes: number; resolution_minutes: number }
>
export type SlaOpeningRange = { day: number; start: string; end: string }

export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 100 }).notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    // A deleted skill leaves its policy without one: it then applies to no ticket until edited.
    skillId: uuid('skill_id').references(() => skills.id, { onDelete: 'set null' }),
    position: integer('position').notNull().default(0),
    targets: jsonb('targets').$type<SlaTargets>().notNull(),
    timezone: varchar('timezone', { length: 64 }).notNull(),
    hours: jsonb('hours').$type<SlaOpeningRange[]>().notNull().default(sql`'[]'::jsonb`),
    holidays: text('holidays').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt().notNull(),
    updatedAt: updatedAt().notNull(),
  },
  (t) => [
    uniqueIndex('sla_policies_one_default_key').on(t.isDefault).where(sql`${t.isDefault}`),
    index('sla_policies_position_idx').on(t.position),
  ],
)

export type SlaPolicyRow = typeof slaPolicies.$inferSelect

// Full-text search (src/modules/search, README "Search"). PostgreSQL's tsvector, as text on the
// way in and out (the SQL functions of migration 0021 write it; the app only queries it).
const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' })

// One row per ticket: everything a search matches, kept by triggers (migration 0021) in the same
// transaction as the change. A side table rather than columns on `tickets`: a document spans
// several tables (comments, emails, attachments), the ticket rows the lists read stay as they
// were, and the filters (status, priority, assignee, copied here) are checked without a join.
//   document:        title (weight A), description, summary, email subjects (B), every comment and
//                    attachment name (C): what staff search. The GIN index is the ticket-level text
//                    index other features (similar tickets) build on.
//   public_document: the same without internal notes and their files: what requesters search.
//                    NULL while the ticket has none (then it equals `document`).
export const ticketSearch = pgTable(
  'ticket_search',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    status: varchar('status', { length: 30 }).$type<TicketStatus>().notNull(),
    priority: varchar('priority', { length: 10 }).$type<TicketPriority>().notNull(),
    assignedTo: uuid('assigned_to'),
    document: tsvector('document').notNull(),
    publicDocument: tsvector('public_document'),
  },
  (t) => [index('ticket_search_document_idx').using('gin', t.document)],
)

// Each ticket's most similar tickets, kept (migration 0025, src/modules/similar): computed once,
// when the ticket is analysed (or first asked for), from its title and description, which never
// change. A ticket filed later joins the lists of the tickets it is most similar to, so a list
// follows new tickets without being computed again. ticket_similar_lists: the tickets whose list
// was computed (it may be empty); ticket_similar: the entries, which a later ticket may add before
// the list itself is computed (two similar tickets analysed at once: neither sees the other's
// uncommitted list, and each entry must survive).
export const ticketSimilarLists = pgTable('ticket_similar_lists', {
  ticketId: uuid('ticket_id')
    .primaryKey()
    .references(() => tickets.id, { onDelete: 'cascade' }),
  computedAt: createdAt().notNull(),
})

export const ticketSimilar = pgTable(
  'ticket_similar',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    similarId: uuid('similar_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    similarity: doublePrecision('similarity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.similarId] }),
    // Deleting a ticket finds the lists it is in.
    index('ticket_similar_similar_id_idx').on(t.similarId),
  ],
)

// Every word (lexeme) the documents hold, for the typo fallback: a misspelt word is replaced by
// the most similar known one (pg_trgm). Only grows; a word no ticket holds any more finds nothing.
export const searchLexicon = pgTable('search_lexicon', { word: text('word').primaryKey() }, (t) => [
  index('search_lexicon_word_trgm_idx').using('gin', t.word.op('gin_trgm_ops')),
])

// Ranges of ticket numbers a bulk statement filed without building their documents (migration
// 0024): the search-backlog job indexes them in batches, moving next_number, and drops the row.
export const searchBacklog = pgTable('search_backlog', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  nextNumber: integer('next_number').notNull(),
  lastNumber: integer('last_number').notNull(),
})

// The text search configuration the documents were built with (SEARCH_LANGUAGE); one row. The
// server rebuilds the documents when it starts with another one.
export const searchSettings = pgTable('search_settings', {
  id: boolean('id').primaryKey().default(true),
  language: text('language').notNull().default('english'),
})

export type TicketSearchRow = typeof ticketSearch.$inferSelect
