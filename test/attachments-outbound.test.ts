// A public staff reply's files go with its email to the requester (read from the blobs when the
// email is sent), captured by an in-process SMTP server and parsed back.
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, expect, it } from 'vitest'
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

let server: SMTPServer
let smtpUrl: string
const inbox: Buffer[] = []
let ctx: TestContext
let admin: TestUser
let moderator: TestUser
let user: TestUser

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        inbox.push(Buffer.concat(chunks))
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  ctx = await createTestContext({ SMTP_URL: smtpUrl, MAIL_FROM: 'Help <help@helpdesk.test>' })
  admin = await signedInUser(ctx, 'admin')
  moderator = await signedInUser(ctx, 'moderator')
  user = await signedInUser(ctx, 'user')
})
afterAll(async () => {
  await ctx.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function upload(who: TestUser, ticketId: string, filename: string, content: Buffer) {
  const boundary = '----outbound-boundary'
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/tickets/${ticketId}/attachments`,
    headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  })
  expect(response.statusCode).toBe(201)
  return (JSON.parse(response.body) as { data: { id: string }[] }).data[0]?.id
}

it('sends a staff reply’s attachments with its email to the requester', async () => {
  const ticket = await createTicket(ctx, user)
  const content = Buffer.from(`Step 1: restart the router (${randomUUID()})\n`)
  const id = await upload(moderator, ticket.id, 'steps.txt', content)
  const reply = await call(ctx, moderator, 'POST', `/api/tickets/${ticket.id}/comments`, {
    body: 'Please follow the attached steps.',
    attachment_ids: [id],
  })
  expect(reply.status).toBe(201)

  const list = await call(ctx, admin, 'GET', `/api/admin/emails?to=${encodeURIComponent(user.email)}`)
  const emails = list.body.data.filter((e) => e.ticket_id === ticket.id)
  expect(emails).toHaveLength(1)
  const mailer = createMailer(smtpUrl, ctx.config.mail.from)
  try {
    await emailDelivery.handle(
      { db: ctx.database.db, mailer },
      { id: randomUUID(), payload: { emailId: String(emails[0]?.id) }, retryCount: 0, retryLimit: 2 },
    )
  } finally {
    mailer.close()
  }
  const raw = inbox.at(-1)
  if (!raw) throw new Error('nothing was sent')
  const sent = await simpleParser(raw)
  expect(sent.text).toContain('Please follow the attached steps.')
  expect(sent.attachments.map((a) => [a.filename, a.contentType])).toEqual([['steps.txt', 'text/plain']])
  expect(sent.attachments[0]?.content.equals(content)).toBe(true)
})
