// The SMTP listener through a real SMTP client (nodemailer): real MIME of every common shape,
// legacy charsets, broken MIME, refused recipients and sizes, and 250 only after the commit (of the
// message and its filing job; a worker files it).
import net from 'node:net'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Worker } from '../src/jobs/worker.js'
import { type SmtpListener, startSmtpListener } from '../src/modules/inbound/smtp-listener.js'
import { createNotifier } from '../src/modules/notifications/notifier.js'
import { ticketIdByNumber } from '../src/modules/tickets/ticket.service.js'
import { call, createTestContext, signedInUser, type TestContext, type TestUser } from './helpers/app.js'
import { startFilingWorker } from './helpers/filing.js'

const MAX_BYTES = 100_000
let ctx: TestContext
let admin: TestUser
let listener: SmtpListener
let transport: nodemailer.Transporter
let worker: Worker

const quiet = { info() {}, warn() {}, error() {} }

beforeAll(async () => {
  ctx = await createTestContext({
    INBOUND_ADDRESS: 'support@helpdesk.test',
    APP_URL: 'https://helpdesk.test',
  })
  admin = await signedInUser(ctx, 'admin')
  worker = await startFilingWorker(ctx)
  const notifier = createNotifier({ queue: ctx.queue, appUrl: ctx.config.appUrl, smtpEnabled: false })
  listener = await startSmtpListener({
    intake: { db: ctx.database.db, queue: ctx.queue, notifier, config: ctx.config, ticketIdByNumber },
    address: 'support@helpdesk.test',
    host: '127.0.0.1',
    port: 0,
    maxBytes: MAX_BYTES,
    log: quiet,
  })
  transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
  })
})
afterAll(async () => {
  transport.close()
  await listener.close()
  await worker.stop()
  await ctx.close()
})

let counter = 0
const sender = () => `sender${++counter}-${Date.now()}@example.org`

/**
 * The newest inbound record, read right after the 250 (it must already be there, pending or
 * filed), then, once the worker filed it, with its ticket.
 */
async function lastFiled() {
  const newest = async () => (await call(ctx, admin, 'GET', '/api/admin/inbound?limit=1')).body.data[0]
  const accepted = await newest()
  expect(accepted?.received_via).toBe('smtp')
  await expect
    .poll(async () => (await newest())?.outcome, { timeout: 10_000, interval: 50 })
    .not.toBe('pending')
  const record = await newest()
  expect(record?.id).toBe(accepted?.id)
  const ticket = record?.ticket_id
    ? (await call(ctx, admin, 'GET', `/api/tickets/${record.ticket_id}`)).body.data
    : undefined
  return { record, ticket }
}

/** Sends a hand-written message (exact bytes) to the support address. */
async function sendRaw(from: string, lines: (string | Buffer)[]) {
  const raw = Buffer.concat(
    lines.map((l) =>
      Buffer.concat([typeof l === 'string' ? Buffer.from(l, 'latin1') : l, Buffer.from('\r\n')]),
    ),
  )
  return transport.sendMail({ envelope: { from, to: ['support@helpdesk.test'] }, raw })
}

describe('SMTP listener', () => {
  it('files multipart/alternative mail, using the text part', async () => {
    const from = sender()
    const info = await transport.sendMail({
      from,
      to: 'Support <support@helpdesk.test>',
      subject: 'Monitor flickers after update',
      text: 'The second monitor flickers since the driver update.',
      html: '<p>The <b>second monitor</b> flickers since the driver update.</p>',
    })
    expect(info.response).toMatch(/^250 /)
    const { record, ticket } = await lastFiled()
    expect(record).toMatchObject({ from, outcome: 'ticket_created' })
    expect(ticket).toMatchObject({
      title: 'Monitor flickers after update',
      description: 'The second monitor flickers since the driver update.',
    })
  })

  it('turns HTML-only mail into safe text', async () => {
    await transport.sendMail({
      from: sender(),
      to: 'support@helpdesk.test',
      subject: 'Keyboard layout wrong',
      html: '<div><p>My keyboard types <b>Z</b> for Y.</p><script>alert(1)</script><img src="x" onerror="alert(2)"></div>',
    })
    const { ticket } = await lastFiled()
    expect(ticket?.description).toContain('My keyboard types Z for Y.')
    expect(ticket?.description).not.toMatch(/<script|<img|onerror|<p>/)
  })

  it('files mail with an attachment (the attachment does not get in the way)', async () => {
    await transport.sendMail({
      from: sender(),
      to: 'support@helpdesk.test',
      subject: 'Error report attached',
      text: 'See the attached log.',
      attachments: [
        { filename: 'log.txt', content: Buffer.from('line 1\nline 2\n') },
        { filename: 'shot.png', content: Buffer.alloc(2000, 7) },
      ],
    })
    const { record, ticket } = await lastFiled()
    expect(record?.outcome).toBe('ticket_created')
    expect(ticket?.description).toBe('See the attached log.')
  })

  it('reads ISO-8859-1 and Windows-1252 bodies and encoded-word subjects', async () => {
    await sendRaw(sender(), [
      `From: ${sender()}`,
      'To: support@helpdesk.test',
      'Subject: =?ISO-8859-1?Q?Caf=E9_machine_cr=E8me_button?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: 8bit',
      '',
      Buffer.from('La machine à café ne fait plus de crème.', 'latin1'),
    ])
    let { ticket } = await lastFiled()
    expect(ticket).toMatchObject({
      title: 'Café machine crème button',
      description: 'La machine à café ne fait plus de crème.',
    })

    await sendRaw(sender(), [
      `From: ${sender()}`,
      'To: support@helpdesk.test',
      'Subject: =?windows-1252?Q?Invoice_=80_20_=96_wrong?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=windows-1252',
      'Content-Transfer-Encoding: 8bit',
      '',
      Buffer.from([
        0x54, 0x68, 0x65, 0x20, 0x93, 0x74, 0x6f, 0x74, 0x61, 0x6c, 0x94, 0x20, 0x73, 0x61, 0x79, 0x73, 0x20,
        0x80, 0x32, 0x30,
      ]),
    ])
    ;({ ticket } = await lastFiled())
    expect(ticket).toMatchObject({ title: 'Invoice € 20 – wrong', description: 'The “total” says €20' })
  })

  it('reads a Shift_JIS body and subject', async () => {
    // 日本語のテスト in Shift_JIS.
    const sjis = Buffer.from([
      0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0x82, 0xcc, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67,
    ])
    await sendRaw(sender(), [
      `From: ${sender()}`,
      'To: support@helpdesk.test',
      `Subject: =?Shift_JIS?B?${sjis.toString('base64')}?=`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=Shift_JIS',
      'Content-Transfer-Encoding: 8bit',
      '',
      sjis,
    ])
    const { ticket } = await lastFiled()
    expect(ticket).toMatchObject({ title: '日本語のテスト', description: '日本語のテスト' })
  })

  it('files a message with neither subject nor body', async () => {
    const from = sender()
    await sendRaw(from, [`From: ${from}`, 'To: support@helpdesk.test', '', ''])
    const { record, ticket } = await lastFiled()
    expect(record?.outcome).toBe('ticket_created')
    expect(ticket?.title).toBe(`Email from ${from}`)
  })

  it('files broken MIME (a multipart without its boundary, a bad encoding) as far as it reads', async () => {
    const from = sender()
    await sendRaw(from, [
      `From: ${from}`,
      'To: support@helpdesk.test',
      'Subject: Broken MIME message here',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="never-used"',
      'Content-Transfer-Encoding: base64',
      '',
      'this is not base64 ***',
      '--wrong-boundary',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'text',
    ])
    const { record } = await lastFiled()
    expect(['ticket_created', 'rejected']).toContain(record?.outcome)
    expect(record?.from).toBe(from)
  })

  it('refuses other recipients with 550', async () => {
    await expect(
      transport.sendMail({ from: sender(), to: 'someone-else@helpdesk.test', subject: 'x', text: 'y' }),
    ).rejects.toMatchObject({ responseCode: 550 })
  })

  it('refuses a message over INBOUND_MAX_BYTES with 552 and files nothing', async () => {
    const before = (await call(ctx, admin, 'GET', '/api/admin/inbound?limit=1')).body.meta?.total
    // Over the limit in the data...
    await expect(
      transport.sendMail({
        from: sender(),
        to: 'support@helpdesk.test',
        subject: 'Big',
        text: 'x'.repeat(MAX_BYTES * 2),
      }),
    ).rejects.toMatchObject({ responseCode: 552 })
    // ...declared with SIZE: refused at MAIL FROM, before any data...
    const declared = await smtpConversation([
      'EHLO client.example',
      `MAIL FROM:<${sender()}> SIZE=${MAX_BYTES * 2}`,
    ])
    expect(declared.at(-1)).toMatch(/^552 /)
    // ...and streamed by a plain client: refused at the end of DATA.
    const streamed = await smtpConversation([
      'EHLO client.example',
      `MAIL FROM:<${sender()}>`,
      'RCPT TO:<support@helpdesk.test>',
      'DATA',
      `Subject: big\r\n\r\n${`${'y'.repeat(998)}\r\n`.repeat(Math.ceil((MAX_BYTES * 2) / 1000))}.`,
    ])
    expect(streamed.at(-1)).toMatch(/^552 /)
    expect((await call(ctx, admin, 'GET', '/api/admin/inbound?limit=1')).body.meta?.total).toBe(before)
  })
})

/** Speaks SMTP line by line to the listener; returns the last reply to each command (and the greeting). */
async function smtpConversation(commands: string[]): Promise<string[]> {
  const socket = net.connect(listener.port, '127.0.0.1')
  let buffer = ''
  const waiting: ((line: string) => void)[] = []
  const replies: string[] = []
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8')
    let index = buffer.indexOf('\r\n')
    while (index >= 0) {
      const line = buffer.slice(0, index)
      buffer = buffer.slice(index + 2)
      // Multi-line replies ("250-…") end with "250 …".
      if (/^\d{3} /.test(line)) waiting.shift()?.(line)
      index = buffer.indexOf('\r\n')
    }
  })
  const next = () => new Promise<string>((resolve) => waiting.push(resolve))
  replies.push(await next())
  for (const command of commands) {
    const reply = next()
    socket.write(`${command}\r\n`)
    replies.push(await reply)
    if (!/^[23]/.test(replies.at(-1) ?? '')) break
  }
  socket.end('QUIT\r\n')
  return replies
}
