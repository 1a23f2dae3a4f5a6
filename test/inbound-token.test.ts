// The pieces of the intake that need no mail server: the `[#N]` subject token, titles, quoted
// text, our own Message-IDs, and threading by token through the tickets service's number lookup.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { tickets } from '../src/db/schema.js'
import { verifyPassword } from '../src/modules/auth/password.js'
import { createIntakeDeps } from '../src/modules/inbound/channels.js'
import { parseImapUrl } from '../src/modules/inbound/imap-poller.js'
import { receiveMessage } from '../src/modules/inbound/intake.js'
import { parseTicketToken } from '../src/modules/inbound/subject-token.js'
import { titleFrom, visibleText } from '../src/modules/inbound/text.js'
import { parseOwnMessageId } from '../src/modules/notifications/message-ids.js'
import { ticketIdByNumber } from '../src/modules/tickets/ticket.service.js'
import { NO_PASSWORD } from '../src/modules/users/user.service.js'
import { createTestContext, type TestContext } from './helpers/app.js'
import { composeMail } from './helpers/mail.js'

describe('configuration', () => {
  it('reads the inbound settings, and refuses a listener without the address it accepts', () => {
    const config = loadConfig({
      INBOUND_ADDRESS: 'Support@Example.com',
      INBOUND_SMTP_PORT: '2525',
      HOST: '0.0.0.0',
    })
    expect(config.inbound).toMatchObject({
      address: 'support@example.com',
      smtp: { port: 2525, host: '0.0.0.0' },
      maxBytes: 26_214_400,
      senderRatePerHour: 20,
      imap: undefined,
      token: undefined,
    })
    expect(loadConfig({ IMAP_URL: 'imaps://u:p@h/INBOX' }).inbound.imap).toEqual({
      url: 'imaps://u:p@h/INBOX',
      pollSeconds: 60,
    })
    expect(() => loadConfig({ INBOUND_SMTP_PORT: '2525' })).toThrow(/INBOUND_SMTP_PORT needs INBOUND_ADDRESS/)
    expect(() => loadConfig({ IMAP_URL: 'http://x' })).toThrow(/IMAP_URL/)
    expect(() => loadConfig({ INBOUND_TOKEN: 'short' })).toThrow(/INBOUND_TOKEN/)
  })

  it('parses IMAP_URL, without the password in the name admins see', () => {
    expect(parseImapUrl('imaps://support%40example.com:p%40ss@imap.example.com/Support%20Inbox')).toEqual({
      host: 'imap.example.com',
      port: 993,
      secure: true,
      user: 'support@example.com',
      pass: 'p@ss',
      mailbox: 'Support Inbox',
      name: 'imaps://support%40example.com@imap.example.com:993/Support Inbox',
    })
    expect(parseImapUrl('imap://u:p@localhost:1143')).toMatchObject({
      port: 1143,
      secure: false,
      mailbox: 'INBOX',
    })
  })
})

describe('subject token', () => {
  it('reads [#N], the last one when there are several, and nothing else', () => {
    expect(parseTicketToken('Re: [#1042] Printer jammed')).toBe(1042)
    expect(parseTicketToken('Fwd: [#12] Re: [#40] x')).toBe(40)
    expect(parseTicketToken('Re: #1042 Printer')).toBeUndefined()
    expect(parseTicketToken('[#0] zero')).toBeUndefined()
    expect(parseTicketToken('[#abc]')).toBeUndefined()
    expect(parseTicketToken('[#99999999999999999]')).toBeUndefined()
    expect(parseTicketToken('')).toBeUndefined()
  })
})

describe('text', () => {
  it('cuts quoted history and signatures, keeps an all-quoted message whole', () => {
    expect(visibleText('New info.\n\nOn Mon, 1 Dec 2026, A <a@b.c> wrote:\n> old\n')).toBe('New info.')
    expect(visibleText('Thanks\n-- \nAda\nACME Corp')).toBe('Thanks')
    expect(visibleText('> only quoted\n> text')).toBe('> only quoted\n> text')
  })

  it('keeps the questions of an answer written inline, and cuts the history below it', () => {
    expect(
      visibleText(
        '> Which model?\nA LaserJet 4.\n\n> Which floor?\nThe third.\n\nOn Tue, 1 Dec 2026, Helpdesk wrote:\n> Is it plugged in?\n',
      ),
    ).toBe('> Which model?\nA LaserJet 4.\n> Which floor?\nThe third.')
    expect(visibleText('Thanks, it works.\n-- \nAda\n\n> earlier\n> mail')).toBe('Thanks, it works.')
  })

  it('titles from the subject, else the first words, else the sender', () => {
    expect(titleFrom('  Printer   jammed  ', '', 'a@b.c')).toBe('Printer jammed')
    expect(titleFrom('', 'word '.repeat(40), 'a@b.c').length).toBeLessThanOrEqual(80)
    expect(titleFrom('', '', 'a@b.c')).toBe('Email from a@b.c')
    expect(titleFrom('x'.repeat(500), '', 'a@b.c')).toHaveLength(200)
    expect(titleFrom('Re: [#2] VPN drops every ten minutes', '', 'a@b.c')).toBe('VPN drops every ten minutes')
    expect(titleFrom('AW: Fwd: RE[2]: Printer [#40] jammed', '', 'a@b.c')).toBe('Printer jammed')
    expect(titleFrom('Re: [#7]', 'The screen flickers.', 'a@b.c')).toBe('The screen flickers.')
    expect(titleFrom('Regarding the invoice', '', 'a@b.c')).toBe('Regarding the invoice')
  })

  it('recognises our own Message-IDs only', () => {
    const id = randomUUID()
    expect(parseOwnMessageId(`<sts-e-${id}@helpdesk.test>`)).toEqual({ kind: 'email', id })
    expect(parseOwnMessageId(`<sts-t-${id}@x>`)).toEqual({ kind: 'ticket', id })
    expect(parseOwnMessageId(`<${id}@helpdesk.test>`)).toBeUndefined()
    expect(parseOwnMessageId('<sts-e-nope@x>')).toBeUndefined()
  })

  it('never verifies a password against an account without one', async () => {
    expect(await verifyPassword(NO_PASSWORD, NO_PASSWORD)).toBe(false)
    expect(await verifyPassword(NO_PASSWORD, 'not-a-real-password-used-for-timing')).toBe(false)
  })
})

describe('threading by subject token', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext({ INBOUND_ADDRESS: 'support@helpdesk.test' })
  })
  afterAll(async () => {
    await ctx.close()
  })

  async function ticketIdByNumberOf(ticketId: string): Promise<number> {
    const [row] = await ctx.database.db
      .select({ number: tickets.number })
      .from(tickets)
      .where(eq(tickets.id, ticketId))
    if (!row) throw new Error('no such ticket')
    expect(await ticketIdByNumber(ctx.database.db, row.number)).toBe(ticketId)
    return row.number
  }

  it('adds a reply without references to the ticket its [#N] names, only for its people', async () => {
    const deps = createIntakeDeps(ctx.config, ctx.database, ctx.queue)
    const requester = `req-${randomUUID().slice(0, 6)}@example.org`
    const filed = await receiveMessage(deps, await composeMail({ from: requester }), 'http')
    const number = await ticketIdByNumberOf(String(filed.ticketId))

    const reply = await receiveMessage(
      deps,
      await composeMail({ from: requester, subject: `Re: [#${number}] Received` }),
      'http',
    )
    expect(reply).toMatchObject({ outcome: 'comment_added', ticketId: filed.ticketId })
    const stranger = await receiveMessage(
      deps,
      await composeMail({ from: 'x@evil.example', subject: `Re: [#${number}] hi` }),
      'http',
    )
    expect(stranger.outcome).toBe('ticket_created')
    expect(stranger.ticketId).not.toBe(filed.ticketId)
    const unknown = await receiveMessage(
      deps,
      await composeMail({ from: requester, subject: `Re: [#${number + 1000}] Received` }),
      'http',
    )
    expect(unknown.outcome).toBe('ticket_created')
    // Past the integer column: names no ticket, and no database error either.
    expect(await ticketIdByNumber(ctx.database.db, 99_999_999_999)).toBeUndefined()
  })
})
