// GET /api/events: live ticket changes over Server-Sent Events, with the API's access rules.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addParticipants } from '../src/modules/tickets/participants.js'
import {
  call,
  createTestContext,
  createTicket,
  login,
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
  const ended = opened.then(
    (response) =>
      new Promise<void>((resolve) => {
        if (response.complete) resolve()
        response.on('end', resolve)
        response.on('close', resolve)
      }),
  )
  let isEnded = false
  void ended.then(() => {
    isEnded = true
  })
  return {
    events,
    opened,
    ended,
    isEnded: () => isEnded,
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

  it("never tells the requester about an internal note; staff hear of it; events carry the ticket's number", async () => {
    const aliceStream = subscribe(alice)
    const staffStream = subscribe(moderator)
    await Promise.all([aliceStream.opened, staffStream.opened])
    await aliceStream.waitFor((e) => e.event === 'ready')
    const ticket = await createTicket(ctx, alice, { title: 'Internal note on the stream' })
    const created = await aliceStream.waitFor((e) => e.data.ticket_id === ticket.id)
    expect(created.data.number).toBe((ticket as unknown as { number: number }).number)

    const note = await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, {
      body: 'Staff only: probably the cache',
      internal: true,
    })
    expect(note.status).toBe(201)
    await staffStream.waitFor((e) => e.event === 'ticket.comment' && e.data.ticket_id === ticket.id)
    // A public reply afterwards: once it reaches Alice, the note would have arrived before it.
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'Looking into it' })
    await staffStream.waitFor(
      (e) =>
        e.event === 'ticket.comment' &&
        staffStream.events.filter((x) => x.event === 'ticket.comment' && x.data.ticket_id === ticket.id)
          .length === 2,
    )
    await aliceStream.waitFor((e) => e.event === 'ticket.comment' && e.data.ticket_id === ticket.id)
    const aliceComments = aliceStream.events.filter(
      (e) => e.event === 'ticket.comment' && e.data.ticket_id === ticket.id,
    )
    expect(aliceComments).toHaveLength(1)
    aliceStream.close()
    staffStream.close()
  })
})

/** Resolves true if `promise` settles within `ms`, false otherwise. */
const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))])

describe('GET /api/events: rights and limits', () => {
  it("a demoted moderator's stream ends at once: no one else's ticket reaches it afterwards", async () => {
    const admin = await signedInUser(ctx, 'admin')
    const demoted = await signedInUser(ctx, 'moderator')
    const stream = subscribe(demoted)
    await stream.opened
    await stream.waitFor((e) => e.event === 'ready')
    const before = await createTicket(ctx, alice)
    await stream.waitFor((e) => e.data.ticket_id === before.id)

    expect((await call(ctx, admin, 'PATCH', `/api/users/${demoted.id}`, { role: 'user' })).status).toBe(200)
    const after = await createTicket(ctx, alice)
    expect(await within(stream.ended, 3000)).toBe(true)
    expect(stream.events.some((e) => e.data.ticket_id === after.id)).toBe(false)

    // Reconnecting gives a stream on the new rights: their own tickets only.
    const again = subscribe(demoted)
    await again.waitFor((e) => e.event === 'ready')
    const others = await createTicket(ctx, alice)
    const own = await createTicket(ctx, demoted)
    await again.waitFor((e) => e.data.ticket_id === own.id)
    expect(again.events.some((e) => e.data.ticket_id === others.id)).toBe(false)
    again.close()
  })

  it('deactivating a user ends their streams at once', async () => {
    const admin = await signedInUser(ctx, 'admin')
    const member = await signedInUser(ctx, 'user')
    const stream = subscribe(member)
    await stream.waitFor((e) => e.event === 'ready')
    expect((await call(ctx, admin, 'PATCH', `/api/users/${member.id}`, { is_active: false })).status).toBe(
      200,
    )
    expect(await within(stream.ended, 3000)).toBe(true)
  })

  it("logout ends that session's streams at once, and only that session's", async () => {
    const member = await signedInUser(ctx, 'user')
    const otherSession = { ...member, cookie: await login(ctx, member.email, member.password) }
    const stream = subscribe(member)
    const elsewhere = subscribe(otherSession)
    await stream.waitFor((e) => e.event === 'ready')
    await elsewhere.waitFor((e) => e.event === 'ready')
    expect((await call(ctx, member, 'POST', '/api/auth/logout')).status).toBe(200)
    expect(await within(stream.ended, 3000)).toBe(true)
    const ticket = await createTicket(ctx, otherSession)
    await elsewhere.waitFor((e) => e.data.ticket_id === ticket.id)
    expect(elsewhere.isEnded()).toBe(false)
    elsewhere.close()
  })

  it('holds at most SSE_MAX_PER_USER streams per user: one more closes the oldest', async () => {
    expect(ctx.config.sse.maxPerUser).toBe(5)
    const member = await signedInUser(ctx, 'user')
    const streams = []
    for (let i = 0; i < 5; i++) {
      const stream = subscribe(member)
      await stream.waitFor((e) => e.event === 'ready')
      streams.push(stream)
    }
    const sixth = subscribe(member)
    await sixth.waitFor((e) => e.event === 'ready')
    expect(await within(streams[0]?.ended ?? Promise.reject(), 3000)).toBe(true)
    const ticket = await createTicket(ctx, member)
    for (const stream of [...streams.slice(1), sixth]) {
      await stream.waitFor((e) => e.data.ticket_id === ticket.id)
      expect(stream.isEnded()).toBe(false)
      stream.close()
    }
  })

  it('cuts off a client that stops reading instead of buffering for it without limit', async () => {
    const staff = await signedInUser(ctx, 'moderator')
    const reader = subscribe(staff)
    await reader.waitFor((e) => e.event === 'ready')
    // A client that reads the headers and then nothing more.
    const { port } = new URL(base)
    const socket = net.connect(Number(port), '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${staff.cookie}\r\n\r\n`)
    await new Promise((resolve) => socket.once('data', resolve))
    socket.pause()
    let closed = false
    socket.on('close', () => {
      closed = true
    })
    socket.on('error', () => {
      closed = true
    })

    // 8 MB of events, in 40 bursts of 200 KB: each visible to staff.
    const burst = 50
    const padding = 's'.repeat(4000)
    for (let i = 0; i < 40; i++) {
      await ctx.database.db.execute(sql`
        SELECT pg_notify('sts_ticket_changes', json_build_object(
          'kind', 'updated', 'ticket_id', ${`flood-${i}-`}::text || g, 'created_by', 'nobody',
          'assigned_to', null, 'status', ${padding}::text, 'processing_status', 'done')::text)
        FROM generate_series(1, ${burst}::int) AS g`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    await reader.waitFor((e) => e.data.ticket_id === `flood-39-${burst}`, 10_000)
    expect(reader.isEnded()).toBe(false)

    // What reached the silent client when it finally reads: far less than was sent, then the end.
    let received = 0
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length
    })
    socket.resume()
    const deadline = Date.now() + 5000
    while (!closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(closed).toBe(true)
    // The server holds at most MAX_BUFFERED_BYTES (256 KB); the rest of what arrives sat in the
    // two loopback socket buffers, which Linux autotunes to a few MB (4.28 MB arrived in one CI
    // run). Well under the 8 MB sent either way.
    expect(received).toBeLessThan(6 * 1024 * 1024)
    socket.destroy()
    reader.close()
  })

  it('sends one ticket.bulk event to staff and requesters for a statement over 500 tickets', async () => {
    const staffStream = subscribe(moderator)
    const bobStream = subscribe(bob)
    await Promise.all([staffStream.opened, bobStream.opened])
    await Promise.all([
      staffStream.waitFor((e) => e.event === 'ready'),
      bobStream.waitFor((e) => e.event === 'ready'),
    ])
    // An import: 600 of Alice's tickets in one statement (none of them Bob's).
    await ctx.database.executeSql(
      `INSERT INTO tickets (title, description, created_by)
       SELECT 'Imported #' || g, 'x', $1 FROM generate_series(1, 600) g`,
      [alice.id],
    )
    // A ticket of Bob's afterwards marks the end of what the import sent.
    const own = await createTicket(ctx, bob, { title: 'After the import' })
    for (const stream of [staffStream, bobStream]) {
      await stream.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === own.id)
      const sent = stream.events.filter((e) => e.event !== 'ready')
      expect(sent.map((e) => e.event)).toEqual(['ticket.bulk', 'ticket.created'])
      stream.close()
    }
  })
})
