// A conversation longer than one API page (100): the ticket page opens on the latest messages
// and loads earlier ones on request, so nothing is lost and nothing is fetched all at once.
import { expect, test } from '@playwright/test'
import { call, PASSWORD, registerUser, signIn, ticketFor, uniqueTag } from './support.js'

test('a 130-message conversation opens on the latest and shows the earlier ones on request', async ({
  browser,
  baseURL,
}) => {
  const tag = uniqueTag()
  const customer = await registerUser(baseURL ?? '', tag, 'talker')
  const ticket = await call<{ id: string }>(customer.api, 'POST', '/api/tickets', ticketFor(tag))
  for (let i = 1; i <= 130; i++) {
    await call(customer.api, 'POST', `/api/tickets/${ticket.id}/comments`, { body: `Message number ${i}.` })
  }

  const page = await (await browser.newContext()).newPage()
  await signIn(page, customer.user.email, PASSWORD)
  await page.goto(`/tickets/${ticket.id}`)
  const conversation = page.getByRole('region', { name: /Conversation/ })
  await expect(conversation.getByText('Message number 130.')).toBeVisible()
  await expect(conversation.getByText('Message number 101.')).toBeVisible()
  await expect(conversation.getByText('Message number 100.')).toHaveCount(0)
  await expect(conversation.getByRole('heading')).toContainText('130')

  await conversation.getByRole('button', { name: 'Show earlier messages (100 more)' }).click()
  await expect(conversation.getByText('Message number 1.', { exact: true })).toBeVisible()
  await expect(conversation.getByRole('button', { name: /Show earlier messages/ })).toHaveCount(0)
  await expect(conversation.locator('li.comment')).toHaveCount(130)
})
