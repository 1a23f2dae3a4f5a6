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
// Requests that miss the same page at once share one read (`load`): when a page expires under
// load, 32 moderators' screens asking in the same 10 ms ran 32 identical queries, which is what
// the queue's p99 was made of. A request never joins a read that began before the last change.
import type { FastifyReply } from 'fastify'

export interface PageCache {
  /** The body kept for `key`, if still fresh. */
  get(key: string): string | undefined
  /** Where a read starts: its answer is kept only if nothing changed since. */
  epoch(): number
  store(key: string, startedAt: number, body: string): void
  /**
   * The kept body for `key`, else the body of a read of it already running since the last
   * change, else `read()`'s (kept if nothing changed meanwhile). `fresh`: whether this caller's
   * own read made it (its body carries its own timestamp; a shared one needs restamping).
   */
  load(key: string, read: () => Promise<string>): Promise<{ body: string; fresh: boolean }>
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
  const reading = new Map<string, { epoch: number; body: Promise<string> }>()
  let live = false
  let epoch = 0
  const forget = () => {
    epoch++
    pages.clear()
    reading.clear()
  }
  const cache: PageCache = {
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
    async load(key, read) {
      const kept = cache.get(key)
      if (kept !== undefined) return { body: kept, fresh: false }
      const running = reading.get(key)
      if (running && running.epoch === epoch) return { body: await running.body, fresh: false }
      const startedAt = epoch
      const body = read()
      // Only while the cache is in use: with it off every request reads for itself, as before.
      if (live && ttlMs > 0) reading.set(key, { epoch: startedAt, body })
      try {
        const text = await body
        cache.store(key, startedAt, text)
        return { body: text, fresh: true }
      } finally {
        if (reading.get(key)?.body === body) reading.delete(key)
      }
    },
    invalidate: forget,
    setChangesLive(next) {
      live = next
      forget()
    },
  }
  return cache
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
