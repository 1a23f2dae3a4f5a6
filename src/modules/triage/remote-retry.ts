// The retry policy both remote providers share, so Gemini and OpenAI-compatible backends behave the same.
// The SDKs' own retries are switched off: they know nothing of bad model output, and ours must count
// every kind of failed attempt against one budget.
import { setTimeout as sleep } from 'node:timers/promises'
import { InvalidOutputError, TriageError } from './triage.types.js'

export interface RemoteOptions {
  /** Per-attempt request timeout. */
  timeoutMs?: number
  /** Attempts per analysis, the first included. */
  maxAttempts?: number
  /** First backoff delay; doubles per attempt, with jitter. */
  baseDelayMs?: number
  /**
   * Longest wait between attempts. A server asking for a longer wait (Retry-After) gets a retryable
   * TriageError at once instead, so the job queue retries later rather than a worker sitting idle.
   */
  maxDelayMs?: number
}

export type ResolvedRemoteOptions = Required<RemoteOptions>

export function resolveRemoteOptions(options: RemoteOptions = {}): ResolvedRemoteOptions {
  return {
    timeoutMs: options.timeoutMs ?? 30_000,
    maxAttempts: Math.max(1, options.maxAttempts ?? 3),
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 10_000,
  }
}

/** A transient failure (timeout, network, 408/409/429/5xx), with the delay the server asked for if any. */
export class TransientError extends TriageError {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, true, options)
    this.name = 'TransientError'
  }
}

/** 408 and 409 (Google's ABORTED) are transient like 429 and 5xx; any other 4xx will fail again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/** Reads retry-after-ms (OpenAI's) or Retry-After (seconds or an HTTP date), in milliseconds. */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '')
  if (Number.isFinite(ms) && ms >= 0) return ms
  const value = headers?.get('retry-after')?.trim()
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function backoff(attempt: number, options: ResolvedRemoteOptions): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1))
  // Equal jitter: half fixed, half random, so concurrent workers do not retry in lockstep.
  return exponential / 2 + Math.random() * (exponential / 2)
}

/**
 * Runs `attempt` until it succeeds, a non-retryable TriageError is thrown, or the attempts run out.
 * Each attempt must throw TriageError (or TransientError) for failures; anything else is a bug and
 * is not retried.
 */
export async function withRetries<T>(
  label: string,
  options: ResolvedRemoteOptions,
  signal: AbortSignal | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      if (signal?.aborted) throw new TriageError(`${label}: analysis aborted`, true, { cause: error })
      if (!(error instanceof TriageError)) {
        throw new TriageError(`${label}: unexpected error`, false, { cause: error })
      }
      if (!error.retryable) throw error
      const cause = { cause: error }
      if (n >= options.maxAttempts) {
        // Unusable answers to the end: final, so the workflow falls back now (the spec's defaults)
        // instead of after the job's retries. A transient failure last stays retryable.
        const retryable = !(error instanceof InvalidOutputError)
        throw new TriageError(`${label}: ${error.message} (gave up after ${n} attempts)`, retryable, cause)
      }
      const asked = error instanceof TransientError ? error.retryAfterMs : undefined
      if (asked !== undefined && asked > options.maxDelayMs) {
        const wait = `server asked to wait ${Math.ceil(asked)} ms`
        throw new TriageError(`${label}: ${error.message}; ${wait}, longer than maxDelayMs`, true, cause)
      }
      try {
        await sleep(asked ?? backoff(n, options), undefined, { signal })
      } catch (abort) {
        throw new TriageError(`${label}: analysis aborted`, true, { cause: abort })
      }
    }
  }
}
