// Messages for everyone: shown as toasts and read out by screen readers (the toast region is
// an aria-live region), e.g. "Ticket assigned to …" when a live update arrives.
export type Tone = 'info' | 'success' | 'error'

export interface Toast {
  id: number
  text: string
  tone: Tone
}

type Listener = (toasts: Toast[]) => void

let toasts: Toast[] = []
let nextId = 1
const listeners = new Set<Listener>()
const TOAST_MS = 5000

function emit(): void {
  for (const listener of listeners) listener(toasts)
}

export function announce(text: string, tone: Tone = 'info'): void {
  const id = nextId++
  // Keep a few at most: a burst of live updates must not cover the page.
  toasts = [...toasts.slice(-2), { id, text, tone }]
  emit()
  setTimeout(() => dismiss(id), TOAST_MS)
}

export function dismiss(id: number): void {
  toasts = toasts.filter((t) => t.id !== id)
  emit()
}

export function subscribeToasts(listener: Listener): () => void {
  listeners.add(listener)
  listener(toasts)
  return () => {
    listeners.delete(listener)
  }
}
