// GET /api/events: Server-Sent Events of ticket changes the caller may see — their own tickets (and those they participate in)
// for users, every ticket for moderators and admins (the same rule as GET /api/tickets/:id).
// Each event names the ticket and what happened; the client fetches what it shows through the
// API, so an event carries nothing the caller could not read anyway.
//
// A stream is granted on the rights its user had when it opened, so it ends the moment those
// change: a role change or deactivation ends all of the user's streams, a logout that session's
// (access-changes.ts). The browser's EventSource reconnects by itself and gets a stream on the new
// rights, or a 401. Each user holds at most SSE_MAX_PER_USER streams (a new one closes the
// oldest), and a client that stops reading is cut off instead of buffered for without limit.
import type { RoutePlugin } from '../../http/types.js'
import { currentUser, sessionToken } from '../auth/auth.hooks.js'
import { findSessionUser } from '../auth/session.repository.js'
import { participatingTicketIds } from '../tickets/participants.js'
import { isStaff } from '../users/roles.js'
import type { TicketChangeBus, TicketRowChange } from './ticket-change-bus.js'

/** Well under the idle timeouts of the server and of common proxies (60 s and more). */
export const HEARTBEAT_MS = 20_000
/**
 * Unsent bytes a stream may hold beyond what the socket has taken. A reading client never gets
 * near it (an event is a couple of hundred bytes); one that stopped reading is closed past it.
 */
export const MAX_BUFFERED_BYTES = 256 * 1024

interface OpenStream {
  userId: string
  sessionId: string
  end(): void
}

export const eventRoutes: RoutePlugin<{ bus: TicketChangeBus }> = async (app, { config, database, bus }) => {
  // Per user, oldest first.
  const streamsByUser = new Map<string, OpenStream[]>()
  const endAll = (predicate: (stream: OpenStream) => boolean) => {
    for (const list of streamsByUser.values())
      for (const stream of [...list]) if (predicate(stream)) stream.end()
  }
  // Open streams never finish by themselves: end them when the server shuts down.
  app.addHook('preClose', async () => endAll(() => true))
  const stopAccess = bus.subscribeAccess((change) => {
    for (const stream of [...(streamsByUser.get(change.user_id) ?? [])]) {
      if (change.session_id === undefined || change.session_id === stream.sessionId) stream.end()
    }
  })
  app.addHook('onClose', async () => stopAccess())

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Live ticket changes (text/event-stream): created, updated, comment, deleted, bulk',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const user = currentUser(request)
      const token = sessionToken(request)
      // Tickets the user follows as a participant (an email's Cc), re-read at every heartbeat.
      let following = isStaff(user) ? new Set<string>() : await participatingTicketIds(database.db, user.id)
      // An internal note is news to staff only: the requester must not even learn one was written.
      const visible = (change: TicketRowChange) =>
        isStaff(user) ||
        ((change.created_by === user.id || following.has(change.ticket_id)) && change.internal !== true)

      reply.hijack()
      // A stream is quiet between heartbeats by design: the server's idle timeout must not cut it.
      request.raw.socket.setTimeout(0)
      const raw = reply.raw
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Tell proxies such as nginx not to buffer the stream.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      })

      let ended = false
      const stream: OpenStream = {
        userId: user.id,
        sessionId: user.sessionId,
        end: () => {
          if (ended) return
          ended = true
          close()
          raw.end()
        },
      }
      const write = (text: string) => {
        if (ended) return
        raw.write(text)
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          request.log.warn({ userId: user.id }, 'event stream: client is not reading; closing it')
          ended = true
          close()
          raw.destroy()
        }
      }
      let nextId = 1
      const send = (event: string, data: object) =>
        write(`id: ${nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`)

      const unsubscribe = bus.subscribe((change) => {
        // A bulk change names no ticket: everyone refetches what they show, through the API.
        if (change.kind === 'bulk') return send('ticket.bulk', {})
        if (!visible(change)) return
        send(`ticket.${change.kind}`, {
          ticket_id: change.ticket_id,
          number: change.number,
          status: change.status,
          processing_status: change.processing_status,
          assigned_to: change.assigned_to,
          ...(change.kind === 'sla' ? { sla_event: change.sla_event, target: change.target } : {}),
        })
      })
      // Heartbeats keep idle connections open through proxies, and re-check the session: an
      // expired session ends the stream too (revocations end it at once, above).
      const beat = async () => {
        const stillValid = token
          ? await findSessionUser(database.db, token).catch((error: unknown) => {
              request.log.warn({ err: error }, 'event stream: session check failed; closing the stream')
              return undefined
            })
          : undefined
        if (!stillValid) {
          stream.end()
          return
        }
        if (!isStaff(user))
          following = await participatingTicketIds(database.db, user.id).catch((error: unknown) => {
            request.log.warn({ err: error }, 'event stream: participant re-read failed; keeping the last set')
            return following
          })
        write(': heartbeat\n\n')
      }
      const heartbeat = setInterval(() => void beat(), HEARTBEAT_MS)
      const close = () => {
        clearInterval(heartbeat)
        unsubscribe()
        const list = streamsByUser.get(user.id) ?? []
        const left = list.filter((s) => s !== stream)
        if (left.length > 0) streamsByUser.set(user.id, left)
        else streamsByUser.delete(user.id)
      }
      raw.on('close', () => {
        ended = true
        close()
      })
      raw.on('error', (error) => {
        request.log.debug({ err: error }, 'event stream: connection error')
        ended = true
        close()
      })

      const open = [...(streamsByUser.get(user.id) ?? []), stream]
      streamsByUser.set(user.id, open)
      // The oldest give way: a user with many tabs, or a script opening streams in a loop.
      for (const old of open.slice(0, Math.max(0, open.length - config.sse.maxPerUser))) old.end()

      write('retry: 3000\n\n')
      send('ready', { user_id: user.id })
    },
  )
}
