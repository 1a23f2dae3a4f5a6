import Type, { type Static } from 'typebox'
import { DateTime, Nullable, StringEnum } from '../../http/schemas.js'
import { SATISFACTION_RATINGS } from '../../shared/vocabulary.js'

export const RatingSchema = StringEnum(SATISFACTION_RATINGS, 'rating must be good or bad')

/** The requester's answer, on every ticket response (null until they answer). */
export const SatisfactionSchema = Type.Object(
  {
    rating: RatingSchema,
    comment: Nullable(Type.String()),
    rated_at: DateTime,
  },
  { $id: 'Satisfaction' },
)
export type SatisfactionDto = Static<typeof SatisfactionSchema>

export const SurveyTokenParams = Type.Object({
  token: Type.String({ maxLength: 200, description: 'The token of the emailed survey link' }),
})

export const RateBody = Type.Object(
  {
    rating: RatingSchema,
    comment: Type.Optional(
      Nullable(
        Type.String({ maxLength: 2000, errorMessage: 'comment must be a text of at most 2000 characters' }),
      ),
    ),
  },
  { additionalProperties: false },
)
export type RateInput = Static<typeof RateBody>

/** What the survey page needs: which ticket, the answer so far, and until when it may change. */
export const SurveySchema = Type.Object(
  {
    ticket: Type.Object({ number: Type.Integer(), title: Type.String() }),
    satisfaction: Nullable(SatisfactionSchema),
    can_rate: Type.Boolean({ description: 'Whether a POST would be accepted now' }),
    rate_until: DateTime,
  },
  { $id: 'SatisfactionSurvey' },
)
export type SurveyDto = Static<typeof SurveySchema>
