// (b) The assigned moderator works a ticket through the workflow; the customer, in another
// browser context, sees every change arrive live, answers, and confirms the fix.
import { expect, type Page, test } from '@playwright/test'
import {
  ADMIN,
  apiAs,
  call,
  catalogHasCaughtUp,
  expectNoReload,
  markDocument,
  moderatorWithSkill,
  PASSWORD,
  registerUser,
  signIn,
  ticketFor,
  uniqueTag,
  waitUntilAssigned,
  watchPageProblems,
} from './support.js'

const status = (page: Page) => page.getByTestId('ticket-status')
const conversation = (page: Page) => page.getByRole('region', { name: /Conversation/ })

async function setUp(baseURL: string) {
  const tag = uniqueTag()
  const admin = await apiAs(baseURL, ADMIN.email, ADMIN.password)
  const { moderator, createdAt } = await moderatorWithSkill(admin, tag)
  const customer = await registerUser(baseURL, tag, 'customer')
  await catalogHasCaughtUp(createdAt)
  const ticket = await call<{ id: string; title: string }>(
    customer.api,
    'POST',
    '/api/tickets',
    ticketFor(tag),
  )
  const assigned = await waitUntilAssigned(customer.api, ticket.id)
  const history = await call(customer.api, 'GET', `/api/tickets/${ticket.id}/history`)
  expect(assigned.assigned_to, JSON.stringify(history)).toBe(moderator.id)
  return { tag, moderator, customer: customer.user, ticket }
}

test('a moderator works the ticket while the customer follows live', async ({ browser, baseURL }) => {
  const { moderator, customer, ticket } = await setUp(baseURL ?? '')

  // The moderator finds the ticket among their own in the queue.
  const mod = await (await browser.newContext()).newPage()
  const modProblems = watchPageProblems(mod)
  await signIn(mod, moderator.email, PASSWORD)
  await mod.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click()
  await mod.getByLabel('Assigned').selectOption('mine')
  await expect(mod).toHaveURL(/assigned=mine/)
  await mod.getByRole('link', { name: ticket.title }).click()
  await expect(mod.getByRole('heading', { level: 1 })).toHaveText(ticket.title)
  await markDocument(mod)

  // The customer watches their list: the moderator starting work shows up there by itself.
  const user = await (await browser.newContext()).newPage()
  const userProblems = watchPageProblems(user)
  await signIn(user, customer.email, PASSWORD)
  const row = user.getByRole('row').filter({ hasText: ticket.title })
  await expect(row).toContainText('To do')
  await markDocument(user)
  await mod.getByRole('button', { name: 'Start work' }).click()
  await expect(row).toContainText('In progress')
  await expectNoReload(user)

  // On the ticket page, the moderator's message arrives by itself.
  await user.getByRole('link', { name: ticket.title }).click()
  await expect(status(user)).toHaveText('In progress')
  await mod.getByLabel('Reply to the customer').fill('Could you send the full error message?')
  await mod.getByRole('button', { name: 'Post reply' }).click()
  await expect(conversation(user)).toContainText('Could you send the full error message?')

  // The moderator needs something from the customer.
  await expect(mod.getByRole('button', { name: 'Start work' })).toHaveCount(0)
  await mod.getByRole('button', { name: 'Ask the customer' }).click()
  await expect(status(user)).toHaveText('Waiting for customer')
  await expect(user.getByText('replying moves the ticket back to In progress')).toBeVisible()

  // The customer answers; the ticket goes back to the moderator.
  await user.getByLabel('Your reply').fill('Here is the full error: export aborted at row 5120.')
  await user.getByRole('button', { name: 'Post reply' }).click()
  await expect(status(user)).toHaveText('In progress')
  await expect(status(mod)).toHaveText('In progress')
  await expect(conversation(mod)).toContainText('export aborted at row 5120')

  // Resolved: the customer is asked to confirm, and does.
  await mod.getByRole('button', { name: 'Mark resolved' }).click()
  await expect(status(user)).toHaveText('Resolved')
  await user.getByRole('button', { name: 'Confirm fix' }).click()
  await expect(status(user)).toHaveText('Closed')
  await expect(status(mod)).toHaveText('Closed')
  await expect(mod.getByText('Closed is final: no further moves.')).toBeVisible()
  await expect(user.getByRole('region', { name: 'History' })).toContainText(
    'You moved it from Resolved to Closed',
  )

  await expectNoReload(mod)
  await expectNoReload(user)
  expect([...modProblems, ...userProblems]).toEqual([])
})

test('a moderator deletes a ticket with the keyboard, through a confirmation dialog', async ({
  browser,
  baseURL,
}) => {
  const { moderator, ticket } = await setUp(baseURL ?? '')
  const mod = await (await browser.newContext()).newPage()
  await signIn(mod, moderator.email, PASSWORD)
  await mod.goto(`/tickets/${ticket.id}`)

  const deleteButton = mod.getByRole('button', { name: 'Delete ticket…' })
  await deleteButton.focus()
  await mod.keyboard.press('Enter')
  const dialog = mod.getByRole('dialog', { name: 'Delete this ticket?' })
  await expect(dialog).toBeVisible()
  // Focus starts on the safe choice; Escape cancels and gives focus back.
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await mod.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(deleteButton).toBeFocused()

  await mod.keyboard.press('Enter')
  await expect(dialog).toBeVisible()
  await mod.keyboard.press('Tab')
  await expect(dialog.getByRole('button', { name: 'Delete ticket' })).toBeFocused()
  await mod.keyboard.press('Enter')
  await expect(mod).toHaveURL(/\/queue$/)
  await expect(mod.getByText('Ticket deleted.')).toBeVisible()

  await mod.goto(`/tickets/${ticket.id}`)
  await expect(mod.getByRole('heading', { level: 1 })).toHaveText('Ticket not found')
})
