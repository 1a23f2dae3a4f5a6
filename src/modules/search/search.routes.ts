import { errorResponses } from '../../http/envelope.js'
import type { RoutePlugin } from '../../http/types.js'
import { currentUser } from '../auth/auth.hooks.js'
import { SearchEnvelope, SearchQuery } from './search.schemas.js'
import * as searchService from './search.service.js'

/**
 * GET /api/tickets/search (api-contract.md, "Search"). Registered under /api/tickets beside
 * ticketRoutes: the router prefers this static path to `/:id`, so it is never read as an id.
 */
export const searchRoutes: RoutePlugin = async (app, { database }) => {
  const { db } = database
  app.get(
    '/search',
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Full-text search: ranked by relevance then newest, with highlighted snippets; requesters find only the tickets they may see',
        querystring: SearchQuery,
        response: { 200: SearchEnvelope, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { rows, meta } = await searchService.searchTickets(db, currentUser(request), request.query)
      return {
        success: true as const,
        statusCode: 200,
        message: 'Search results retrieved successfully',
        data: rows,
        meta,
        timestamp: new Date().toISOString(),
      }
    },
  )
}
