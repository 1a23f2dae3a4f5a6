import type { User } from '../api/types'
import { isStaff } from './workflow'

/** Where a user starts: the dashboard for staff, their own tickets for everyone else. */
export const homeFor = (user: User) => (isStaff(user.role) ? '/dashboard' : '/tickets')

/** Only our own paths: "?next=https://evil.example" must not send anyone away. */
export function safeNext(next: string | null): string | undefined {
  return next?.startsWith('/') && !next.startsWith('//') ? next : undefined
}
