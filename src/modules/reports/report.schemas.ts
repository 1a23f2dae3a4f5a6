import Type, { type Static } from 'typebox'
import { Nullable, StringEnum } from '../../http/schemas.js'

const DATE = '^\\d{4}-\\d{2}-\\d{2}$'

/** The range every report takes: whole UTC days, both ends included. */
export const ReportQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        pattern: DATE,
        errorMessage: 'from must be a date (YYYY-MM-DD)',
        description: 'First day, UTC (default: 29 days before `to`)',
      }),
    ),
    to: Type.Optional(
      Type.String({
        pattern: DATE,
        errorMessage: 'to must be a date (YYYY-MM-DD)',
        description: 'Last day, UTC, included (default: today)',
      }),
    ),
    format: Type.Optional(StringEnum(['json', 'csv'], 'format must be json or csv')),
  },
  { additionalProperties: false },
)
export type ReportQueryInput = Static<typeof ReportQuery>

export const SummaryQuery = Type.Object(
  {
    ...ReportQuery.properties,
    group_by: Type.Optional(
      StringEnum(
        ['day', 'week'],
        'group_by must be day or week',
        'Periods: UTC days, or ISO weeks from Monday',
      ),
    ),
  },
  { additionalProperties: false },
)
export type SummaryQueryInput = Static<typeof SummaryQuery>

const Minutes = Nullable(
  Type.Number({ description: 'Minutes (calendar time); null when nothing to measure' }),
)
const Pct = Nullable(Type.Number({ description: 'Percent, one decimal; null when no target was decided' }))
const Satisfaction = Type.Object({ good: Type.Integer(), bad: Type.Integer() })

export const SummaryRowSchema = Type.Object(
  {
    period: Type.String({ description: 'First day of the period (YYYY-MM-DD, UTC)' }),
    created: Type.Integer(),
    resolved: Type.Integer(),
    first_response: Type.Object({ median_minutes: Minutes, p90_minutes: Minutes }),
    resolution: Type.Object({ median_minutes: Minutes, p90_minutes: Minutes }),
    sla: Type.Object({ first_response_met_pct: Pct, resolution_met_pct: Pct }),
    satisfaction: Satisfaction,
  },
  { $id: 'ReportSummaryRow' },
)
export type SummaryRow = Static<typeof SummaryRowSchema>

export const ModeratorRowSchema = Type.Object(
  {
    user: Type.Object({
      id: Type.String({ format: 'uuid' }),
      name: Nullable(Type.String()),
      email: Type.String(),
    }),
    assigned: Type.Integer({ description: 'Tickets created in the range and assigned to them now' }),
    resolved: Type.Integer(),
    first_response_median_minutes: Minutes,
    sla_met_pct: Pct,
    satisfaction: Satisfaction,
  },
  { $id: 'ReportModeratorRow' },
)
export type ModeratorRow = Static<typeof ModeratorRowSchema>

export const SkillRowSchema = Type.Object(
  {
    skill: Type.String(),
    created: Type.Integer(),
    resolved: Type.Integer(),
    first_response_median_minutes: Minutes,
    resolution_median_minutes: Minutes,
    sla_met_pct: Pct,
    satisfaction: Satisfaction,
  },
  { $id: 'ReportSkillRow' },
)
export type SkillRow = Static<typeof SkillRowSchema>

export const BacklogRowSchema = Type.Object(
  {
    status: Type.String(),
    priority: Type.String(),
    count: Type.Integer(),
  },
  { $id: 'ReportBacklogRow' },
)
export type BacklogRow = Static<typeof BacklogRowSchema>

export const BacklogQuery = Type.Object(
  { format: ReportQuery.properties.format },
  { additionalProperties: false },
)
