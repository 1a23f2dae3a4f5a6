import { useEffect, useState } from 'preact/hooks'
import { dismiss, subscribeToasts, type Toast } from '../lib/announce'

/** Always in the page (empty or not) so screen readers pick up what is added to it. */
export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([])
  useEffect(() => subscribeToasts(setToasts), [])
  return (
    <div class="toasts" role="status" aria-live="polite" aria-relevant="additions text">
      {toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.tone}`}>
          <span>{t.text}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
