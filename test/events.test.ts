// GET /api/events: live ticket changes over Server-Sent Events, with the API's access rules.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addParticipants } from '../src/modules/tickets/participants.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

interface SseEvent {
  event: string
  data: Record<string, unknown>
}

let ctx: TestContext
let base: string
let alice: TestUser
let bob: TestUser
let moderator: TestUser

/** Opens the stream as `user` and collects its events until closed. */
function subscribe(user: TestUser) {
  const events: SseEvent[] = []
  let request: http.ClientRequest | undefined
  const opened = new Promise<http.IncomingMessage>((resolve, reject) => {
    request = http.get(`${base}/api/events`, { headers: { cookie: user.cookie } }, (response) => {
      let buffer = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        buffer += chunk
        const blocks = buffer.split('\n\n')
        buffer = blocks.pop() ?? ''
        for (const block of blocks) {
          const event = /^event: (.+)$/m.exec(block)?.[1]
          const data = /^data: (.+)$/m.exec(block)?.[1]
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> })
        }
      })
      resolve(response)
    })
    request.on('error', reject)
  })
  return {
    events,
    opened,
    close: () => request?.destroy(),
    async waitFor(predicate: (e: SseEvent) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (!events.some(predicate)) {
        if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events)}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return events.find(predicate) as SseEvent
    },
  }
}

beforeAll(async () => {
  ctx = await createTestContext()
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  alice = await signedInUser(ctx, 'user')
  bob = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
})
afterAll(() => ctx.close())

describe('GET /api/events', () => {
  it('answers 401 without a session', async () => {
    const { status, body } = await call(ctx, null, 'GET', '/api/events')
    expect(status).toBe(401)
    expect(body.message).toBe('Unauthorized access')
  })

  it('streams changes to the tickets each caller may see, and only those', async () => {
    const aliceStream = subscribe(alice)
    const bobStream = subscribe(bob)
    const staffStream = subscribe(moderator)
    const response = await aliceStream.opened
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    await Promise.all([bobStream.opened, staffStream.opened])
    await aliceStream.waitFor((e) => e.event === 'ready')

    const ticket = await createTicket(ctx, alice, { title: 'Live update check' })
    const created = await aliceStream.waitFor(
      (e) => e.event === 'ticket.created' && e.data.ticket_id === ticket.id,
    )
    expect(created.data).toMatchObject({ status: 'todo', processing_status: 'queued', assigned_to: null })
    await staffStream.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === ticket.id)

    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'in_progress' })
    await aliceStream.waitFor((e) => e.event === 'ticket.updated' && e.data.status === 'in_progress')
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'Looking into it' })
    await aliceStream.waitFor((e) => e.event === 'ticket.comment' && e.data.ticket_id === ticket.id)
    await call(ctx, moderator, 'DELETE', `/api/tickets/${ticket.id}`)
    await aliceStream.waitFor((e) => e.event === 'ticket.deleted' && e.data.ticket_id === ticket.id)

    // Bob saw none of it: a ticket of his own arrives, Alice's never did.
    const own = await createTicket(ctx, bob, { title: "Bob's own ticket" })
    await bobStream.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === own.id)
    expect(bobStream.events.some((e) => e.data.ticket_id === ticket.id)).toBe(false)
    expect(aliceStream.events.some((e) => e.data.ticket_id === own.id)).toBe(false)
    for (const stream of [aliceStream, bobStream, staffStream]) stream.close()
  })

  it("streams a ticket's changes to its participants (an email's Cc) too", async () => {
    const carol = await signedInUser(ctx, 'user')
    const ticket = await createTicket(ctx, alice, { title: 'Shared with Carol' })
    await addParticipants(ctx.database.db, ticket.id, [carol.id])
    const carolStream = subscribe(carol)
    const bobStream = subscribe(bob)
    await Promise.all([carolStream.opened, bobStream.opened])
    await carolStream.waitFor((e) => e.event === 'ready')
    await bobStream.waitFor((e) => e.event === 'ready')
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'Looking into it' })
    await carolStream.waitFor((e) => e.event === 'ticket.comment' && e.data.ticket_id === ticket.id)
    const own = await createTicket(ctx, bob, { title: "Bob's marker ticket" })
    await bobStream.waitFor((e) => e.data.ticket_id === own.id)
    expect(bobStream.events.some((e) => e.data.ticket_id === ticket.id)).toBe(false)
    carolStream.close()
    bobStream.close()
  })

  it('sends nothing for a change that rolled back', async () => {
    const stream = subscribe(moderator)
    await stream.opened
    const ticket = await createTicket(ctx, alice)
    await stream.waitFor((e) => e.data.ticket_id === ticket.id)
    const before = stream.events.length
    // A refused status move changes nothing, so nothing is announced.
    expect(
      (await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'closed' })).status,
    ).toBe(409)
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { helpful_notes: 'marker' })
    await stream.waitFor((e) => e.event === 'ticket.updated' && e.data.ticket_id === ticket.id)
    expect(stream.events.slice(before).filter((e) => e.data.ticket_id === ticket.id)).toHaveLength(1)
    stream.close()
  })

  it('sends one event per transaction, with the state it committed', async () => {
    const stream = subscribe(moderator)
    await stream.opened
    const ticket = await createTicket(ctx, alice)
    await stream.waitFor((e) => e.data.ticket_id === ticket.id)
    const before = stream.events.length
    // As the workflow does: several updates of one ticket in one transaction.
    await ctx.database.db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE tickets SET processing_status = 'running' WHERE id = ${ticket.id}`)
      await tx.execute(sql`UPDATE tickets SET priority = 'high' WHERE id = ${ticket.id}`)
      await tx.execute(sql`UPDATE tickets SET processing_status = 'done' WHERE id = ${ticket.id}`)
    })
    await stream.waitFor((e) => e.data.processing_status === 'done' && e.data.ticket_id === ticket.id)
    // A later change marks the end of what that transaction sent.
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'in_progress' })
    await stream.waitFor((e) => e.data.ticket_id === ticket.id && e.data.status === 'in_progress')
    const sent = stream.events.slice(before).filter((e) => e.data.ticket_id === ticket.id)
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatchObject({ event: 'ticket.updated', data: { processing_status: 'done' } })
    stream.close()
  })
})
