// The single place where errors become HTTP responses, always in the error envelope.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { pgErrorCode } from '../db/errors.js'
import { AppError, type ErrorCode } from '../errors.js'
import { errorBody } from './envelope.js'
import { validationMessage } from './validation.js'

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  RATE_LIMITED: 429,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAVAILABLE: 503,
}

// Fastify's own client errors, reworded for the envelope.
const FASTIFY_ERRORS: Record<string, { message: string; error: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { message: 'Bad request', error: 'request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { message: 'Bad request', error: 'request body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { message: 'Payload too large', error: 'request body cannot exceed 1 MB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    message: 'Unsupported media type',
    error: 'send the request body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    message: 'Bad request',
    error: 'Content-Length does not match the body',
  },
  FST_ERR_CTP_INVALID_TYPE: { message: 'Bad request', error: 'Content-Type header is invalid' },
  FST_ERR_CTP_INVALID_CHARSET: { message: 'Unsupported media type', error: 'request body must be UTF-8' },
}

const GENERIC_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized access',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
  431: 'Request header fields too large',
}

interface Answer {
  statusCode: number
  message: string
  error?: string | undefined
}

function answerFor(error: FastifyError | AppError | Error): Answer | undefined {
  if (error instanceof AppError) {
    return { statusCode: STATUS_BY_CODE[error.code], message: error.message, error: error.detail }
  }
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    return {
      statusCode: 400,
      message: 'Bad request',
      error: validationMessage(fastifyError.validation, fastifyError.validationContext ?? 'body'),
    }
  }
  const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined
  if (known && fastifyError.statusCode) return { statusCode: fastifyError.statusCode, ...known }
  const status = fastifyError.statusCode
  if (status && status >= 400 && status < 500) {
    return { statusCode: status, message: GENERIC_MESSAGES[status] ?? 'Bad request', error: error.message }
  }
  // A value PostgreSQL rejects (class 22: data exception) is the client's input, not our failure.
  const sqlState = pgErrorCode(error)
  if (sqlState?.startsWith('22'))
    return { statusCode: 400, message: 'Bad request', error: 'a value in the request is invalid' }
  return undefined
}

/** The envelope's `path`: the URL's path, without the query string. */
const pathOf = (url: string) => url.split('?')[0] ?? url

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const answer = answerFor(error)
    if (!answer) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(500).send(errorBody(500, 'Internal server error', pathOf(request.url)))
    }
    if (answer.statusCode === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '60')
    return reply
      .code(answer.statusCode)
      .send(errorBody(answer.statusCode, answer.message, pathOf(request.url), answer.error))
  })

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(
        errorBody(
          404,
          'Route not found',
          pathOf(request.url),
          `${request.method} ${pathOf(request.url)} does not exist`,
        ),
      )
  })
}

/**
 * Errors Fastify raises before any route or hook runs (a URL that does not decode, a path parameter
 * over the router's length limit): the Fastify constructor's `frameworkErrors` option, so they too
 * answer in the error envelope instead of Fastify's own JSON.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = pathOf(request.url)
  // These replies skip the app's onSend hooks: add the request id here.
  reply.header('x-request-id', request.id)
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(414).send(errorBody(414, 'URI too long', path, 'a path segment of the URL is too long'))
    return
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    void reply.code(400).send(errorBody(400, 'Bad request', path, 'the URL is not validly encoded'))
    return
  }
  request.log.error({ err: error }, 'request failed before routing')
  void reply.code(500).send(errorBody(500, 'Internal server error', path))
}
