// Every authenticated request needs its session's user. Looking it up was one round trip per
// request: a third of the database statements and socket writes of a list request (bench,
// issue 9 §6). This process keeps what it looked up for a few seconds, and forgets it the moment a
// user's rights or sessions change:
// - changes made through this process (logout, a role change, deactivation, a password reset) are
//   forgotten by the route as soon as its transaction has committed;
// - changes made anywhere (another server process, a worker) arrive as access announcements on the
//   ticket change channel (events/access-changes.ts) a few milliseconds after they commit;
// - while that channel's connection is down, announcements could be missed: the cache is emptied
//   and bypassed until the connection is back;
// - whatever else changes a session (an operator's SQL) is seen after at most `ttlMs`.
import type { Db } from '../../db/client.js'
import { findSessionUser, hashToken, type SessionUser } from './session.repository.js'

export interface SessionCache {
  /** The live session's user for a cookie token, from memory when this process saw it lately. */
  lookup(db: Db, token: string): Promise<SessionUser | undefined>
  /** After a logout: this token's session is gone. */
  forgetToken(token: string): void
  /** After a change of the user's rights, account or sessions. */
  forgetUser(userId: string): void
  /** Whether change announcements are arriving (the LISTEN connection is up). */
  setAnnouncementsLive(live: boolean): void
}

interface Entry {
  user: SessionUser
  /** When this entry stops being trusted: its fetch time plus the TTL, or the session's expiry. */
  validUntil: number
}

export interface SessionCacheOptions {
  /** How long a looked-up session is trusted without asking the database; 0 turns the cache off. */
  ttlMs: number
  /** Entries kept at most; the oldest go first (one per signed-in browser, so small). */
  maxEntries?: number
  now?: () => number
}

export function createSessionCache({
  ttlMs,
  maxEntries = 10_000,
  now = Date.now,
}: SessionCacheOptions): SessionCache {
  // Keyed by the token's hash, as the database keeps it: no usable token sits in the heap.
  const entries = new Map<string, Entry>()
  let live = false
  // Bumped by every forget: a lookup that started before a forget must not store what it read.
  let epoch = 0

  const forgetWhere = (matches: (entry: Entry) => boolean) => {
    epoch++
    for (const [key, entry] of entries) if (matches(entry)) entries.delete(key)
  }

  return {
    async lookup(db, token) {
      const key = hashToken(token)
      const cached = entries.get(key)
      if (cached && cached.validUntil > now()) return cached.user
      if (cached) entries.delete(key)
      const startedAt = epoch
      const found = await findSessionUser(db, token)
      if (found && live && ttlMs > 0 && startedAt === epoch) {
        if (entries.size >= maxEntries) {
          const oldest = entries.keys().next()
          if (!oldest.done) entries.delete(oldest.value)
        }
        const { expiresAt, ...user } = found
        entries.set(key, { user, validUntil: Math.min(now() + ttlMs, expiresAt.getTime()) })
        return user
      }
      if (!found) return undefined
      const { expiresAt: _expiresAt, ...user } = found
      return user
    },
    forgetToken(token) {
      epoch++
      entries.delete(hashToken(token))
    },
    forgetUser(userId) {
      forgetWhere((entry) => entry.user.id === userId)
    },
    setAnnouncementsLive(next) {
      live = next
      if (!next) forgetWhere(() => true)
    },
  }
}
