// fetch() in the API's envelope: resolves with `data` (and `meta`), rejects with an ApiError
// carrying the error envelope's `message` and `error`, which the UI shows as they are.
import type { PageMeta } from './types'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The envelope's `error`: the validation detail or the reason. */
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

interface SuccessEnvelope<T> {
  success: true
  message: string
  data: T
  meta?: PageMeta
}

interface ErrorEnvelope {
  success: false
  statusCode: number
  message: string
  error?: string
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
type QueryValue = string | number | boolean | undefined | null

let unauthorizedHandler: (() => void) | undefined

/** Called when a request other than sign-in answers 401: the session has ended. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler
}

/** Tells the app its session is gone (e.g. the live stream was refused): it signs the user out. */
export function reportUnauthorized(): void {
  unauthorizedHandler?.()
}

export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

function isEnvelope(body: unknown): body is SuccessEnvelope<unknown> | ErrorEnvelope {
  return typeof body === 'object' && body !== null && 'success' in body && 'message' in body
}

export async function call<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<{ data: T; meta?: PageMeta; message: string }> {
  let response: Response
  try {
    // Files go as multipart/form-data: the browser writes the Content-Type with its boundary.
    const form = body instanceof FormData
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined || form ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      signal: options.signal,
    })
  } catch (error) {
    // Cancelled by the caller (a newer request replaced it): not a failure to show.
    if (options.signal?.aborted) throw error
    throw new ApiError(0, 'Cannot reach the server', 'check your connection and try again')
  }
  const parsed: unknown = await response.json().catch(() => undefined)
  if (!isEnvelope(parsed)) {
    throw new ApiError(response.status, `Unexpected answer from the server (HTTP ${response.status})`)
  }
  if (!parsed.success) {
    if (response.status === 401 && !path.startsWith('/api/auth/')) unauthorizedHandler?.()
    throw new ApiError(parsed.statusCode, parsed.message, parsed.error)
  }
  return { data: parsed.data as T, meta: parsed.meta, message: parsed.message }
}

export const get = async <T>(path: string) => (await call<T>('GET', path)).data
