import { useEffect } from 'preact/hooks'
import type { PageMeta } from '../api/types'
import { formatNumber } from '../lib/format'

/** Pages as the API pages them: meta {total, page, limit}. */
export function Pagination({ meta, onPage }: { meta: PageMeta; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.limit))
  if (meta.total === 0) return null
  const first = (meta.page - 1) * meta.limit + 1
  const last = Math.min(meta.total, meta.page * meta.limit)
  return (
    <nav class="pagination" aria-label="Pagination">
      <p class="pagination-info">
        {first <= meta.total
          ? `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(meta.total)}`
          : `${formatNumber(meta.total)} in all`}
      </p>
      <div class="pagination-buttons">
        <button
          type="button"
          class="button button-secondary"
          disabled={meta.page <= 1}
          onClick={() => onPage(Math.min(meta.page - 1, pages))}
        >
          ← Previous
        </button>
        <span class="pagination-page" aria-current="page">
          Page {formatNumber(meta.page)} of {formatNumber(pages)}
        </span>
        <button
          type="button"
          class="button button-secondary"
          disabled={meta.page >= pages}
          onClick={() => onPage(meta.page + 1)}
        >
          Next →
        </button>
      </div>
    </nav>
  )
}

/**
 * A page past the end (its last tickets were closed or deleted meanwhile, or an old link): go to
 * the last page that has rows instead of showing an empty list that is not really empty.
 */
export function useClampPage(meta: PageMeta | undefined, rows: number, goTo: (page: number) => void): void {
  const lastPage = meta ? Math.max(1, Math.ceil(meta.total / meta.limit)) : 1
  const pastTheEnd = meta !== undefined && rows === 0 && meta.page > lastPage
  useEffect(() => {
    if (pastTheEnd) goTo(lastPage)
  }, [pastTheEnd, lastPage])
}
