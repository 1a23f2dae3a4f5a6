// The staff queue (`GET /api/tickets/all`) is what every moderator's screen asks for, again and
// again, with the same few filters; between two ticket changes the answer is the same bytes. This
// process keeps each answer's serialised body for a moment and serves it again (issue 9 §6: a
// list request cost ~1 ms of server CPU and 0.5 ms of PostgreSQL's, on a 2-core machine).
// An answer is never served after the data it shows changed:
// - any write request this process answers forgets every page before its response is sent, so
//   the writer's next read sees its write;
// - any ticket change committed anywhere (another process, a worker, a bulk statement) arrives
//   on the ticket change channel (triggers send it at commit) and forgets every page;
// - while that channel's connection is down nothing is kept (changes could be missed);
// - a page is kept at most `ttlMs` (default 1 s) whatever happens: what a ticket shows may
//   depend on the clock too (service-level states), not only on its row.
// A read that began before a change and ended after it is not kept (the epoch moved on).
import type { FastifyReply } from 'fastify'

export interface PageCache {
  /** The body kept for `key`, if still fresh. */
  get(key: string): string | undefined
  /** Where a read starts: its answer is kept only if nothing changed since. */
  epoch(): number
  store(key: string, startedAt: number, body: string): void
  /** Something changed: forget every page. */
  invalidate(): void
  /** Whether change notifications are arriving (the LISTEN connection is up). */
  setChangesLive(live: boolean): void
}

export interface PageCacheOptions {
  /** How long a page is kept at most; 0 turns the cache off. */
  ttlMs: number
  /** Pages kept at most (filter × page combinations); the oldest go first. */
  maxEntries?: number
  now?: () => number
}

export function createPageCache({ ttlMs, maxEntries = 500, now = Date.now }: PageCacheOptions): PageCache {
  const pages = new Map<string, { body: string; expiresAt: number }>()
  let live = false
  let epoch = 0
  return {
    get(key) {
      const page = pages.get(key)
      if (!page) return undefined
      if (page.expiresAt > now()) return page.body
      pages.delete(key)
      return undefined
    },
    epoch: () => epoch,
    store(key, startedAt, body) {
      if (!live || ttlMs <= 0 || startedAt !== epoch) return
      if (pages.size >= maxEntries && !pages.has(key)) {
        const oldest = pages.keys().next()
        if (!oldest.done) pages.delete(oldest.value)
      }
      pages.set(key, { body, expiresAt: now() + ttlMs })
    },
    invalidate() {
      epoch++
      pages.clear()
    },
    setChangesLive(next) {
      live = next
      epoch++
      pages.clear()
    },
  }
}

/**
 * A kept body with the envelope's `timestamp` (its last field) set to now: every answer says
 * when it was given, as an uncached one does.
 */
export function restamped(body: string, at = new Date()): string {
  const field = body.lastIndexOf('"timestamp":')
  return field < 0 ? body : `${body.slice(0, field)}"timestamp":"${at.toISOString()}"}`
}

/**
 * Sends a body already serialised by the route's own response schema (`reply.serialize`), as is:
 * a JSON content type makes Fastify skip serialising it again.
 */
export function sendJson(reply: FastifyReply, body: string | Buffer | ArrayBuffer): FastifyReply {
  return reply.header('content-type', 'application/json; charset=utf-8').send(body)
}
