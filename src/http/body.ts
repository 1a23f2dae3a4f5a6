// Which request bodies the API reads: JSON only.
import type { FastifyInstance } from 'fastify'

/**
 * JSON in, nothing else: a text/plain body answers 415 like any other non-JSON type (it is also the
 * content type a cross-site form can send without a CORS preflight). An empty body sent as
 * `application/json` counts as no body at all, as clients that set the header on every request
 * (fetch wrappers) do for logout, delete or confirm; routes that need a body still answer 400.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  // The defaults of Fastify's own parser: refuse prototype poisoning outright.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString()
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    void parseJson(request, text, done)
  })
}
