import Type, { type Static } from 'typebox'
import { Nullable } from '../../http/schemas.js'
import { TicketSchema } from '../tickets/ticket.schemas.js'

export const SimilarTicketSchema = Type.Object(
  {
    ...TicketSchema.properties,
    similarity: Type.Number({ minimum: 0, maximum: 1, description: 'How alike the two tickets are, 0 to 1' }),
    resolution: Nullable(
      Type.String({
        description:
          'The last public staff reply before the ticket was resolved; null if it was never resolved or nobody replied',
      }),
    ),
  },
  { $id: 'SimilarTicket' },
)
export type SimilarTicketDto = Static<typeof SimilarTicketSchema>

export const SimilarQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 20,
      default: 5,
      errorMessage: {
        minimum: 'limit must be greater than 0',
        maximum: 'limit cannot exceed 20',
        type: 'limit must be an integer',
      },
    }),
  ),
})

/** The text of a ticket about to be filed (the new-ticket form asks before it files). */
export const OwnSimilarQuery = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200, errorMessage: 'title must be 1 to 200 characters' }),
  description: Type.Optional(
    Type.String({ maxLength: 5000, errorMessage: 'description cannot exceed 5000 characters' }),
  ),
})
