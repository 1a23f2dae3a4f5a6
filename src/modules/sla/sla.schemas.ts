// Service levels (api-contract.md, "Service levels"): policies, and the `sla` block of a ticket.
// Types only: the web UI imports them.
import Type, { type Static } from 'typebox'
import { DateTime, Nullable, StringEnum } from '../../http/schemas.js'
import { TICKET_PRIORITIES } from '../../shared/vocabulary.js'

export const SLA_STATES = ['ok', 'warning', 'breached', 'met'] as const
export type SlaStateName = (typeof SLA_STATES)[number]
export const SLA_TARGETS = ['first_response', 'resolution'] as const
export type SlaTargetName = (typeof SLA_TARGETS)[number]

/** The `sla` of every ticket response; null when no policy applies. */
export const TicketSlaSchema = Type.Object(
  {
    policy_id: Type.String({ format: 'uuid' }),
    first_response_due_at: Nullable(DateTime),
    first_responded_at: Nullable(DateTime),
    resolution_due_at: Nullable(DateTime),
    paused: Type.Boolean({ description: 'The clock stands still (waiting_for_customer, resolved)' }),
    paused_since: Nullable(DateTime),
    // The soonest due time of a target still running (what sort=due orders by), null when none.
    due_at: Nullable(DateTime),
    business_minutes_left: Type.Optional(
      Nullable(
        Type.Number({
          description:
            'Business minutes until due_at (negative: past it), frozen while paused; null when nothing is owed. On single-ticket, list and update responses',
        }),
      ),
    ),
    state: StringEnum(SLA_STATES, '', 'ok, warning (80 % of a target used), breached, met'),
  },
  { $id: 'TicketSla' },
)
export type TicketSlaDto = Static<typeof TicketSlaSchema>

// A week of at most 7 × 12 ranges; "HH:MM", end may be "24:00".
const TIME = '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
export const OpeningRangeSchema = Type.Object(
  {
    day: Type.Integer({ minimum: 0, maximum: 6, errorMessage: 'day must be 0 (Sunday) to 6 (Saturday)' }),
    start: Type.String({ pattern: TIME, errorMessage: 'start must be a time HH:MM' }),
    end: Type.String({ pattern: TIME, errorMessage: 'end must be a time HH:MM (24:00 for midnight)' }),
  },
  { additionalProperties: false },
)

export const CalendarSchema = Type.Object(
  {
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
    hours: Type.Array(OpeningRangeSchema, {
      maxItems: 84,
      description: 'Weekly opening ranges; several per day allowed; [] means around the clock',
    }),
    holidays: Type.Array(
      Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', errorMessage: 'holidays must be dates YYYY-MM-DD' }),
      { maxItems: 366, description: 'Closed local dates' },
    ),
  },
  { additionalProperties: false },
)
export type CalendarDto = Static<typeof CalendarSchema>

const Minutes = Type.Integer({
  minimum: 1,
  maximum: 525_600,
  errorMessage: 'target minutes must be whole numbers from 1 to 525600',
})
const TargetSchema = Type.Object(
  { first_response_minutes: Minutes, resolution_minutes: Minutes },
  { additionalProperties: false },
)
export const TargetsSchema = Type.Object(
  Object.fromEntries(TICKET_PRIORITIES.map((p) => [p, TargetSchema])) as Record<
    (typeof TICKET_PRIORITIES)[number],
    typeof TargetSchema
  >,
  { additionalProperties: false, description: 'Business minutes per priority' },
)

export const SlaPolicySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    is_default: Type.Boolean(),
    skill: Nullable(Type.String({ description: 'Applies to tickets needing this skill' })),
    position: Type.Integer({ description: 'Order among skill policies: the first match wins' }),
    targets: TargetsSchema,
    calendar: CalendarSchema,
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'SlaPolicy' },
)
export type SlaPolicyDto = Static<typeof SlaPolicySchema>

const Name = Type.String({ minLength: 1, maxLength: 100 })
const Skill = Nullable(Type.String({ minLength: 1, maxLength: 100, description: 'A skill name or id' }))
const Position = Type.Integer({ minimum: 0, maximum: 100_000 })

export const CreateSlaPolicyBody = Type.Object(
  {
    name: Name,
    is_default: Type.Optional(Type.Boolean()),
    skill: Type.Optional(Skill),
    position: Type.Optional(Position),
    targets: TargetsSchema,
    calendar: CalendarSchema,
  },
  { additionalProperties: false },
)
export type CreateSlaPolicyInput = Static<typeof CreateSlaPolicyBody>

export const UpdateSlaPolicyBody = Type.Object(
  {
    name: Type.Optional(Name),
    is_default: Type.Optional(Type.Boolean()),
    skill: Type.Optional(Skill),
    position: Type.Optional(Position),
    targets: Type.Optional(TargetsSchema),
    calendar: Type.Optional(CalendarSchema),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    errorMessage: {
      minProperties: 'provide at least one of: name, is_default, skill, position, targets, calendar',
    },
  },
)
export type UpdateSlaPolicyInput = Static<typeof UpdateSlaPolicyBody>
