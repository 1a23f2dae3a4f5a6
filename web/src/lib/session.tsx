// Who is signed in. The session itself is the HTTP-only `sid` cookie, which scripts cannot
// read: GET /api/auth/me tells, at start and after signing in.
import { type ComponentChildren, createContext } from 'preact'
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks'
import { onUnauthorized } from '../api/client'
import { auth } from '../api/endpoints'
import type { User } from '../api/types'
import { announce } from './announce'
import { startLive, stopLive } from './live'
import { navigate } from './router'

interface Session {
  /** undefined while the first /me is on its way; null when signed out. */
  user: User | null | undefined
  signedIn: (user: User) => void
  signOut: () => Promise<void>
}

const SessionContext = createContext<Session>({
  user: undefined,
  signedIn: () => {},
  signOut: async () => {},
})

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [user, setUser] = useState<User | null | undefined>(undefined)

  useEffect(() => {
    auth.me().then(setUser, () => setUser(null))
    // Any 401 later means the session ended (signed out elsewhere, deactivated, expired).
    onUnauthorized(() => {
      setUser((previous) => {
        if (previous) announce('Your session has ended. Please sign in again.')
        return null
      })
    })
  }, [])

  useEffect(() => {
    if (user) startLive()
    else stopLive()
  }, [user?.id])

  const signedIn = useCallback((next: User) => setUser(next), [])
  const signOut = useCallback(async () => {
    // Whatever the server says, this browser is signed out afterwards.
    await auth.logout().catch(() => undefined)
    setUser(null)
    navigate('/login')
    announce('You are signed out.')
  }, [])

  const value = useMemo(() => ({ user, signedIn, signOut }), [user, signedIn, signOut])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export const useSession = () => useContext(SessionContext)

/** For pages behind the sign-in guard: the user is known there. */
export function useUser(): User {
  const { user } = useSession()
  if (!user) throw new Error('useUser outside a signed-in page')
  return user
}
