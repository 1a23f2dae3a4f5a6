// What people see of the email channel: a ticket's channel, "show original" for staff (the whole
// email a ticket or reply was filed from, where the ticket shows it cut), the acknowledgement of a
// new sender, and the inbound status admins read (the mailbox's state, never a secret).
import { readFile } from 'node:fs/promises'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inboundMessages } from '../src/db/schema.js'
import { recordFetch } from '../src/modules/inbound/inbound.repository.js'
import { imapState } from '../src/modules/inbound/inbound.routes.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

const TOKEN = 'inbound-token-original-0123456789'
const IMAP_URL = 'imaps://support%40helpdesk.test:s3cret-imap-pass@imap.helpdesk.test/INBOX'
const MAILBOX = 'imaps://support%40helpdesk.test@imap.helpdesk.test:993/INBOX'

let ctx: TestContext
let admin: TestUser
let moderator: TestUser

beforeAll(async () => {
  ctx = await createTestContext({
    INBOUND_TOKEN: TOKEN,
    INBOUND_ADDRESS: 'support@helpdesk.test',
    IMAP_URL,
    IMAP_POLL_SECONDS: '30',
    MAIL_FROM: 'Helpdesk <no-reply@helpdesk.test>',
  })
  admin = await signedInUser(ctx, 'admin')
  moderator = await signedInUser(ctx, 'moderator')
})
afterAll(async () => {
  await ctx.close()
})

async function deliver(raw: Buffer): Promise<{ outcome: string; ticket_id: string }> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/inbound/email',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'message/rfc822' },
    payload: raw,
  })
  expect(response.statusCode).toBe(202)
  return JSON.parse(response.body).data
}

const unique = () => Math.random().toString(36).slice(2, 10)

describe('a ticket says how it came in', () => {
  it('web for one filed on the web or the API, email for one that came by mail', async () => {
    const user = await signedInUser(ctx, 'user')
    const created = await call(ctx, user, 'POST', '/api/tickets', {
      title: 'Web ticket about the VPN',
      description: 'The VPN drops every ten minutes since Monday.',
    })
    const web = await call(ctx, user, 'GET', `/api/tickets/${created.body.data.id}`)
    expect(web.body.data).toMatchObject({ channel: 'web', number: expect.any(Number) })

    const filed = await deliver(await composeMail({ from: `ada-${unique()}@example.org` }))
    expect(filed.outcome).toBe('ticket_created')
    const emailed = await call(ctx, moderator, 'GET', `/api/tickets/${filed.ticket_id}`)
    expect(emailed.body.data.channel).toBe('email')
  })
})

describe('show original', () => {
  const customer = `grace-${unique()}@example.org`
  const firstId = `<first-${unique()}@mail.example.org>`
  let ticketId: string

  beforeAll(async () => {
    const filed = await deliver(
      await composeMail({
        from: `Grace <${customer}>`,
        cc: 'Boss <boss@example.org>',
        messageId: firstId,
        subject: 'Laptop will not boot',
        text: 'It shows a black screen.\n\n-- \nGrace Hopper\nNavy Yard, desk 12',
      }),
    )
    ticketId = filed.ticket_id
  })

  it('gives staff the email that opened the ticket, signature and headers included', async () => {
    const ticket = await call(ctx, moderator, 'GET', `/api/tickets/${ticketId}`)
    expect(ticket.body.data.description).not.toContain('Navy Yard')

    const original = await call(ctx, moderator, 'GET', `/api/tickets/${ticketId}/original`)
    expect(original.status).toBe(200)
    expect(original.body.data).toMatchObject({
      message_id: firstId,
      from: `Grace <${customer}>`,
      to: ['support@helpdesk.test'],
      cc: ['Boss <boss@example.org>'],
      subject: 'Laptop will not boot',
      received_via: 'http',
    })
    expect(original.body.data.text).toContain('Navy Yard, desk 12')
    expect(original.body.data.headers).toMatch(/^Message-ID: /im)
    expect(original.body.data.headers).not.toContain('It shows a black screen')
  })

  it('gives staff the whole reply behind an emailed comment, quoted history included', async () => {
    const reply = await deliver(
      await composeMail({
        from: customer,
        inReplyTo: firstId,
        references: [firstId],
        subject: 'Re: Laptop will not boot',
        text: 'Now it beeps three times.\n\nOn Mon, 30 Nov 2026, Support wrote:\n> Does it beep?\n> Tell us.\n',
      }),
    )
    expect(reply).toMatchObject({ outcome: 'comment_added', ticket_id: ticketId })
    const comments = await call(ctx, moderator, 'GET', `/api/tickets/${ticketId}/comments`)
    const comment = comments.body.data.find((c) => c.channel === 'email')
    if (!comment) throw new Error('the reply was not filed as a comment')
    expect(comment.body).toBe('Now it beeps three times.')

    const original = await call(
      ctx,
      moderator,
      'GET',
      `/api/tickets/${ticketId}/comments/${String(comment.id)}/original`,
    )
    expect(original.status).toBe(200)
    expect(original.body.data.text).toContain('> Does it beep?')
    expect(original.body.data.text).toContain('Now it beeps three times.')
    expect(original.body.data.subject).toBe('Re: Laptop will not boot')
  })

  it('finds replies filed before comments were linked (the backfill of migration 0020)', async () => {
    const linked = await ctx.database.db
      .select({ id: inboundMessages.id, commentId: inboundMessages.commentId })
      .from(inboundMessages)
      .where(eq(inboundMessages.ticketId, ticketId))
    const reply = linked.find((m) => m.commentId !== null)
    if (!reply) throw new Error('the reply is not linked to its comment')
    await ctx.database.db
      .update(inboundMessages)
      .set({ commentId: null })
      .where(eq(inboundMessages.id, reply.id))
    const migration = await readFile(
      new URL('../src/db/migrations/0020_inbound_comment_link.sql', import.meta.url),
      'utf8',
    )
    const backfill = migration.split('--> statement-breakpoint').at(-1) ?? ''
    expect(backfill).toMatch(/^\s*-- Replies filed before/)
    await ctx.database.db.execute(sql.raw(backfill))
    const [after] = await ctx.database.db
      .select({ commentId: inboundMessages.commentId })
      .from(inboundMessages)
      .where(eq(inboundMessages.id, reply.id))
    expect(after?.commentId).toBe(reply.commentId)
  })

  it('is for staff only, and 404 for what did not come by email', async () => {
    const user = await signedInUser(ctx, 'user')
    const forbidden = await call(ctx, user, 'GET', `/api/tickets/${ticketId}/original`)
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.message).toBe('Only moderators and admins can view original emails')

    const webComment = await call(ctx, moderator, 'POST', `/api/tickets/${ticketId}/comments`, {
      body: 'We are sending a technician.',
    })
    const noOriginal = await call(
      ctx,
      moderator,
      'GET',
      `/api/tickets/${ticketId}/comments/${webComment.body.data.id}/original`,
    )
    expect(noOriginal.status).toBe(404)
    expect(noOriginal.body.message).toBe('No original email: this was not filed by email')
    expect(
      (await call(ctx, moderator, 'GET', `/api/tickets/${ticketId}/comments/nope/original`)).status,
    ).toBe(404)

    const web = await call(ctx, moderator, 'POST', '/api/tickets', {
      title: 'Filed on the web',
      description: 'Nothing to show here at all.',
    })
    expect((await call(ctx, moderator, 'GET', `/api/tickets/${web.body.data.id}/original`)).status).toBe(404)
    // A comment of this ticket asked for under another ticket: not there.
    const comments = await call(ctx, moderator, 'GET', `/api/tickets/${ticketId}/comments`)
    const emailed = comments.body.data.find((c) => c.channel === 'email')
    if (!emailed) throw new Error('no emailed comment')
    const elsewhere = await call(
      ctx,
      moderator,
      'GET',
      `/api/tickets/${String(web.body.data.id)}/comments/${String(emailed.id)}/original`,
    )
    expect(elsewhere.status).toBe(404)
    expect((await call(ctx, moderator, 'GET', '/api/tickets/not-a-uuid/original')).status).toBe(404)
  })
})

describe('the acknowledgement', () => {
  async function ackTo(address: string) {
    const response = await call(ctx, admin, 'GET', `/api/admin/emails?to=${encodeURIComponent(address)}`)
    const [ack] = response.body.data
    if (!ack) throw new Error(`no email to ${address}`)
    return String(ack.text)
  }

  it('tells someone without a password how to choose one, and not someone who has one', async () => {
    const stranger = `new-${unique()}@example.org`
    await deliver(await composeMail({ from: stranger }))
    expect(await ackTo(stranger)).toMatch(
      new RegExp(
        `To follow it on the web, choose a password for ${stranger} first: https?://\\S+/forgot-password`,
      ),
    )

    const member = await signedInUser(ctx, 'user')
    await deliver(await composeMail({ from: member.email }))
    const text = await ackTo(member.email)
    expect(text).toContain('filed it as ticket #')
    expect(text).not.toContain('forgot-password')
  })
})

describe('a stranger answering someone else’s ticket', () => {
  it('gets a ticket of their own, whose subjects carry its number alone, so their replies find it', async () => {
    const owner = `owner-${unique()}@example.org`
    const first = await deliver(await composeMail({ from: owner, subject: `Projector ${unique()} is dim` }))
    const ticket = await call(ctx, admin, 'GET', `/api/tickets/${first.ticket_id}`)
    const { number, title } = ticket.body.data

    const stranger = `stranger-${unique()}@example.org`
    const theirs = await deliver(await composeMail({ from: stranger, subject: `Re: [#${number}] ${title}` }))
    expect(theirs.outcome).toBe('ticket_created')
    expect(theirs.ticket_id).not.toBe(first.ticket_id)
    const own = await call(ctx, admin, 'GET', `/api/tickets/${theirs.ticket_id}`)
    expect(own.body.data.title).toBe(title)
    const acks = await call(ctx, admin, 'GET', `/api/admin/emails?to=${encodeURIComponent(stranger)}`)
    const ack = acks.body.data[0]
    expect(ack?.subject).toBe(`[#${own.body.data.number}] Received: ${title}`)

    // Their mail client kept the subject and dropped the headers: the token still finds their ticket.
    const reply = await deliver(await composeMail({ from: stranger, subject: `Re: ${String(ack?.subject)}` }))
    expect(reply).toMatchObject({ outcome: 'comment_added', ticket_id: theirs.ticket_id })
  })
})

describe('inbound status for admins', () => {
  it('tells how mail comes in and the mailbox state, never the token or the IMAP password', async () => {
    await recordFetch(ctx.database.db, MAILBOX, null)
    const response = await call(ctx, admin, 'GET', '/api/admin/inbound/status')
    expect(response.status).toBe(200)
    expect(response.body.data).toMatchObject({
      address: 'support@helpdesk.test',
      smtp_listener: null,
      http_endpoint: true,
      imap: { mailbox: MAILBOX, poll_seconds: 30, connected: true, last_error: null },
    })
    const text = JSON.stringify(response.body)
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain('s3cret-imap-pass')

    await recordFetch(ctx.database.db, MAILBOX, 'connect ECONNREFUSED 10.0.0.1:993')
    const failing = await call(ctx, admin, 'GET', '/api/admin/inbound/status')
    expect(failing.body.data.imap).toMatchObject({
      connected: false,
      last_error: 'connect ECONNREFUSED 10.0.0.1:993',
    })
    expect((await call(ctx, moderator, 'GET', '/api/admin/inbound/status')).status).toBe(403)
  })

  it('counts a mailbox whose fetches stopped as disconnected, and none configured as null', () => {
    const imap = { url: IMAP_URL, pollSeconds: 30 }
    const fetchedAt = new Date('2026-12-01T08:00:00Z')
    const states = [{ source: MAILBOX, lastFetchAt: fetchedAt, lastErrorAt: null, lastError: null }]
    const at = (seconds: number) => new Date(fetchedAt.getTime() + seconds * 1000)
    expect(imapState(imap, states, at(100))?.connected).toBe(true)
    expect(imapState(imap, states, at(121))?.connected).toBe(false)
    expect(imapState(imap, [], at(0))).toMatchObject({ connected: false, last_fetch_at: null })
    expect(imapState(undefined, states, at(0))).toBeNull()
  })
})
