// GET /api/events: Server-Sent Events of ticket changes the caller may see — their own tickets (and those they participate in)
// for users, every ticket for moderators and admins (the same rule as GET /api/tickets/:id).
// Each event names the ticket and what happened; the client fetches what it shows through the
// API, so an event carries nothing the caller could not read anyway.
import type { RoutePlugin } from '../../http/types.js'
import { currentUser, sessionToken } from '../auth/auth.hooks.js'
import { findSessionUser } from '../auth/session.repository.js'
import { participatingTicketIds } from '../tickets/participants.js'
import { isStaff } from '../users/roles.js'
import type { TicketChange, TicketChangeBus } from './ticket-change-bus.js'

const HEARTBEAT_MS = 25_000

export const eventRoutes: RoutePlugin<{ bus: TicketChangeBus }> = async (app, { database, bus }) => {
  // Open streams never finish by themselves: end them when the server shuts down.
  const streams = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of streams) end()
  })

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Live ticket changes (text/event-stream): created, updated, comment, deleted',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const user = currentUser(request)
      const token = sessionToken(request)
      // Tickets the user follows as a participant (an email's Cc), re-read at every heartbeat.
      let following = isStaff(user) ? new Set<string>() : await participatingTicketIds(database.db, user.id)
      const visible = (change: TicketChange) =>
        isStaff(user) || change.created_by === user.id || following.has(change.ticket_id)

      reply.hijack()
      const raw = reply.raw
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Tell proxies such as nginx not to buffer the stream.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      })
      raw.write('retry: 3000\n\n')
      let nextId = 1
      const send = (event: string, data: object) => {
        raw.write(`id: ${nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      }
      send('ready', { user_id: user.id })

      const unsubscribe = bus.subscribe((change) => {
        if (!visible(change)) return
        send(`ticket.${change.kind}`, {
          ticket_id: change.ticket_id,
          status: change.status,
          processing_status: change.processing_status,
          assigned_to: change.assigned_to,
        })
      })
      // Heartbeats keep idle connections open through proxies, and re-check the session: a
      // logout or deactivation ends the stream too.
      const beat = async () => {
        const stillValid = token
          ? await findSessionUser(database.db, token).catch(() => undefined)
          : undefined
        if (!stillValid) {
          raw.end()
          return
        }
        if (!isStaff(user))
          following = await participatingTicketIds(database.db, user.id).catch(() => following)
        raw.write(': heartbeat\n\n')
      }
      const heartbeat = setInterval(() => void beat(), HEARTBEAT_MS)
      const end = () => raw.end()
      streams.add(end)
      const close = () => {
        clearInterval(heartbeat)
        unsubscribe()
        streams.delete(end)
      }
      raw.on('close', close)
      raw.on('error', close)
    },
  )
}
