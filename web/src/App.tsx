import type { JSX } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import type { Role, User } from './api/types'
import { Layout } from './components/Layout'
import { Skeleton } from './components/States'
import { homeFor, safeNext } from './lib/home'
import { match, navigate, useLocation } from './lib/router'
import { useSession } from './lib/session'
import { isStaff } from './lib/workflow'
import { Outbox } from './pages/admin/Outbox'
import { Skills } from './pages/admin/Skills'
import { UserDetail } from './pages/admin/UserDetail'
import { Users } from './pages/admin/Users'
import { ForgotPassword } from './pages/auth/ForgotPassword'
import { Login } from './pages/auth/Login'
import { Register } from './pages/auth/Register'
import { ResetPassword } from './pages/auth/ResetPassword'
import { Dashboard } from './pages/Dashboard'
import { MyTickets } from './pages/MyTickets'
import { NewTicket } from './pages/NewTicket'
import { NotAllowed, NotFound } from './pages/Problems'
import { Queue } from './pages/Queue'
import { Search } from './pages/Search'
import { TicketPage } from './pages/ticket/TicketPage'

// public: signed-out pages (a signed-in user is sent on); anyone: shown either way (a reset link
// opened while signed in, perhaps as someone else, must still work).
type Access = 'public' | 'anyone' | 'signed-in' | 'staff' | 'admin'

interface RouteDef {
  pattern: string
  access: Access
  render: (params: Record<string, string>) => JSX.Element
}

const ROUTES: RouteDef[] = [
  { pattern: '/login', access: 'public', render: () => <Login /> },
  { pattern: '/register', access: 'public', render: () => <Register /> },
  { pattern: '/forgot-password', access: 'public', render: () => <ForgotPassword /> },
  { pattern: '/reset-password', access: 'anyone', render: () => <ResetPassword /> },
  { pattern: '/tickets', access: 'signed-in', render: () => <MyTickets /> },
  { pattern: '/tickets/new', access: 'signed-in', render: () => <NewTicket /> },
  { pattern: '/tickets/:id', access: 'signed-in', render: (p) => <TicketPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/search', access: 'signed-in', render: () => <Search /> },
  { pattern: '/dashboard', access: 'staff', render: () => <Dashboard /> },
  { pattern: '/queue', access: 'staff', render: () => <Queue /> },
  { pattern: '/admin/users', access: 'admin', render: () => <Users /> },
  { pattern: '/admin/users/:id', access: 'admin', render: (p) => <UserDetail key={p.id} id={p.id ?? ''} /> },
  { pattern: '/admin/skills', access: 'admin', render: () => <Skills /> },
  { pattern: '/admin/emails', access: 'admin', render: () => <Outbox /> },
]

function allowed(access: Access, role: Role): boolean {
  if (access === 'staff') return isStaff(role)
  if (access === 'admin') return role === 'admin'
  return true
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to])
  return null
}

function resolve(path: string, query: URLSearchParams, user: User | null): JSX.Element {
  if (path === '/') return user ? <Redirect to={homeFor(user)} /> : <Redirect to="/login" />
  for (const route of ROUTES) {
    const params = match(route.pattern, path)
    if (!params) continue
    if (route.access === 'anyone') return route.render(params)
    if (route.access === 'public') {
      // Signed in already: go where the sign-in would have led.
      return user ? <Redirect to={safeNext(query.get('next')) ?? homeFor(user)} /> : route.render(params)
    }
    if (!user) return <Redirect to={`/login?next=${encodeURIComponent(path + location.search)}`} />
    return allowed(route.access, user.role) ? route.render(params) : <NotAllowed />
  }
  return <NotFound />
}

export function App() {
  const { user } = useSession()
  const { path, query } = useLocation()
  const firstPath = useRef(true)

  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false
      return
    }
    window.scrollTo(0, 0)
    // Let the new page render its heading, then start there.
    requestAnimationFrame(() => document.getElementById('page-title')?.focus({ preventScroll: true }))
  }, [path])

  if (user === undefined) {
    return (
      <Layout user={null} path={path}>
        <Skeleton lines={4} />
      </Layout>
    )
  }
  return (
    <Layout user={user} path={path}>
      {resolve(path, query, user)}
    </Layout>
  )
}
