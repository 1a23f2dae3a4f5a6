import { Envelope, errorResponses, ok } from '../../http/envelope.js'
import { rateLimitHook } from '../../http/rate-limit.js'
import type { RoutePlugin } from '../../http/types.js'
import { RateBody, SurveySchema, SurveyTokenParams } from './satisfaction.schemas.js'
import * as satisfaction from './satisfaction.service.js'

/**
 * /api/satisfaction/:token — no sign-in: the emailed token is the credential. GET only reads
 * (link scanners follow links); the page's POST records the answer.
 */
export const satisfactionRoutes: RoutePlugin = async (app, { database }) => {
  const { db } = database
  // Per address: guessing 256-bit tokens is hopeless, but nobody needs more than this either.
  const limit = rateLimitHook(app, {
    max: 30,
    key: (request) => `satisfaction:${request.ip}`,
    what: 'too many ratings',
  })

  app.get(
    '/:token',
    {
      schema: {
        tags: ['satisfaction'],
        summary: 'The survey a link opens: ticket number and title, the answer so far (reads only)',
        params: SurveyTokenParams,
        response: { 200: Envelope(SurveySchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => ok(200, 'Survey retrieved', await satisfaction.getSurvey(db, request.params.token)),
  )

  app.post(
    '/:token',
    {
      preHandler: limit,
      schema: {
        tags: ['satisfaction'],
        summary: `Rate the ticket good or bad, with an optional comment; changeable for ${satisfaction.SATISFACTION_CHANGE_DAYS} days (409 after)`,
        params: SurveyTokenParams,
        body: RateBody,
        response: { 200: Envelope(SurveySchema), ...errorResponses(400, 404, 409, 429) },
      },
    },
    async (request) =>
      ok(200, 'Thank you for your feedback', await satisfaction.rate(db, request.params.token, request.body)),
  )
}
