// The one error type domain code throws. It names what went wrong; the HTTP layer alone
// decides the status code (src/http/error-handler.ts), so services never import HTTP.
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'RATE_LIMITED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAVAILABLE'

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra detail for the client: the envelope's `error` field. */
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** The spec's 400: `message` is always "Bad request" and the rule that failed goes in `error`. */
export const badRequest = (detail: string) => new AppError('VALIDATION', 'Bad request', detail)
export const notFound = (message: string) => new AppError('NOT_FOUND', message)
export const forbidden = (message: string) => new AppError('FORBIDDEN', message)
export const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Unauthorized access')
