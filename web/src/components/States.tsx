import type { ComponentChildren } from 'preact'

/** Grey bars where content will be, in its size, so nothing jumps when it arrives. */
export function Skeleton({ lines = 3, label = 'Loading…' }: { lines?: number; label?: string }) {
  return (
    <div class="skeleton" role="status" aria-live="polite">
      <span class="visually-hidden">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} class="skeleton-line" aria-hidden="true" />
      ))}
    </div>
  )
}

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <svg class="empty-icon" viewBox="0 0 48 48" aria-hidden="true">
        <rect x="8" y="10" width="32" height="28" rx="4" fill="none" stroke="currentColor" stroke-width="2" />
        <path d="M8 24h10l2 4h8l2-4h10" fill="none" stroke="currentColor" stroke-width="2" />
      </svg>
      <p class="empty-title">{title}</p>
      {children && <div class="empty-body">{children}</div>}
    </div>
  )
}
