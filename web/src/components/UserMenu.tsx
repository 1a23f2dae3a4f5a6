import { useEffect, useRef, useState } from 'preact/hooks'
import type { User } from '../api/types'
import { personName } from '../lib/format'
import { useSession } from '../lib/session'
import { RoleBadge } from './Badges'

function initials(user: User): string {
  const source = personName(user)
  const parts = source.split(/[\s@._-]+/).filter(Boolean)
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?'
}

/** A disclosure: the button toggles a small panel; Escape or a click elsewhere closes it. */
export function UserMenu({ user }: { user: User }) {
  const { signOut } = useSession()
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false)
        button.current?.focus()
      }
    }
    document.addEventListener('pointerdown', onPointer)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onPointer)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])

  return (
    <div
      class="user-menu"
      ref={root}
      onFocusOut={(event) => {
        if (!root.current?.contains(event.relatedTarget as Node | null)) setOpen(false)
      }}
    >
      <button
        ref={button}
        type="button"
        class="user-menu-button"
        aria-expanded={open}
        aria-controls="user-menu-panel"
        onClick={() => setOpen(!open)}
      >
        <span class="avatar" aria-hidden="true">
          {initials(user)}
        </span>
        <span class="user-menu-name">{personName(user)}</span>
        <span class="visually-hidden"> — account menu</span>
        <svg class="chevron" viewBox="0 0 12 12" aria-hidden="true">
          <path d="M3 4.5 6 7.5 9 4.5" fill="none" stroke="currentColor" stroke-width="1.5" />
        </svg>
      </button>
      <div id="user-menu-panel" class="user-menu-panel" hidden={!open}>
        <p class="user-menu-email">{user.email}</p>
        <p>
          <RoleBadge role={user.role} />
        </p>
        <button type="button" class="button button-secondary button-block" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </div>
  )
}
