// (c) An admin promotes a user to moderator, edits their skills, deactivates and reactivates
// them, and finds the assignment email in the outbox.
import { expect, test } from '@playwright/test'
import {
  ADMIN,
  apiAs,
  call,
  catalogHasCaughtUp,
  registerUser,
  signIn,
  skillName,
  ticketFor,
  uniqueTag,
  waitUntilAssigned,
} from './support.js'

test('an admin promotes a user, edits their skills and sees the outbox', async ({ page, baseURL }) => {
  const tag = uniqueTag()
  const adminApi = await apiAs(baseURL ?? '', ADMIN.email, ADMIN.password)
  const skillCreatedAt = Date.now()
  await call(adminApi, 'POST', '/api/skills', {
    name: skillName(tag),
    keywords: [skillName(tag).toLowerCase()],
  })
  const { user: promoted } = await registerUser(baseURL ?? '', tag, 'helper')

  await signIn(page, ADMIN.email, ADMIN.password)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click()
  await page.getByLabel('Search', { exact: true }).fill(promoted.email)
  await expect(page.getByRole('link', { name: `Helper ${tag}` })).toBeVisible()
  await expect(page.getByRole('row')).toHaveCount(2) // the header and the one match
  await page.getByRole('link', { name: `Helper ${tag}` }).click()

  // Promote.
  await page.getByLabel('Role').selectOption('moderator')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page.getByText(`${promoted.email} is now moderator.`)).toBeVisible()
  await expect(page.locator('.page-subtitle')).toContainText('Moderator')

  // Skills: add one at 3, then raise it to 5.
  await page.getByLabel('Add a skill').selectOption(skillName(tag))
  await page.getByLabel('Proficiency', { exact: true }).selectOption('3')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await page.getByRole('button', { name: 'Save skills' }).click()
  await expect(page.getByText('Skills saved.')).toBeVisible()
  await page.getByLabel(`Proficiency in ${skillName(tag)}`).selectOption('5')
  await page.getByRole('button', { name: 'Save skills' }).click()
  await expect(page.getByRole('button', { name: 'Save skills' })).toBeDisabled()
  const saved = await call<{ role: string; skills: { name: string; proficiency: number }[] }>(
    adminApi,
    'GET',
    `/api/users/${promoted.id}`,
  )
  expect(saved.role).toBe('moderator')
  expect(saved.skills).toEqual([expect.objectContaining({ name: skillName(tag), proficiency: 5 })])

  // Deactivate (with confirmation) and activate again.
  await page.getByRole('button', { name: 'Deactivate account…' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click()
  await expect(page.locator('.page-subtitle')).toContainText('Inactive')
  await page.getByRole('button', { name: 'Activate account' }).click()
  await expect(page.locator('.page-subtitle')).toContainText('Active')

  // A ticket for their skill is assigned to them, and the email about it is in the outbox.
  const { api: customer } = await registerUser(baseURL ?? '', tag, 'customer')
  await catalogHasCaughtUp(skillCreatedAt)
  const ticket = await call<{ id: string; title: string }>(customer, 'POST', '/api/tickets', ticketFor(tag))
  expect((await waitUntilAssigned(customer, ticket.id)).assigned_to).toBe(promoted.id)

  await page.getByRole('link', { name: 'Emails to this user' }).click()
  await expect(page).toHaveURL(/\/admin\/emails\?to=/)
  await expect(page.getByLabel('Recipient')).toHaveValue(promoted.email)
  const email = page.getByRole('row').filter({ hasText: ticket.title })
  await expect(email).toBeVisible()
  await email.locator('summary').click()
  await expect(email.locator('pre')).toContainText(ticket.title)
  await expect(email.getByRole('link', { name: 'Open the ticket' })).toHaveAttribute(
    'href',
    `/tickets/${ticket.id}`,
  )
})
