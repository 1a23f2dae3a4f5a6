// Outgoing mail's threading headers, on messages captured by an in-process SMTP server: a stable
// Message-ID, References/In-Reply-To to the ticket's thread, Reply-To the support address, and
// Auto-Submitted on automatic notices only. A reply to them then threads back to the ticket.
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { emailDelivery } from '../src/jobs/email-delivery.js'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { receiveMessage } from '../src/modules/inbound/intake.js'
import { createMailer } from '../src/modules/notifications/mailer.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

let server: SMTPServer
let smtpUrl: string
const inbox: string[] = []
let ctx: TestContext
let admin: TestUser
let moderator: TestUser

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        inbox.push(Buffer.concat(chunks).toString('utf8'))
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  ctx = await createTestContext({
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Help <help@helpdesk.test>',
    INBOUND_ADDRESS: 'support@helpdesk.test',
  })
  admin = await signedInUser(ctx, 'admin')
  moderator = await signedInUser(ctx, 'moderator')
})
afterAll(async () => {
  await ctx.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function deliverAll(to: string) {
  const list = await call(ctx, admin, 'GET', `/api/admin/emails?to=${encodeURIComponent(to)}`)
  const mailer = createMailer(smtpUrl, ctx.config.mail.from, { replyTo: ctx.config.inbound.address })
  try {
    for (const email of list.body.data) {
      await emailDelivery.handle(
        { db: ctx.database.db, mailer },
        { id: randomUUID(), payload: { emailId: String(email.id) }, retryCount: 0, retryLimit: 2 },
      )
    }
  } finally {
    mailer.close()
  }
  return list.body.data
}

it('threads every email of a ticket, and a reply to one lands on the ticket', async () => {
  const customer = 'ada@example.org'
  const original = `<${randomUUID()}@mail.example.org>`
  const intake = createIntakeDeps(ctx.config, ctx.database, ctx.queue)
  const filed = await receiveMessage(
    intake,
    await composeMail({ from: customer, messageId: original }),
    'smtp',
  )
  const ticketId = String(filed.ticketId)
  await call(ctx, moderator, 'POST', `/api/tickets/${ticketId}/comments`, { body: 'Please try again now.' })

  const recorded = await deliverAll(customer)
  expect(recorded).toHaveLength(2)
  expect(inbox).toHaveLength(2)
  const parsed = await Promise.all(inbox.map((raw) => simpleParser(raw)))
  const ack = parsed.find((m) => m.subject?.includes('Received'))
  const reply = parsed.find((m) => m.subject?.includes('New reply'))
  const root = `<sts-t-${ticketId}@helpdesk.test>`
  for (const message of [ack, reply]) {
    expect(message?.messageId).toMatch(/^<sts-e-[0-9a-f-]{36}@helpdesk\.test>$/)
    expect(message?.references).toEqual([root, original])
    expect(message?.inReplyTo).toBe(original)
    expect(message?.replyTo?.text).toBe('support@helpdesk.test')
  }
  // The acknowledgement is an automatic notice; the moderator's reply is a person's.
  expect(ack?.headers.get('auto-submitted')).toBe('auto-generated')
  expect(reply?.headers.get('auto-submitted')).toBeUndefined()
  // The Message-ID sent is the one recorded (and listed for admins).
  expect(recorded.map((e) => e.message_id).sort()).toEqual([ack?.messageId, reply?.messageId].sort())

  const answer = await receiveMessage(
    intake,
    await composeMail({
      from: customer,
      inReplyTo: reply?.messageId,
      subject: `Re: ${reply?.subject}`,
      text: 'Works now, thanks!',
    }),
    'smtp',
  )
  expect(answer).toMatchObject({ outcome: 'comment_added', ticketId })
})
