// Email: recorded with the change that causes it, delivered over real SMTP (an in-process
// smtp-server), escaped, linked, retried and finally marked failed.
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailDelivery } from '../src/jobs/email-delivery.js'
import { createMailer } from '../src/modules/notifications/mailer.js'
import {
  call,
  createTestContext,
  createTicket,
  signedInUser,
  type TestContext,
  type TestUser,
} from './helpers/app.js'

interface Received {
  from: string
  to: string[]
  raw: string
}

let server: SMTPServer
let smtpUrl: string
const inbox: Received[] = []
let rejectNext = 0

let ctx: TestContext
let user: TestUser
let moderator: TestUser
let admin: TestUser

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (rejectNext > 0) {
          rejectNext -= 1
          const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 450 })
          return callback(error)
        }
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  ctx = await createTestContext({
    SMTP_URL: smtpUrl,
    APP_URL: 'https://help.example.com',
    MAIL_FROM: 'Help <help@example.com>',
  })
  user = await signedInUser(ctx, 'user')
  moderator = await signedInUser(ctx, 'moderator')
  admin = await signedInUser(ctx, 'admin')
})
afterAll(async () => {
  await ctx.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function outbox(to: string) {
  const response = await call(ctx, admin, 'GET', `/api/admin/emails?to=${encodeURIComponent(to)}`)
  if (response.status !== 200) throw new Error(JSON.stringify(response.body))
  return response.body
}

async function deliver(emailId: string, retryCount = 0, retryLimit = 2) {
  const mailer = createMailer(smtpUrl, ctx.config.mail.from)
  try {
    return await emailDelivery.handle(
      { db: ctx.database.db, mailer },
      { id: randomUUID(), payload: { emailId }, retryCount, retryLimit },
    )
  } finally {
    mailer.close()
  }
}

describe('email', () => {
  it("tells the creator about a moderator's reply, escaped, with a link, over SMTP", async () => {
    const ticket = await createTicket(ctx, user, { title: 'Broken <script>alert(1)</script> page' })
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, {
      body: 'Try <b>this</b> & that',
    })
    const { data, meta } = await outbox(user.email)
    expect(meta?.total).toBe(1)
    expect(data[0]).toMatchObject({ status: 'pending', attempts: 0, to: user.email, ticket_id: ticket.id })

    expect(await deliver(String(data[0]?.id))).toEqual({ outcome: 'sent' })
    const message = inbox.at(-1)
    expect(message?.to).toEqual([user.email])
    const parsed = await simpleParser(message?.raw ?? '')
    expect(parsed.subject).toContain('New reply on: Broken <script>alert(1)</script> page')
    expect(parsed.text).toContain('Try <b>this</b> & that')
    expect(parsed.text).toContain(`https://help.example.com/tickets/${ticket.id}`)
    const html = String(parsed.html)
    expect(html).toContain('Try &lt;b&gt;this&lt;/b&gt; &amp; that')
    expect(html).toContain('Broken &lt;script&gt;')
    expect(html).not.toContain('<script>')
    expect(html).toContain(`href="https://help.example.com/tickets/${ticket.id}"`)
    expect(parsed.from?.text).toContain('help@example.com')

    const after = await outbox(user.email)
    expect(after.data[0]).toMatchObject({ status: 'sent', attempts: 1, last_error: null })
    expect(after.data[0]?.sent_at).toEqual(expect.any(String))
    // Delivered once: running the job again sends nothing.
    expect(await deliver(String(data[0]?.id))).toEqual({ outcome: 'nothing to send' })
  })

  it('emails the creator when the status becomes waiting_for_customer, resolved or closed — not for other moves', async () => {
    const creator = await signedInUser(ctx, 'user')
    const ticket = await createTicket(ctx, creator)
    for (const status of ['in_progress', 'waiting_for_customer', 'in_progress', 'resolved', 'closed']) {
      await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status })
    }
    const subjects = (await outbox(creator.email)).data.map((e) => String(e.subject))
    expect(subjects).toHaveLength(3)
    expect(subjects.some((s) => s.includes('waiting for customer'))).toBe(true)
    expect(subjects.some((s) => s.includes('resolved'))).toBe(true)
    expect(subjects.some((s) => s.includes('closed'))).toBe(true)
  })

  it('sends the creator who confirmed the fix only the satisfaction survey about the closing', async () => {
    const creator = await signedInUser(ctx, 'user')
    const ticket = await createTicket(ctx, creator)
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'in_progress' })
    await call(ctx, moderator, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' })
    await call(ctx, creator, 'POST', `/api/tickets/${ticket.id}/confirm`)
    const { data, meta } = await outbox(creator.email)
    expect(meta?.total).toBe(2)
    expect(String(data[0]?.text)).toContain('/satisfaction/')
  })

  it('emails the moderator a ticket is assigned to by hand', async () => {
    const ticket = await createTicket(ctx, user)
    await call(ctx, admin, 'PATCH', `/api/tickets/${ticket.id}`, { assigned_to: moderator.id })
    const { data } = await outbox(moderator.email)
    expect(data.some((e) => e.ticket_id === ticket.id && String(e.subject).includes('Assigned to you'))).toBe(
      true,
    )
  })

  it('retries a refused delivery, then marks it failed with the error after the last attempt', async () => {
    const creator = await signedInUser(ctx, 'user')
    const ticket = await createTicket(ctx, creator)
    await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, { body: 'Hello' })
    const id = String((await outbox(creator.email)).data[0]?.id)
    rejectNext = 3
    await expect(deliver(id, 0, 2)).rejects.toThrow()
    expect((await outbox(creator.email)).data[0]).toMatchObject({ status: 'pending', attempts: 1 })
    await expect(deliver(id, 1, 2)).rejects.toThrow()
    expect(await deliver(id, 2, 2)).toEqual({ outcome: 'failed' })
    const email = (await outbox(creator.email)).data[0]
    expect(email).toMatchObject({ status: 'failed', attempts: 3 })
    expect(String(email?.last_error)).toContain('Mailbox unavailable')
    rejectNext = 0
  })

  it('is admin-only', async () => {
    expect((await call(ctx, moderator, 'GET', '/api/admin/emails')).status).toBe(403)
    expect((await call(ctx, user, 'GET', '/api/admin/emails')).status).toBe(403)
    expect((await call(ctx, null, 'GET', '/api/admin/emails')).status).toBe(401)
  })
})
