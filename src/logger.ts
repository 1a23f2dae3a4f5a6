// The one logging interface below the HTTP layer: pino's (Fastify's app.log is one too). Code
// that can run before an app exists (the database, the job queue) takes one of these; when none
// is passed it logs through a plain pino logger rather than to nowhere.
import pino from 'pino'

export interface Logger {
  error(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
  debug(obj: object, msg: string): void
}

let fallback: Logger | undefined

/** A pino logger at `level` (LOG_LEVEL), named by `bindings`. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } })
}

/** For callers that did not pass a logger (tests, tools): errors still reach stderr's log stream. */
export function defaultLogger(): Logger {
  fallback ??= createLogger('info')
  return fallback
}
