import Type, { type Static } from 'typebox'
import { PaginationQuery } from '../../http/schemas.js'
import { TicketListQuery, TicketSchema } from '../tickets/ticket.schemas.js'

export const SearchQuery = Type.Object({
  q: Type.String({
    minLength: 1,
    maxLength: 200,
    errorMessage: {
      minLength: 'q must not be empty',
      maxLength: 'q must be at most 200 characters long',
      type: 'q must be a string',
    },
    description:
      'Web-search syntax: words, "quoted phrases", -excluded, `or`; the last word also matches as a prefix. `#1042` or `1042` puts ticket 1042 first.',
  }),
  page: PaginationQuery.page,
  limit: PaginationQuery.limit,
  status: TicketListQuery.properties.status,
  priority: TicketListQuery.properties.priority,
  assigned_to: Type.Optional(
    Type.String({
      pattern: '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|unassigned)$',
      errorMessage: 'assigned_to must be a user id (UUID) or "unassigned"',
      description: 'A moderator id, or "unassigned"',
    }),
  ),
})
export type SearchInput = Static<typeof SearchQuery>

export const SearchHitSchema = Type.Object(
  {
    ...TicketSchema.properties,
    highlight: Type.Object(
      {
        title: Type.String(),
        body: Type.String(),
      },
      {
        description:
          'The matching text, HTML-escaped, with the matches in <mark>…</mark> (the only markup it can contain)',
      },
    ),
  },
  { $id: 'SearchHit' },
)
export type SearchHitDto = Static<typeof SearchHitSchema>

export const SearchMetaSchema = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  limit: Type.Integer(),
  fuzzy: Type.Optional(
    Type.Boolean({
      description: 'true: the words found nothing, so similar words (typo fallback) were used',
    }),
  ),
})
export type SearchMeta = Static<typeof SearchMetaSchema>

export const SearchEnvelope = Type.Object({
  success: Type.Literal(true),
  statusCode: Type.Integer(),
  message: Type.String(),
  data: Type.Array(SearchHitSchema),
  meta: SearchMetaSchema,
  timestamp: Type.String({ format: 'date-time' }),
})
