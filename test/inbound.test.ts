// The email intake through POST /api/inbound/email: who files what, duplicates, loops, bounces,
// threading, participants. Real MIME (nodemailer's composer), a real database.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

const TOKEN = 'inbound-token-0123456789'
const ENV = {
  INBOUND_TOKEN: TOKEN,
  INBOUND_ADDRESS: 'support@helpdesk.test',
  MAIL_FROM: 'Helpdesk <no-reply@helpdesk.test>',
  APP_URL: 'https://helpdesk.test',
  INBOUND_MAX_BYTES: '200000',
}

let ctx: TestContext
let admin: TestUser
let moderator: TestUser

beforeAll(async () => {
  ctx = await createTestContext(ENV)
  admin = await signedInUser(ctx, 'admin')
  moderator = await signedInUser(ctx, 'moderator')
})
afterAll(async () => {
  await ctx.close()
})

interface Received {
  id: string
  outcome: string
  ticket_id: string | null
  error: string | null
}

async function deliver(raw: Buffer, token = TOKEN) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/inbound/email',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' },
    payload: raw,
  })
  return {
    status: response.statusCode,
    body: JSON.parse(response.body) as { data: Received; error?: string },
  }
}

async function file(options: Parameters<typeof composeMail>[0]): Promise<Received> {
  const { status, body } = await deliver(await composeMail(options))
  expect(status).toBe(202)
  return body.data
}

async function ticketOf(id: string) {
  const response = await call(ctx, admin, 'GET', `/api/tickets/${id}`)
  expect(response.status).toBe(200)
  return response.body.data
}

async function commentsOf(id: string) {
  return (await call(ctx, admin, 'GET', `/api/tickets/${id}/comments`)).body.data
}

async function outboxFor(to: string) {
  const response = await call(ctx, admin, 'GET', `/api/admin/emails?to=${encodeURIComponent(to)}&limit=100`)
  return response.body.data as unknown as {
    id: string
    subject: string
    text: string
    status: string
    message_id: string
    ticket_id: string
  }[]
}

const address = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.org`

async function setStatus(ticketId: string, ...statuses: string[]) {
  for (const status of statuses) {
    const response = await call(ctx, moderator, 'PATCH', `/api/tickets/${ticketId}`, { status })
    expect(response.status, JSON.stringify(response.body)).toBe(200)
  }
}

describe('POST /api/inbound/email', () => {
  it('answers 401 without the token or with a wrong one', async () => {
    const raw = await composeMail({})
    expect((await deliver(raw, 'wrong-token-0123456789')).status).toBe(401)
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/inbound/email',
      headers: { 'content-type': 'message/rfc822' },
      payload: raw,
    })
    expect(response.statusCode).toBe(401)
    expect(JSON.parse(response.body)).toMatchObject({ success: false, statusCode: 401 })
  })

  it('answers 404 when INBOUND_TOKEN is unset', async () => {
    const app = await buildApp({
      config: loadConfig({ ...ENV, INBOUND_TOKEN: '', WORKER: 'off' }),
      database: ctx.database,
      queue: ctx.queue,
      logger: false,
    })
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/inbound/email',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'message/rfc822' },
        payload: await composeMail({}),
      })
      expect(response.statusCode).toBe(404)
    } finally {
      await app.close()
    }
  })

  it('refuses a message over INBOUND_MAX_BYTES with 413, and a non-message body with 415', async () => {
    const big = await composeMail({ text: 'x'.repeat(300_000) })
    const { status, body } = await deliver(big)
    expect(status).toBe(413)
    expect(body.error).toContain('200000')
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/inbound/email',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: { hello: 'world' },
    })
    expect(response.statusCode).toBe(415)
  })
})

describe('a new message', () => {
  it('files a ticket for a new sender, without quoted history, Cc as participants, acknowledged', async () => {
    const sender = address('new')
    const cc = address('colleague')
    const received = await file({
      from: `Ada Lovelace <${sender.toUpperCase()}>`,
      cc: [`Colleague <${cc}>`, 'support@helpdesk.test'],
      subject: 'VPN drops every ten minutes',
      text: 'The VPN disconnects every ten minutes since Monday.\n\nOn Mon, Nov 30, 2026 Someone wrote:\n> earlier text\n> more earlier text\n',
    })
    expect(received).toMatchObject({ outcome: 'ticket_created', error: null })
    const ticket = await ticketOf(String(received.ticket_id))
    expect(ticket.title).toBe('VPN drops every ten minutes')
    expect(ticket.description).toBe('The VPN disconnects every ten minutes since Monday.')
    expect(ticket.participants).toEqual([{ id: expect.any(String), email: cc, name: 'Colleague' }])

    // The sender's account: a user, stored lower-case, who cannot sign in until they set a password.
    const users = await call(ctx, admin, 'GET', `/api/users?q=${encodeURIComponent(sender)}`)
    expect(users.body.data).toEqual([
      expect.objectContaining({ email: sender, role: 'user', name: 'Ada Lovelace' }),
    ])
    const attempt = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: sender, password: '!no-password' },
    })
    expect(attempt.statusCode).toBe(401)

    const [ack] = await outboxFor(sender)
    expect(ack).toMatchObject({
      ticket_id: ticket.id,
      message_id: expect.stringMatching(/^<sts-e-.+@helpdesk\.test>$/),
      subject: `[#${ticket.number}] Received: VPN drops every ten minutes`,
    })
    expect(ack?.text).toContain(`filed it as ticket #${ticket.number}`)
  })

  it('files an existing user’s mail under their account, whatever the case of the address', async () => {
    const user = await signedInUser(ctx, 'user', address('known'))
    const received = await file({ from: user.email.toUpperCase(), subject: 'Laptop will not boot' })
    const ticket = await ticketOf(String(received.ticket_id))
    expect(ticket.created_by).toBe(user.id)
    // The requester sees it in their own list.
    const mine = await call(ctx, user, 'GET', '/api/tickets')
    expect(mine.body.data.map((t) => t.id)).toContain(ticket.id)
  })

  it('takes the title from the body when the subject is empty or short, and clamps a long one', async () => {
    const empty = await file({
      from: address('s1'),
      subject: '',
      text: 'Outlook crashes whenever I open the calendar view today',
    })
    expect((await ticketOf(String(empty.ticket_id))).title).toBe(
      'Outlook crashes whenever I open the calendar view today',
    )
    const short = await file({ from: address('s2'), subject: 'Hi', text: 'Password expired' })
    expect((await ticketOf(String(short.ticket_id))).title).toBe('Hi Password expired')
    const nothing = await file({ from: address('s3'), subject: '', text: '' })
    const bare = await ticketOf(String(nothing.ticket_id))
    expect(bare.title).toMatch(/^Email from s3-/)
    expect(bare.description).toBe('(The email had no text.)')
    const long = await file({ from: address('s4'), subject: 'Long '.repeat(100) })
    expect(String((await ticketOf(String(long.ticket_id))).title).length).toBe(200)
  })

  it('lets a participant see the ticket and its comments, but not someone else', async () => {
    const ccUser = await signedInUser(ctx, 'user', address('cc'))
    const stranger = await signedInUser(ctx, 'user', address('stranger'))
    const received = await file({
      from: address('req'),
      cc: ccUser.email,
      subject: 'Shared drive is read-only',
    })
    const id = String(received.ticket_id)
    expect((await call(ctx, ccUser, 'GET', `/api/tickets/${id}`)).status).toBe(200)
    expect((await call(ctx, ccUser, 'GET', `/api/tickets/${id}/comments`)).status).toBe(200)
    expect((await call(ctx, stranger, 'GET', `/api/tickets/${id}`)).status).toBe(403)
    expect((await call(ctx, stranger, 'GET', `/api/tickets/${id}/comments`)).status).toBe(403)
  })
})

describe('duplicates', () => {
  it('files the same message once (Message-ID), however often it comes', async () => {
    const raw = await composeMail({ from: address('dup'), messageId: `<${randomUUID()}@mail.example.org>` })
    const first = await deliver(raw)
    const again = await deliver(raw)
    expect(first.body.data.outcome).toBe('ticket_created')
    expect(again.body.data).toMatchObject({ outcome: 'duplicate', ticket_id: first.body.data.ticket_id })
  })

  it('files a message without Message-ID once, by its content', async () => {
    const raw = await composeMail({ from: address('noid'), messageId: '' })
    expect(raw.toString()).not.toMatch(/^Message-ID:/im)
    expect((await deliver(raw)).body.data.outcome).toBe('ticket_created')
    expect((await deliver(raw)).body.data.outcome).toBe('duplicate')
  })

  it('files one of two concurrent deliveries of the same message', async () => {
    const raw = await composeMail({ from: address('race'), messageId: `<${randomUUID()}@mail.example.org>` })
    const results = await Promise.all([deliver(raw), deliver(raw), deliver(raw)])
    const outcomes = results.map((r) => r.body.data.outcome).sort()
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'ticket_created'])
  })
})

describe('loops and abuse', () => {
  const autoHeaders: [string, Record<string, string>][] = [
    ['Auto-Submitted: auto-replied', { 'Auto-Submitted': 'auto-replied' }],
    ['Auto-Submitted: auto-generated', { 'Auto-Submitted': 'auto-generated' }],
    ['Precedence: bulk', { Precedence: 'bulk' }],
    ['Precedence: list', { Precedence: 'list' }],
    ['Precedence: junk', { Precedence: 'junk' }],
    ['Precedence: auto_reply', { Precedence: 'auto_reply' }],
    ['X-Autoreply', { 'X-Autoreply': 'yes' }],
    ['X-Auto-Response-Suppress', { 'X-Auto-Response-Suppress': 'All' }],
  ]
  for (const [name, headers] of autoHeaders) {
    it(`ignores mail with ${name}: recorded, not filed, not answered`, async () => {
      const sender = address('auto')
      const received = await file({ from: sender, headers, subject: 'Out of office: back on Monday' })
      expect(received).toMatchObject({ outcome: 'ignored_auto_reply', ticket_id: null })
      expect(await outboxFor(sender)).toEqual([])
    })
  }

  it('files mail with Auto-Submitted: no as usual', async () => {
    const received = await file({ from: address('human'), headers: { 'Auto-Submitted': 'no' } })
    expect(received.outcome).toBe('ticket_created')
  })

  for (const local of ['MAILER-DAEMON', 'postmaster']) {
    it(`ignores mail from ${local}`, async () => {
      const received = await file({
        from: `${local}@mx.example.org`,
        subject: 'Undelivered Mail Returned to Sender',
      })
      expect(received.outcome).toBe('ignored_auto_reply')
    })
  }

  it('ignores our own messages coming back: our Message-ID, our From, our support address', async () => {
    const ours = await file({ from: address('fwd'), messageId: `<sts-e-${randomUUID()}@helpdesk.test>` })
    expect(ours.outcome).toBe('ignored_loop')
    expect((await file({ from: 'no-reply@helpdesk.test' })).outcome).toBe('ignored_loop')
    expect((await file({ from: 'Support <SUPPORT@helpdesk.test>' })).outcome).toBe('ignored_loop')
  })

  it('stops filing a sender past INBOUND_SENDER_RATE per hour (staff exempt)', async () => {
    const app = await buildApp({
      config: loadConfig({ ...ENV, INBOUND_SENDER_RATE: '2', WORKER: 'off' }),
      database: ctx.database,
      queue: ctx.queue,
      logger: false,
    })
    try {
      const send = async (from: string) => {
        const response = await app.inject({
          method: 'POST',
          url: '/api/inbound/email',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'message/rfc822' },
          payload: await composeMail({ from }),
        })
        return (JSON.parse(response.body) as { data: Received }).data
      }
      const sender = address('flood')
      expect((await send(sender)).outcome).toBe('ticket_created')
      expect((await send(sender)).outcome).toBe('ticket_created')
      const third = await send(sender)
      expect(third).toMatchObject({ outcome: 'rejected', ticket_id: null })
      expect(third.error).toContain('2 messages per hour')
      for (let i = 0; i < 3; i++) expect((await send(moderator.email)).outcome).toBe('ticket_created')
    } finally {
      await app.close()
    }
  })

  it('turns a delivery report into a bounce: the email it names marked bounced, no ticket', async () => {
    const sender = address('bouncer')
    const filed = await file({ from: sender })
    const [ack] = await outboxFor(sender)
    expect(ack).toBeDefined()
    const report = await composeMail({
      from: 'Mail Delivery System <MAILER-DAEMON@mx.example.org>',
      to: 'no-reply@helpdesk.test',
      subject: 'Undelivered Mail Returned to Sender',
      headers: { 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="b1"' },
      text: undefined,
      raw: [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
        'To: no-reply@helpdesk.test',
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <${randomUUID()}@mx.example.org>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        `Your message to ${sender} could not be delivered.`,
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.org',
        '',
        `Final-Recipient: rfc822; ${sender}`,
        'Action: failed',
        'Status: 5.1.1',
        '--b1',
        'Content-Type: text/rfc822-headers',
        '',
        'From: Helpdesk <no-reply@helpdesk.test>',
        `To: ${sender}`,
        `Message-ID: ${ack?.message_id}`,
        'Subject: Received',
        '--b1--',
        '',
      ].join('\r\n'),
    })
    const received = (await deliver(report)).body.data
    expect(received).toMatchObject({ outcome: 'bounce', ticket_id: null, error: null })
    const [after] = await outboxFor(sender)
    expect(after?.status).toBe('bounced')
    expect(filed.outcome).toBe('ticket_created')
  })
})

describe('threading', () => {
  async function newTicket(options: Parameters<typeof composeMail>[0] = {}) {
    const sender = options.from ? String(options.from) : address('thread')
    const messageId = `<${randomUUID()}@mail.example.org>`
    const received = await file({ ...options, from: sender, messageId })
    expect(received.outcome).toBe('ticket_created')
    const [ack] = await outboxFor(sender)
    return { sender, messageId, ticketId: String(received.ticket_id), ackId: String(ack?.message_id) }
  }

  it('adds a reply to the ticket it answers (In-Reply-To of our acknowledgement), without the quote', async () => {
    const t = await newTicket()
    const reply = await file({
      from: t.sender,
      subject: 'Re: Received',
      inReplyTo: t.ackId,
      references: [t.messageId, t.ackId],
      text: 'Still broken after the restart.\n\nOn Tue, Helpdesk wrote:\n> We received your request\n',
    })
    expect(reply).toMatchObject({ outcome: 'comment_added', ticket_id: t.ticketId })
    const comments = await commentsOf(t.ticketId)
    expect(comments.map((c) => c.body)).toEqual(['Still broken after the restart.'])
    expect(comments[0]).toMatchObject({ channel: 'email', internal: false })
  })

  it('threads by the [#N] subject token only for the requester, a participant or staff', async () => {
    const cc = address('token-cc')
    const t = await newTicket({ cc })
    const { number } = await ticketOf(t.ticketId)
    // No In-Reply-To/References: a mail client that dropped them, or a new message quoting [#N].
    const subject = `Re: [#${number}] Received`
    for (const from of [t.sender, cc, moderator.email]) {
      const reply = await file({ from, subject, text: `From ${from}` })
      expect(reply).toMatchObject({ outcome: 'comment_added', ticket_id: t.ticketId })
    }
    const comments = await commentsOf(t.ticketId)
    expect(comments.map((c) => c.body)).toEqual([`From ${t.sender}`, `From ${cc}`, `From ${moderator.email}`])
    expect(comments.map((c) => c.channel)).toEqual(['email', 'email', 'email'])

    const stranger = await file({ from: address('token-stranger'), subject })
    expect(stranger.outcome).toBe('ticket_created')
    expect(stranger.ticket_id).not.toBe(t.ticketId)
    expect((await commentsOf(t.ticketId)).length).toBe(3)
  })

  it('files a reply to a merged ticket on the ticket it was merged into', async () => {
    const duplicate = await newTicket()
    const target = await newTicket()
    const merged = await call(ctx, moderator, 'POST', `/api/tickets/${duplicate.ticketId}/merge`, {
      into: target.ticketId,
    })
    expect(merged.status).toBe(200)
    const { number } = await ticketOf(duplicate.ticketId)
    // By its acknowledgement's thread, and by its [#N] token: both land on the target.
    const byThread = await file({ from: duplicate.sender, inReplyTo: duplicate.ackId, text: 'Any news?' })
    expect(byThread).toMatchObject({ outcome: 'comment_added', ticket_id: target.ticketId })
    const byToken = await file({
      from: duplicate.sender,
      subject: `Re: [#${number}] Received`,
      text: 'Hello?',
    })
    expect(byToken).toMatchObject({ outcome: 'comment_added', ticket_id: target.ticketId })
    expect((await commentsOf(target.ticketId)).map((c) => c.body)).toEqual(
      expect.arrayContaining(['Any news?', 'Hello?']),
    )
  })

  it('threads by References to a message we received for the ticket, and our thread root', async () => {
    const t = await newTicket()
    const byReceived = await file({ from: t.sender, references: [t.messageId], subject: 'One more thing' })
    expect(byReceived).toMatchObject({ outcome: 'comment_added', ticket_id: t.ticketId })
    const byRoot = await file({ from: t.sender, inReplyTo: `<sts-t-${t.ticketId}@helpdesk.test>` })
    expect(byRoot).toMatchObject({ outcome: 'comment_added', ticket_id: t.ticketId })
  })

  it('moves a waiting ticket to in_progress and reopens a resolved one', async () => {
    const t = await newTicket()
    await setStatus(t.ticketId, 'in_progress', 'waiting_for_customer')
    await file({ from: t.sender, inReplyTo: t.ackId, text: 'Here is the log you asked for.' })
    expect((await ticketOf(t.ticketId)).status).toBe('in_progress')
    await setStatus(t.ticketId, 'resolved')
    await file({ from: t.sender, inReplyTo: t.ackId, text: 'It happened again.' })
    expect((await ticketOf(t.ticketId)).status).toBe('in_progress')
    const history = (await call(ctx, admin, 'GET', `/api/tickets/${t.ticketId}/history`)).body.data
    expect(history.at(-1)).toMatchObject({ type: 'status_changed', from: 'resolved', to: 'in_progress' })
  })

  for (const final of ['closed', 'cancelled'] as const) {
    it(`opens a new ticket linking the old one for a reply to a ${final} ticket`, async () => {
      const t = await newTicket()
      await setStatus(
        t.ticketId,
        ...(final === 'closed' ? ['in_progress', 'resolved', 'closed'] : ['cancelled']),
      )
      const reply = await file({
        from: t.sender,
        inReplyTo: t.ackId,
        subject: 'Re: Received',
        text: 'It is back.',
      })
      expect(reply.outcome).toBe('ticket_created')
      expect(reply.ticket_id).not.toBe(t.ticketId)
      const followUp = await ticketOf(String(reply.ticket_id))
      expect(followUp.description).toContain(`https://helpdesk.test/tickets/${t.ticketId}`)
      const history = (await call(ctx, admin, 'GET', `/api/tickets/${followUp.id}/history`)).body.data
      expect(history[0]).toMatchObject({
        type: 'created',
        details: { channel: 'email', follows_up: t.ticketId },
      })
      expect(await commentsOf(t.ticketId)).toEqual([])
    })
  }

  it('never puts a stranger’s reply on someone else’s ticket', async () => {
    const t = await newTicket()
    const reply = await file({ from: address('intruder'), inReplyTo: t.ackId, subject: 'Re: Received' })
    expect(reply.outcome).toBe('ticket_created')
    expect(reply.ticket_id).not.toBe(t.ticketId)
    expect(await commentsOf(t.ticketId)).toEqual([])
  })

  it('takes a participant’s reply, and a staff member’s as a staff comment emailed to the requester', async () => {
    const cc = address('cc-reply')
    const t = await newTicket({ cc })
    const fromCc = await file({ from: cc, inReplyTo: t.messageId, text: 'Same problem here.' })
    expect(fromCc).toMatchObject({ outcome: 'comment_added', ticket_id: t.ticketId })

    const fromStaff = await file({
      from: moderator.email,
      inReplyTo: t.messageId,
      text: 'Please restart the router.',
    })
    expect(fromStaff).toMatchObject({ outcome: 'comment_added', ticket_id: t.ticketId })
    const comments = await commentsOf(t.ticketId)
    expect(comments.at(-1)).toMatchObject({
      body: 'Please restart the router.',
      author: { role: 'moderator' },
    })
    const toRequester = await outboxFor(t.sender)
    expect(toRequester.map((e) => e.subject)).toContainEqual(expect.stringContaining('New reply on'))
    // Participants get the staff reply too.
    expect((await outboxFor(cc)).map((e) => e.subject)).toContainEqual(
      expect.stringContaining('New reply on'),
    )
  })

  it('does not thread by a Message-ID that belongs to nothing', async () => {
    const reply = await file({ from: address('lost'), inReplyTo: `<${randomUUID()}@elsewhere.example>` })
    expect(reply.outcome).toBe('ticket_created')
  })
})

describe('GET /api/admin/inbound', () => {
  it('lists every message with its outcome, newest first, for admins only', async () => {
    const sender = address('listed')
    const received = await file({ from: sender, subject: 'Listed message here' })
    const response = await call(ctx, admin, 'GET', '/api/admin/inbound?limit=5')
    expect(response.status).toBe(200)
    expect(response.body.data[0]).toMatchObject({
      id: received.id,
      from: sender,
      subject: 'Listed message here',
      received_via: 'http',
      outcome: 'ticket_created',
      ticket_id: received.ticket_id,
      ticket_number: (await ticketOf(String(received.ticket_id))).number,
      error: null,
    })
    expect(response.body.meta).toMatchObject({ page: 1, limit: 5 })
    expect((await call(ctx, moderator, 'GET', '/api/admin/inbound')).status).toBe(403)
  })
})
