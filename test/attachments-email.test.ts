// Attachments by email: a message's files and inline images are stored on the ticket or comment it
// files (the same transaction), larger ones are skipped with a note; a staff reply's files go out
// with its email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

const TOKEN = 'inbound-token-0123456789'
const MAX_BYTES = 2048

let ctx: TestContext
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext({
    INBOUND_TOKEN: TOKEN,
    INBOUND_ADDRESS: 'support@helpdesk.test',
    APP_URL: 'https://helpdesk.test',
    ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
  })
  admin = await signedInUser(ctx, 'admin')
})
afterAll(() => ctx.close())

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d69c880000000049454e44ae426082',
  'hex',
)

interface Attachment {
  id: string
  comment_id: string | null
  filename: string
  content_type: string
  size: number
}

async function deliver(raw: Buffer) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/inbound/email',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'message/rfc822' },
    payload: raw,
  })
  expect(response.statusCode).toBe(202)
  return (JSON.parse(response.body) as { data: { outcome: string; ticket_id: string } }).data
}

const filesOf = (item: Record<string, unknown> | undefined) => (item?.attachments ?? []) as Attachment[]

describe('attachments from email', () => {
  it('stores a new ticket’s attachments and inline images with the type from their bytes', async () => {
    const filed = await deliver(
      await composeMail({
        from: 'Ana <ana@example.org>',
        html: '<p>See the screenshot: <img src="cid:shot@example.org"></p>',
        attachments: [
          { filename: 'log.txt', content: 'error 42 at startup\n', contentType: 'application/pdf' },
          { filename: 'shot.png', content: PNG, cid: 'shot@example.org', contentType: 'image/png' },
        ],
      }),
    )
    expect(filed.outcome).toBe('ticket_created')
    const ticket = await call(ctx, admin, 'GET', `/api/tickets/${filed.ticket_id}`)
    const files = filesOf(ticket.body.data)
    expect(files.map((f) => [f.filename, f.content_type, f.comment_id]).sort()).toEqual([
      ['log.txt', 'text/plain', null],
      ['shot.png', 'image/png', null],
    ])
    const png = files.find((f) => f.filename === 'shot.png')
    const download = await ctx.app.inject({
      method: 'GET',
      url: `/api/attachments/${png?.id}`,
      headers: { cookie: admin.cookie },
    })
    expect(download.rawPayload.equals(PNG)).toBe(true)
  })

  it('puts a reply’s files on its comment and skips one over ATTACHMENT_MAX_BYTES with a note', async () => {
    const first = await deliver(
      await composeMail({ from: 'bo@example.org', subject: 'VPN drops every hour' }),
    )
    const ticket = await call(ctx, admin, 'GET', `/api/tickets/${first.ticket_id}`)
    const reply = await deliver(
      await composeMail({
        from: 'bo@example.org',
        subject: `Re: [#${ticket.body.data.number}] VPN drops every hour`,
        text: 'Here are the logs.',
        attachments: [
          { filename: 'vpn.log', content: 'dropped at 10:00\n' },
          { filename: 'capture.pcap', content: Buffer.alloc(MAX_BYTES + 1, 1) },
        ],
      }),
    )
    expect(reply.outcome).toBe('comment_added')
    const comments = await call(ctx, admin, 'GET', `/api/tickets/${first.ticket_id}/comments`)
    const comment = comments.body.data[0]
    expect(filesOf(comment).map((f) => f.filename)).toEqual(['vpn.log'])
    expect(filesOf(comment)[0]?.comment_id).toBe(comment?.id)
    expect(String(comment?.body)).toContain('"capture.pcap"')
    expect(String(comment?.body)).toContain('not kept')
  })
})
