import type { ComponentChildren } from 'preact'
import type { User } from '../api/types'
import { useLiveState } from '../lib/live'
import { isStaff } from '../lib/workflow'
import { HeaderSearch } from './HeaderSearch'
import { Link } from './Link'
import { Toasts } from './Toasts'
import { UserMenu } from './UserMenu'

interface NavItem {
  href: string
  label: string
}

function navFor(user: User): NavItem[] {
  const items: NavItem[] = []
  if (isStaff(user.role))
    items.push({ href: '/dashboard', label: 'Dashboard' }, { href: '/queue', label: 'Queue' })
  items.push({ href: '/tickets', label: 'My tickets' }, { href: '/tickets/new', label: 'New ticket' })
  if (user.role === 'admin') {
    items.push(
      { href: '/admin/users', label: 'Users' },
      { href: '/admin/skills', label: 'Skills' },
      { href: '/admin/emails', label: 'Outbox' },
    )
  }
  return items
}

/** The most specific nav item containing the path is the current one ("/tickets/new" is not "/tickets"). */
function currentHref(items: NavItem[], path: string, user: User | null): string | undefined {
  // A ticket's page belongs to the queue for staff (most tickets they open are not their own).
  if (/^\/tickets\/(?!new$)[^/]+$/.test(path) && user && isStaff(user.role)) return '/queue'
  return items
    .filter((i) => path === i.href || path.startsWith(`${i.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href
}

function LiveIndicator() {
  // Shown only while signed in, when the stream is wanted: "off" is the moment before it starts.
  const state = useLiveState()
  const live = state === 'live'
  return (
    <span class={`live live-${live ? 'live' : 'connecting'}`} title="Live updates from the server">
      <span class="live-dot" aria-hidden="true" />
      {live ? 'Live' : 'Connecting…'}
    </span>
  )
}

function Brand() {
  return (
    <Link href="/" class="brand">
      <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" />
        <path d="M9 11.5h14M9 16h14M9 20.5h8" />
      </svg>
      <span>Smart Tickets</span>
    </Link>
  )
}

export function Layout({
  user,
  path,
  children,
}: {
  user: User | null
  path: string
  children: ComponentChildren
}) {
  const items = user ? navFor(user) : []
  const current = currentHref(items, path, user)
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <div class="app-header-inner">
          <Brand />
          {user && (
            <nav class="main-nav" aria-label="Main">
              <ul>
                {items.map((item) => (
                  <li key={item.href}>
                    <Link href={item.href} aria-current={item.href === current ? 'page' : undefined}>
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {user && (
            <div class="header-end">
              <HeaderSearch />
              <LiveIndicator />
              <UserMenu user={user} />
            </div>
          )}
        </div>
      </header>
      <main id="main" class="app-main" tabIndex={-1}>
        {children}
      </main>
      <Toasts />
    </>
  )
}
