// Each queue's payload schema, in one place both sides use: `enqueue` checks a payload against it
// before writing the job (a bad payload throws, and the caller's transaction rolls back), and the
// worker checks it again before running the job (jobs written by older code, or by hand).
import Type, { type Static } from 'typebox'

export const JOB_PAYLOADS = {
  'ticket-workflow': Type.Object(
    { ticketId: Type.String({ format: 'uuid' }) },
    { additionalProperties: false },
  ),
  'email-delivery': Type.Object(
    { emailId: Type.String({ format: 'uuid' }) },
    { additionalProperties: false },
  ),
  // Sent by pg-boss's scheduler with an empty payload.
  housekeeping: Type.Object({}),
  'ticket-reassignment': Type.Object(
    { ticketId: Type.String({ format: 'uuid' }) },
    { additionalProperties: false },
  ),
  // Sent by pg-boss's scheduler with an empty payload.
  'sla-escalation': Type.Object({}),
  // The backlog is in the database (search_backlog): nothing to carry.
  'search-backlog': Type.Object({}),
  // An inbound_messages row accepted as `pending`: its raw message is in the row.
  'inbound-filing': Type.Object(
    { inboundId: Type.String({ format: 'uuid' }) },
    { additionalProperties: false },
  ),
} as const

export type JobPayloads = typeof JOB_PAYLOADS
export type PayloadOf<Q extends keyof JobPayloads> = Static<JobPayloads[Q]>
