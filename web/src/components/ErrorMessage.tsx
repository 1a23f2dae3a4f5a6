import type { ApiError } from '../api/client'

/**
 * The API's own words for what went wrong: the envelope's `message`, and its `error` (the
 * validation detail) when there is one. role="alert" makes screen readers read it at once.
 */
export function ErrorMessage({ error, title }: { error: ApiError | undefined; title?: string }) {
  if (!error) return null
  return (
    <div class="alert alert-error" role="alert">
      <strong class="alert-title">{title ?? error.message}</strong>
      {title && <span> {error.message}</span>}
      {error.detail && <p class="alert-detail">{error.detail}</p>}
    </div>
  )
}
