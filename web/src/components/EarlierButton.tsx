import type { Thread } from '../lib/useThread'

/** "Show earlier …" above a long conversation or history that opened on its latest page. */
export function EarlierButton<T>({ thread, what }: { thread: Thread<T>; what: string }) {
  if (!thread.data || thread.earlier === 0) return null
  return (
    <p class="load-earlier">
      <button
        type="button"
        class="button button-secondary"
        disabled={thread.loadingEarlier}
        onClick={() => void thread.loadEarlier()}
      >
        {thread.loadingEarlier ? 'Loading…' : `Show earlier ${what} (${thread.earlier} more)`}
      </button>
    </p>
  )
}
