// The admin's Email page and the email side of a ticket page. Mail is delivered through the relay
// endpoint (POST /api/inbound/email, INBOUND_TOKEN in playwright.config.ts): the same intake as
// the SMTP listener and the mailbox.
import { AxeBuilder } from '@axe-core/playwright'
import { type APIRequestContext, expect, type Page, request, test } from '@playwright/test'
import { INBOUND_TOKEN } from './accounts.js'
import { ADMIN, apiAs, call, signIn, uniqueTag, watchPageProblems } from './support.js'

interface Mail {
  from: string
  subject: string
  body: string
  messageId: string
  headers?: string[]
}

/** A plain RFC 5322 message, as a mail server hands it over. */
function rfc822(mail: Mail): string {
  return [
    `From: ${mail.from}`,
    'To: support@e2e.test',
    `Subject: ${mail.subject}`,
    `Message-ID: ${mail.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(mail.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    mail.body.replace(/\n/g, '\r\n'),
    '',
  ].join('\r\n')
}

async function deliver(api: APIRequestContext, raw: string) {
  const response = await api.post('/api/inbound/email', {
    headers: { authorization: `Bearer ${INBOUND_TOKEN}`, 'content-type': 'message/rfc822' },
    data: Buffer.from(raw),
  })
  expect(response.status()).toBe(202)
  return ((await response.json()) as { data: { outcome: string; ticket_id: string | null } }).data
}

async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(serious, page.url()).toEqual([])
}

test('an admin sees how mail comes in and what each message became, and opens the ticket it filed', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueTag()
  const relay = await request.newContext({ baseURL })
  const customer = `mailer-${tag}@e2e.test`
  const firstId = `<first-${tag}@mail.e2e.test>`
  const filed = await deliver(
    relay,
    rfc822({
      from: `Mailer ${tag} <${customer}>`,
      subject: `Scanner ${tag} is offline`,
      messageId: firstId,
      body: `The scanner on floor 2 shows offline since noon.\n\n-- \nMailer ${tag}\nSignature line ${tag}`,
    }),
  )
  expect(filed.outcome).toBe('ticket_created')
  // An inline answer: its quoted questions stay on the comment, folded.
  const reply = await deliver(
    relay,
    rfc822({
      from: customer,
      subject: `Re: Scanner ${tag} is offline`,
      messageId: `<reply-${tag}@mail.e2e.test>`,
      headers: [`In-Reply-To: ${firstId}`, `References: ${firstId}`],
      body: `> Which model?\nA ScanJet ${tag}.\n\nOn Tue, 1 Dec 2026, Helpdesk wrote:\n> Is it plugged in?\n> History ${tag}`,
    }),
  )
  expect(reply).toMatchObject({ outcome: 'comment_added', ticket_id: filed.ticket_id })
  const ignored = await deliver(
    relay,
    rfc822({
      from: customer,
      subject: `Out of office ${tag}`,
      messageId: `<ooo-${tag}@mail.e2e.test>`,
      headers: ['Auto-Submitted: auto-replied', `In-Reply-To: ${firstId}`],
      body: 'I am away until Monday.',
    }),
  )
  expect(ignored.outcome).toBe('ignored_auto_reply')

  const problems = watchPageProblems(page)
  await signIn(page, ADMIN.email, ADMIN.password)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Email' }).click()
  await expect(page).toHaveURL(/\/admin\/email$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Email')
  await expect(page.getByRole('link', { name: 'Incoming' })).toHaveAttribute('aria-current', 'page')

  const status = page.getByTestId('inbound-status')
  await expect(status).toContainText('support@e2e.test')
  await expect(status).toContainText('INBOUND_SMTP_PORT is not set')
  await expect(status).toContainText('No mailbox configured (IMAP_URL)')
  await expect(status).toContainText('POST /api/inbound/email, token configured (INBOUND_TOKEN)')
  await expect(page.locator('body')).not.toContainText(INBOUND_TOKEN)

  const created = page
    .getByRole('row')
    .filter({ has: page.getByText(`Scanner ${tag} is offline`, { exact: true }) })
  await expect(created).toContainText('Ticket created')
  await expect(created).toContainText(`from ${customer} · by relay`)
  await expect(page.getByRole('row').filter({ hasText: `Re: Scanner ${tag}` })).toContainText('Comment added')
  const away = page.getByRole('row').filter({ hasText: `Out of office ${tag}` })
  await expect(away).toContainText('Ignored: auto-reply')
  await expect(away).toContainText('Auto-Submitted: auto-replied')
  await expectAccessible(page)

  // The outcome links to the ticket by its number.
  const ticket = await call<{ number: number }>(
    await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password),
    'GET',
    `/api/tickets/${filed.ticket_id}`,
  )
  await created.getByRole('link', { name: `#${ticket.number}` }).click()
  await expect(page).toHaveURL(`/tickets/${filed.ticket_id}`)
  await expect(page.locator('.page-subtitle .ticket-number')).toHaveText(`#${ticket.number}`)
  await expect(page.locator('.page-subtitle')).toContainText('by email')
  await expect(page.getByTestId('ticket-channel')).toHaveText('Email')

  // The description without the signature; the original has it.
  const description = page.getByRole('region', { name: 'Description' })
  await expect(description).toContainText('The scanner on floor 2 shows offline since noon.')
  await expect(description).not.toContainText(`Signature line ${tag}`)
  await description.getByRole('button', { name: 'Show original' }).click()
  await expect(description.getByTestId('original-email')).toContainText(`Signature line ${tag}`)
  await expect(description.getByTestId('original-email')).toContainText(`Mailer ${tag} <${customer}>`)

  // The emailed comment: marked, its inline question folded, its history in the original only.
  const comment = page.getByRole('listitem').filter({ hasText: `A ScanJet ${tag}.` })
  await expect(comment).toContainText('By email')
  const quoted = comment.locator('details.quoted')
  await expect(quoted.getByText('> Which model?')).toBeHidden()
  await quoted.locator('summary').click()
  await expect(quoted.getByText('> Which model?')).toBeVisible()
  await expect(comment).not.toContainText(`History ${tag}`)
  await comment.getByRole('button', { name: 'Show original' }).click()
  await expect(comment.getByTestId('original-email')).toContainText(`> History ${tag}`)
  await expect(comment.getByRole('button', { name: 'Hide original' })).toHaveAttribute(
    'aria-expanded',
    'true',
  )
  await expectAccessible(page)
  expect(problems).toEqual([])
})

test('the outbox is the Email page’s second tab and shows a bounced email as bounced', async ({
  page,
  baseURL,
}) => {
  const tag = uniqueTag()
  const relay = await request.newContext({ baseURL })
  const customer = `bouncer-${tag}@e2e.test`
  const filed = await deliver(
    relay,
    rfc822({
      from: customer,
      subject: `Bounce check ${tag}`,
      messageId: `<bounce-${tag}@mail.e2e.test>`,
      body: 'My address will bounce your acknowledgement.',
    }),
  )
  expect(filed.outcome).toBe('ticket_created')
  const admin = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const [ack] = await call<{ message_id: string; subject: string }[]>(
    admin,
    'GET',
    `/api/admin/emails?to=${encodeURIComponent(customer)}`,
  )
  if (!ack) throw new Error('no acknowledgement recorded')
  const report = [
    'From: Mail Delivery System <MAILER-DAEMON@mx.e2e.test>',
    'To: no-reply@localhost',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${tag}@mx.e2e.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `Your message to ${customer} could not be delivered.`,
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.e2e.test',
    '',
    `Final-Recipient: rfc822; ${customer}`,
    'Action: failed',
    'Status: 5.1.1',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    `To: ${customer}`,
    `Message-ID: ${ack.message_id}`,
    '--b1--',
    '',
  ].join('\r\n')
  expect((await deliver(relay, report)).outcome).toBe('bounce')

  await signIn(page, ADMIN.email, ADMIN.password)
  await page.goto('/admin/email')
  await expect(
    page.getByRole('row').filter({ hasText: 'Undelivered Mail Returned to Sender' }).first(),
  ).toContainText('Bounce')
  await page.getByRole('navigation', { name: 'Email' }).getByRole('link', { name: 'Outbox' }).click()
  await expect(page).toHaveURL(/\/admin\/emails$/)
  await expect(page.getByRole('link', { name: 'Outbox' })).toHaveAttribute('aria-current', 'page')
  // Still the Email page in the main navigation.
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Email' }),
  ).toHaveAttribute('aria-current', 'page')
  await page.getByLabel('Recipient').fill(customer)
  await page.getByLabel('Recipient').press('Enter')
  const row = page.getByRole('row').filter({ hasText: ack.subject })
  await expect(row.locator('.badge.email-bounced')).toHaveText(/Bounced: a delivery report came back/)
  await expectAccessible(page)
})
